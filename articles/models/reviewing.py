"""Outside reviewers: a review link lets someone without an account read a page's draft and
comment on it. The link names the page (a live page with a draft, or a page not yet public),
so it shows the draft as it is now, however often it changes or is started again."""

import secrets
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.crypto import salted_hmac

from .content import Article, Treatment

# The HMAC salt: a name, not a secret (SECRET_KEY is the key).
HASH_SALT = "articles.review-link"
DEFAULT_DAYS = 14
MAX_DAYS = 60
COMMENT_MAX_LENGTH = 4000
QUOTE_MAX_LENGTH = 1000


def token_hash(token):
    """What is stored of a link's token: an HMAC keyed with SECRET_KEY, so neither a copy of
    the database nor of its backups opens a link."""
    return salted_hmac(HASH_SALT, token, algorithm="sha256").hexdigest()


class Verdict(models.TextChoices):
    LOOKS_RIGHT = "looks-right", "Looks right"
    NEEDS_CHANGES = "needs-changes", "Needs changes"


class ReviewLinkQuerySet(models.QuerySet):
    def open(self):
        return self.filter(
            revoked_at__isnull=True, ended_at__isnull=True, expires_at__gt=timezone.now()
        )

    def ended(self):
        return self.filter(
            Q(revoked_at__isnull=False)
            | Q(ended_at__isnull=False)
            | Q(expires_at__lte=timezone.now())
        )

    def for_page(self, page):
        """Links to a page, or to the page a draft drafts."""
        page_id = page.live_page_id or page.pk
        return self.filter(**{type(page)._meta.model_name: page_id})


class ReviewLink(models.Model):
    class Role(models.TextChoices):
        CLINICAL = "clinical", "Clinical"
        LIVED_EXPERIENCE = "lived-experience", "Lived experience"
        OTHER = "other", "Other"

    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, null=True, blank=True, related_name="review_links"
    )
    treatment = models.ForeignKey(
        Treatment, on_delete=models.CASCADE, null=True, blank=True, related_name="review_links"
    )
    reviewer_name = models.CharField(
        max_length=200, help_text="Who you are asking, as they will be named in the history."
    )
    email = models.EmailField(
        blank=True,
        help_text="Optional, for your own records: nothing is sent to it. Deleted when the link "
        "ends.",
    )
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.CLINICAL)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    expires_at = models.DateTimeField("ends at")
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)
    # The row the link shows: the draft of a live page, or a page not public. A link is for
    # that draft alone: it ends when the draft goes live or is withdrawn, for good (a later
    # draft of the same page needs a new link).
    draft_id = models.PositiveBigIntegerField(null=True, editable=False)
    ended_at = models.DateTimeField(
        null=True, blank=True, editable=False, help_text="When its draft went live or went."
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    # The draft's fingerprint (articles.drafts) when the reviewer last opened it: a draft that
    # changed since is said so on the review page.
    last_seen_content = models.CharField(max_length=64, blank=True, editable=False)
    verdict = models.CharField(
        max_length=20,
        choices=Verdict.choices,
        blank=True,
        editable=False,
        help_text="Their latest.",
    )
    created = models.DateTimeField(auto_now_add=True)

    objects = ReviewLinkQuerySet.as_manager()

    class Meta:
        ordering = ["-created"]
        verbose_name_plural = "review links"
        constraints = [
            models.CheckConstraint(
                condition=Q(article__isnull=False, treatment__isnull=True)
                | Q(article__isnull=True, treatment__isnull=False),
                name="reviewlink_one_page",
            )
        ]

    def __str__(self):
        return f"{self.reviewer_name} ({self.get_role_display()}) on {self.page}"

    @property
    def page(self):
        return self.article or self.treatment

    @property
    def is_open(self):
        return (
            self.revoked_at is None and self.ended_at is None and self.expires_at > timezone.now()
        )

    @classmethod
    def create(cls, page, *, days=DEFAULT_DAYS, created_by=None, **fields):
        """A new link to `page` (or to the page a draft drafts) and its token, which is shown
        once: only its hash is kept."""
        token = secrets.token_urlsafe(32)
        live_or_new = page.live_page or page
        link = cls.objects.create(
            **{type(page)._meta.model_name: live_or_new},
            draft_id=page.pk,
            token_hash=token_hash(token),
            expires_at=timezone.now() + timedelta(days=days),
            created_by=created_by,
            **fields,
        )
        return link, token

    @classmethod
    def for_token(cls, token):
        """The link with this token, open or ended, or None."""
        if not token or len(token) > 100:
            return None
        return (
            cls.objects.select_related("article", "treatment").filter(token_hash=token_hash(token))
        ).first()

    @classmethod
    def end_for(cls, draft):
        """End the links that show `draft` (it went live, or was withdrawn); forget emails."""
        name = type(draft)._meta.model_name
        links = cls.objects.filter(**{f"{name}__isnull": False}, draft_id=draft.pk)
        return links.filter(ended_at__isnull=True).update(ended_at=timezone.now(), email="")

    def revoke(self):
        self.revoked_at = timezone.now()
        self.email = ""
        self.save(update_fields=["revoked_at", "email"])


class ReviewComment(models.Model):
    """A reviewer's comment and verdict, kept with the page's history: it names the draft's
    saved version and the content it was about."""

    link = models.ForeignKey(ReviewLink, on_delete=models.CASCADE, related_name="comments")
    quote = models.TextField(
        "passage",
        blank=True,
        max_length=QUOTE_MAX_LENGTH,
        help_text="The passage the comment is about, copied by the reviewer.",
    )
    text = models.TextField("comment", blank=True, max_length=COMMENT_MAX_LENGTH)
    verdict = models.CharField(max_length=20, choices=Verdict.choices, blank=True)
    content = models.CharField(
        max_length=64, help_text="The fingerprint of the draft the reviewer was reading."
    )
    version = models.ForeignKey(
        "reversion.Version",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The draft's saved version they were reading.",
    )
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created", "id"]
        verbose_name_plural = "review comments"
        constraints = [
            models.CheckConstraint(
                condition=~Q(text="") | ~Q(verdict=""), name="reviewcomment_says_something"
            )
        ]

    def __str__(self):
        return f"{self.link.reviewer_name}: {self.get_verdict_display() or self.text[:60]}"
