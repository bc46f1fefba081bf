"""The page an outside reviewer opens from a review link: the page's current draft as readers
would see it, what it changes on the live page, and a form for comments and a verdict.

The link's token is the only key: no account, no session, and nothing else opens with it (no
admin, no other page, no upload). Responses are private and never stored (page cache, CDN,
browser), carry no referrer out of the page, and are kept out of search engines.
"""

import re
import secrets
from datetime import timedelta

from django import forms
from django.conf import settings
from django.db import transaction
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.decorators import method_decorator
from django.utils.formats import date_format
from django.views import View
from django.views.decorators.csrf import csrf_exempt
from reversion.models import Version

from . import drafts
from .changes import page_changes
from .models import ReviewComment, ReviewLink, Status, Treatment, Verdict
from .models.reviewing import COMMENT_MAX_LENGTH, QUOTE_MAX_LENGTH
from .pages import page_as_readers_see_it, saved_rows
from .typed_text import clean_typed

# Per link: enough for a careful reviewer, too few to fill the database.
COMMENTS_PER_HOUR = 30
COMMENTS_PER_LINK = 300
FINGERPRINT_RE = re.compile(r"[0-9a-f]{64}")


class ReviewCommentForm(forms.Form):
    quote = forms.CharField(
        label="The passage you are commenting on (optional)",
        required=False,
        max_length=QUOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Copy and paste a few words from the page, so we know where you mean.",
    )
    text = forms.CharField(
        label="Your comment",
        required=False,
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    verdict = forms.ChoiceField(
        label="Your verdict on this draft (optional)",
        required=False,
        choices=[("", "No verdict yet"), *Verdict.choices],
        widget=forms.RadioSelect,
    )
    content = forms.CharField(widget=forms.HiddenInput, required=False)

    def clean_quote(self):
        return clean_typed(self.cleaned_data["quote"])

    def clean_text(self):
        return clean_typed(self.cleaned_data["text"])

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("text") and not cleaned.get("verdict"):
            raise forms.ValidationError("Write a comment, or choose a verdict, before sending.")
        return cleaned


# Cross-site request forgery: the page's Referrer-Policy (no-referrer) makes browsers send
# "Origin: null" and no Referer with its form, which Django's CSRF check refuses on principle.
# So this view does the rest of that check itself: a secret in a cookie only this site can set
# (SameSite=Strict, this link's path only), and the form carries its HMAC.
CSRF_COOKIE = "reviewcsrf"


NOT_SENT = (
    "Your comment was not sent: this page's form key was missing or out of date (your browser "
    "may block cookies, or the page was restored after a restart). Your text is below: press "
    "Send again. If this keeps happening, allow cookies for this site."
)


def form_key(secret, link):
    return salted_hmac("articles.review-form", f"{link.pk}:{secret}").hexdigest()


def private(response):
    patch_cache_control(response, private=True, no_store=True, no_cache=True, max_age=0)
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    return response


def ended(request, reason, status=410):
    response = TemplateResponse(
        request,
        "articles/review_ended.html",
        {"reason": reason, "private_page": True},
        status=status,
    )
    return private(response)


def current_draft(link):
    """What the link shows now: the draft it was made for (the live page's draft, or the page
    itself while nothing of it is public); None once that draft went live or went."""
    page = link.page
    if link.ended_at is not None:
        return None
    if link.draft_id == page.pk:
        return page if page.status != Status.PUBLISHED else None
    draft = drafts.draft_of(page)
    return draft if draft is not None and draft.pk == link.draft_id else None


@method_decorator(csrf_exempt, name="dispatch")
class ReviewPageView(View):
    def dispatch(self, request, token):
        link = ReviewLink.for_token(token)
        if link is None:
            return ended(
                request,
                "This address is not a review link. Check that you copied all of it.",
                status=404,
            )
        if link.revoked_at is not None:
            return ended(request, "The editors withdrew it.")
        draft = current_draft(link)
        if draft is None:
            return ended(
                request,
                "The draft it was for has been published or withdrawn, so there is nothing to "
                "review with it any more.",
            )
        if not link.is_open:
            until = date_format(timezone.localtime(link.expires_at), "j F Y, H:i")
            return ended(request, f"It was valid until {until}.")
        self.link = link
        self.draft = type(draft).objects.select_related(*self.related(draft)).get(pk=draft.pk)
        self.content = drafts.fingerprint(self.draft)
        return private(super().dispatch(request))

    @staticmethod
    def related(page):
        names = ["author", "reviewer", "live_page"]
        return [*names, "series"] if hasattr(page, "series") else names

    def get(self, request):
        changed = bool(self.link.last_seen_content) and self.link.last_seen_content != self.content
        if self.link.last_seen_content != self.content:
            ReviewLink.objects.filter(pk=self.link.pk).update(last_seen_content=self.content)
        form = ReviewCommentForm(initial={"content": self.content})
        return self.render(request, form, changed_since=changed, sent="sent" in request.GET)

    def post(self, request):
        secret = request.COOKIES.get(CSRF_COOKIE, "")
        sent = request.POST.get("form_key", "")
        form = ReviewCommentForm(request.POST)
        if not secret or not constant_time_compare(sent, form_key(secret, self.link)):
            # Cookies blocked or cleared, a tab restored after a restart, or a form sent from
            # elsewhere: nothing is saved, and the reviewer's text comes back to send again.
            form.is_valid()
            form.add_error(None, NOT_SENT)
            return self.render(request, form, status=403)
        if not form.is_valid():
            return self.render(request, form, status=400)
        if too_many := self.too_many_comments():
            form.add_error(None, too_many)
            return self.render(request, form, status=429)
        seen = form.cleaned_data["content"]
        if not FINGERPRINT_RE.fullmatch(seen):
            seen = self.content
        verdict = form.cleaned_data["verdict"]
        with transaction.atomic():
            ReviewComment.objects.create(
                link=self.link,
                quote=form.cleaned_data["quote"],
                text=form.cleaned_data["text"],
                verdict=verdict,
                content=seen,
                version=Version.objects.get_for_object(self.draft).first(),
            )
            if verdict:
                ReviewLink.objects.filter(pk=self.link.pk).update(verdict=verdict)
        response = redirect(request.path + "?sent=1")
        response.status_code = 303
        return response

    @staticmethod
    def changes(live, draft):
        """What the draft changes for readers, naming only treatments readers can see."""
        shown = set(Treatment.objects.published().values_list("pk", flat=True))
        rows = page_changes(live, draft, shown_treatments=shown)
        return [row for row in rows if row["changed"]]

    def too_many_comments(self):
        comments = self.link.comments
        if comments.count() >= COMMENTS_PER_LINK:
            return (
                "This link has reached its limit of comments. Please send the rest to the "
                "editors who asked you."
            )
        an_hour_ago = timezone.now() - timedelta(hours=1)
        if comments.filter(created__gte=an_hour_ago).count() >= COMMENTS_PER_HOUR:
            return (
                "You have sent many comments in the last hour. Please wait a while and send "
                "this one again: your text is still in the form."
            )
        return None

    def render(self, request, form, status=200, **extra):
        draft = self.draft
        live = draft.live_page
        template, context = page_as_readers_see_it(draft, draft, saved_rows(draft))
        comments = list(self.link.comments.all())
        for comment in comments:
            comment.earlier = comment.content != self.content
        context.update(
            private_page=True,
            review_link=self.link,
            review_form=form,
            review_changes=self.changes(live, draft) if live else None,
            review_comments=comments,
            review_earlier=any(comment.earlier for comment in comments),
            **extra,
        )
        secret = request.COOKIES.get(CSRF_COOKIE) or secrets.token_urlsafe(32)
        context["review_form_key"] = form_key(secret, self.link)
        response = TemplateResponse(request, template, context, status=status)
        response.set_cookie(
            CSRF_COOKIE,
            secret,
            path=request.path,
            secure=settings.CSRF_COOKIE_SECURE,
            httponly=True,
            samesite="Strict",
        )
        return response
