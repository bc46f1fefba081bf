"""What articles and treatments share: status and publish time, byline and clinical review."""

import time
from datetime import date
from math import ceil

from django.apps import apps
from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.db import connection, models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.formats import date_format

from .. import markdown, readability, term_marks
from .people import Person

REVIEW_INTERVAL_YEARS = 3


class Status(models.TextChoices):
    DRAFT = "draft", "Draft"
    REVIEW = "review", "Submitted for review"
    PUBLISHED = "published", "Published"
    UNPUBLISHED = "unpublished", "Unpublished"


# Stored text a list of pages never shows: left in the database until a page needs it (an
# article's table of contents too: JSON decoded for every row otherwise).
PAGE_TEXT_FIELDS = ("body", "body_html", "plain_text", "search_vector", "toc")


def public_now(status, publish_at):
    """The rule for what the public may see: published, and the publish time has passed.
    `published()` below is the same rule as a query."""
    return status == Status.PUBLISHED and publish_at is not None and publish_at <= timezone.now()


class PublishableQuerySet(models.QuerySet):
    def published(self):
        """What the public may see (`public_now`), as a query."""
        return self.filter(status=Status.PUBLISHED, publish_at__lte=timezone.now())

    def pages(self):
        """Pages, not drafts of live pages: what the admin lists, links, imports and exports
        name."""
        return self.filter(live_page__isnull=True)

    def scheduled(self):
        """Published with a publish time still to come: public from that moment on."""
        return self.filter(status=Status.PUBLISHED, publish_at__gt=timezone.now())

    def for_lists(self):
        fields = {field.name for field in self.model._meta.concrete_fields}
        return self.defer(*(name for name in PAGE_TEXT_FIELDS if name in fields))

    def mentioning(self, names, marked=()):
        """Pages whose text holds any of `names`, in any case, or whose HTML marks a glossary
        term of the slugs `marked`: every page that may mark a term with these names, or holds
        its old mark (and a few that don't)."""
        query = Q()
        for slug in marked:
            attribute = f'aria-details="{term_marks.ID_PREFIX}{slug}"'
            for field in self.model.html_fields:
                query |= Q(**{f"{field}__contains": attribute})
        words = {" ".join(name.split()) for name in names} - {""}
        if connection.vendor == "sqlite" and not all(word.isascii() for word in words):
            # SQLite's LIKE ignores case for ASCII letters only ("É" is not "é"), where marking
            # ignores it for all: its candidates are found here instead, by reading the texts.
            folded = [word.casefold() for word in words]
            texts = self.values_list("pk", "plain_text").iterator(chunk_size=500)
            found = [pk for pk, text in texts if any(word in text.casefold() for word in folded)]
            query |= Q(pk__in=found)
        else:
            for word in words:
                query |= Q(plain_text__icontains=word)
        return self.filter(query) if query else self.none()

    def render_again(self, seconds=None):
        """Mark these pages' stored HTML again, after a glossary term changed (the marks are
        in it). Only the HTML fields are written, with update(): what editors wrote, `updated`
        (their edit tokens), the history and sign-offs are untouched, and no signal runs; the
        term's own save starts a new page-cache generation. With `seconds`, stops once that
        long has passed, leaving the rest `marks_stale`. Returns how many pages are left."""
        terms = apps.get_model("articles", "Term").objects.entries_to_mark()
        fields = self.model.html_fields
        loaded = ("pk", "live_page", "mark_terms", *fields)
        started = time.monotonic()
        for page in self.only(*loaded).iterator(chunk_size=100):
            if seconds is not None and time.monotonic() - started >= seconds:
                break
            before = [getattr(page, name) for name in fields]
            page.mark_terms_again(terms)
            after = {name: getattr(page, name) for name in fields}
            changed = after if list(after.values()) != before else {}
            self.model.objects.filter(pk=page.pk).update(**changed, marks_stale=False)
        return self.filter(marks_stale=True).count() if seconds is not None else 0


def review_due_after(reviewed):
    """The default next review: three years on (28 February for a 29 February review)."""
    try:
        return reviewed.replace(year=reviewed.year + REVIEW_INTERVAL_YEARS)
    except ValueError:
        return reviewed.replace(year=reviewed.year + REVIEW_INTERVAL_YEARS, day=28)


class Publishable(models.Model):
    """Status, publish time, byline and clinical review, shared by articles and treatments."""

    status = models.CharField(
        max_length=12,
        choices=Status.choices,
        default=Status.DRAFT,
        help_text="Only “Published” is public. Editors submit for review; a publisher publishes.",
    )
    publish_at = models.DateTimeField(
        "publish time",
        null=True,
        blank=True,
        help_text="Shown publicly once published and this time has passed; a future time "
        "schedules it. Left empty, it is set to the moment you publish.",
    )
    author = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="authored_%(class)ss",
        help_text="The byline. Leave empty if not known: the page says so.",
    )
    reviewer = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reviewed_%(class)ss",
        verbose_name="medical reviewer",
        help_text="The clinician who checked it. Must not be the author.",
    )
    last_reviewed = models.DateField(
        "last clinically reviewed",
        null=True,
        blank=True,
        help_text="When the medical reviewer last checked it (not when it was last edited).",
    )
    next_review_due = models.DateField(
        null=True,
        blank=True,
        help_text=f"Left empty, set to {REVIEW_INTERVAL_YEARS} years after the last review.",
    )
    # Sign-off of changes to live pages: a live page is never edited in place. Its changes are
    # made on a draft, a second row pointing at it, which a publisher's sign-off copies onto
    # the live row (articles.drafts).
    live_page = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        editable=False,
        related_name="drafts",
        help_text="Set on a draft of a live page: the page it will replace once signed off.",
    )
    go_live_at = models.DateTimeField(
        "goes live at",
        null=True,
        blank=True,
        editable=False,
        help_text="Set when a publisher scheduled this draft: it replaces the live page then.",
    )
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        help_text="The publisher who scheduled this draft to go live.",
    )
    signed_off_content = models.CharField(
        max_length=64,
        blank=True,
        editable=False,
        help_text="A fingerprint of what the publisher scheduled: anything else never goes live.",
    )
    review_note = models.TextField(
        "changes requested",
        blank=True,
        editable=False,
        help_text="A publisher's note when sending the page back to its editors.",
    )
    mark_terms = models.BooleanField(
        "mark glossary terms",
        default=True,
        help_text="Mark the first use of each glossary term in the text, with its definition. "
        "Untick for a page where the marks would get in the way.",
    )
    # Set when a glossary term changed and this page's marks were not yet written again (the
    # publish marks pages for a few seconds; the rest are marked when first read, or by
    # `manage.py mark_terms`).
    marks_stale = models.BooleanField(default=False, editable=False)
    plain_text = models.TextField(editable=False, blank=True)
    word_count = models.PositiveIntegerField(editable=False, default=0)
    # PostgreSQL full-text search (articles.search); unused on SQLite.
    search_vector = SearchVectorField(null=True, editable=False)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    objects = PublishableQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.fill_defaults()
        self.render_markdown()
        self.marks_stale = False
        # post_save receivers (articles.signals: search index, redirects) still see `loaded`
        # as it was before this save.
        super().save(*args, **kwargs)
        self._loaded = {field.attname: getattr(self, field.attname) for field in self._meta.fields}

    def clean(self):
        super().clean()
        # Here as well as in save(): forms validate the constraints before saving.
        self.fill_defaults()
        errors = {}
        if self.reviewer_id and self.reviewer_id == self.author_id:
            errors["reviewer"] = "The medical reviewer must be someone other than the author."
        errors.update(self.link_errors())
        if overdue := self.overdue_error(previous_status=self.loaded.get("status")):
            errors["status"] = overdue
        # The database's rule for pages, which forms can't check (it names `live_page`, not on
        # the form), and for drafts, which it leaves out: said now, not at sign-off.
        if self.slug and self.other_pages().filter(slug=self.slug).exists():
            errors["slug"] = "Another page already has this address (slug)."
        if errors:
            raise ValidationError(errors)

    def overdue_error(self, *, previous_status):
        """Why publishing is refused if the page is being published (its status was
        `previous_status`, None for a new page) while its clinical review is overdue."""
        being_published = self.status == Status.PUBLISHED and previous_status != Status.PUBLISHED
        if being_published and self.review_overdue:
            return (
                f"The clinical review was due on {date_format(self.next_review_due)}. Record a "
                "new review (reviewer and date) before publishing."
            )
        return None

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        # What the row was when loaded: publishing and slug changes are judged against it.
        instance._loaded = dict(zip(field_names, values, strict=False))
        return instance

    @property
    def loaded(self):
        """The row as last loaded from or saved to the database ({} for a new page)."""
        return getattr(self, "_loaded", {})

    @property
    def is_public(self):
        return public_now(self.status, self.publish_at)

    @property
    def was_public(self):
        """Whether the page as last loaded or saved was public."""
        return public_now(self.loaded.get("status"), self.loaded.get("publish_at"))

    @property
    def reading_minutes(self):
        return max(1, ceil(self.word_count / readability.WORDS_PER_MINUTE))

    @property
    def review_overdue(self):
        return self.next_review_due is not None and self.next_review_due < date.today()

    def other_pages(self):
        """Pages (not drafts) of this kind other than this one, or than the one it drafts."""
        return type(self).objects.pages().exclude(pk=self.live_page_id or self.pk)

    def markdown_text(self):
        """All of the page's Markdown, for checks that look at every field."""
        return "\n".join(getattr(self, name) for name in self.markdown_fields)

    def link_errors(self):
        """Internal links in the Markdown must point at pages that exist."""
        errors = {}
        for name in self.markdown_fields:
            for kind, ids in markdown.markdown_link_ids(getattr(self, name)).items():
                model = apps.get_model("articles", kind)
                pages = model.objects.pages().filter(pk__in=ids)
                missing = sorted(ids - set(pages.values_list("pk", flat=True)))
                if missing:
                    codes = ", ".join(f"{kind}:{number}" for number in missing)
                    errors[name] = f"There is no {kind} for the link {codes}."
        return errors

    def fill_defaults(self):
        if self.status == Status.PUBLISHED and self.publish_at is None:
            self.publish_at = timezone.now()
        if self.last_reviewed and not self.next_review_due:
            self.next_review_due = review_due_after(self.last_reviewed)

    def render_markdown(self, terms=None):
        """Render the Markdown fields to stored HTML (`html_fields`), `set_text()` from the
        HTML before glossary terms are marked in it. `terms`: as `glossary_entries()`."""
        raise NotImplementedError

    def glossary_entries(self, terms=None):
        """The glossary terms this page marks (term_marks.Entry): none if its marking is off.
        `terms`, from `Term.objects.entries_to_mark()`, saves the query when rendering many
        pages."""
        if not self.mark_terms:
            return []
        if terms is None:
            terms = apps.get_model("articles", "Term").objects.entries_to_mark()
        own = self.explained_by_treatment()
        return [entry for treatment_id, entry in terms if own is None or treatment_id != own]

    def explained_by_treatment(self):
        """The treatment whose terms this page does not mark, because it explains them."""
        return None

    def with_fresh_marks(self):
        """This page, its marks written again first if a glossary change left them stale: once,
        by the first request that reads it."""
        if self.marks_stale:
            self.mark_terms_again()
            self.marks_stale = False
            written = {name: getattr(self, name) for name in self.html_fields}
            type(self).objects.filter(pk=self.pk).update(**written, marks_stale=False)
        return self

    def mark_terms_again(self, terms=None):
        """Mark the stored HTML with the glossary as it is now: what `render_markdown()` would
        store (marking comes after formatting, and `term_marks.unmarked()` undoes it exactly),
        without formatting the Markdown again, a tenth of the time. The HTML fields are marked
        as one page, in order: a term used in a treatment's summary is not marked in its body."""
        entries = self.glossary_entries(terms)
        used = ()
        for name in self.html_fields:
            html = term_marks.unmarked(getattr(self, name))
            html, found = term_marks.mark(html, entries, already=used)
            setattr(self, name, html)
            used = (*used, *found)

    def set_text(self, *htmls):
        self.plain_text = " ".join(markdown.plain_text(html) for html in htmls).strip()
        self.word_count = len(self.plain_text.split())


def publishable_indexes(prefix):
    # published() and newest-first lists (feeds) read only published rows by publish time.
    return [
        models.Index(
            fields=["-publish_at"],
            condition=Q(status=Status.PUBLISHED),
            name=f"{prefix}_published_by_time",
        )
    ]


def publishable_constraints(prefix):
    return [
        models.UniqueConstraint(
            fields=["slug"],
            condition=Q(live_page__isnull=True),
            name=f"{prefix}_unique_slug",
            violation_error_message="Another page already has this address (slug).",
        ),
        # One draft per live page, never public itself; only a draft is scheduled to go live.
        models.UniqueConstraint(fields=["live_page"], name=f"{prefix}_one_draft_per_page"),
        models.CheckConstraint(
            condition=Q(live_page__isnull=True) | Q(status__in=[Status.DRAFT, Status.REVIEW]),
            name=f"{prefix}_draft_of_live_page_is_not_published",
        ),
        models.CheckConstraint(
            condition=Q(go_live_at__isnull=True) | Q(live_page__isnull=False),
            name=f"{prefix}_only_drafts_go_live",
        ),
        models.CheckConstraint(
            condition=~Q(status=Status.PUBLISHED) | Q(publish_at__isnull=False),
            name=f"{prefix}_published_has_time",
            violation_error_message="A published item needs a publish time.",
        ),
        models.CheckConstraint(
            condition=~Q(reviewer=F("author")),
            name=f"{prefix}_reviewer_is_not_author",
            violation_error_message="The medical reviewer must be someone other than the author.",
        ),
        models.CheckConstraint(
            condition=Q(next_review_due__isnull=True)
            | Q(last_reviewed__isnull=True)
            | Q(next_review_due__gt=F("last_reviewed")),
            name=f"{prefix}_review_due_after_review",
            violation_error_message="The next review must be due after the last review.",
        ),
    ]
