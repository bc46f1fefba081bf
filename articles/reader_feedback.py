"""Readers' feedback on a public page: "Was this page helpful?" and an optional comment.

The form is plain HTML inside the cached page (templates/includes/page_feedback.html): no token,
no cookie, no script. So the endpoint it posts to guards itself without a session: the request
must come from a page of this site (its Origin, else its Referer), its body must be small, each
address may send only so many in a while (a count in the cache under a keyed hash of the
address, which expires with the period), and a field people never see catches form-filling
robots. Nothing about the reader is stored: not their address, not their browser.
"""

from urllib.parse import urlsplit

from django import forms
from django.conf import settings
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from django.views.generic import TemplateView

from .models import Article, PageFeedback, Treatment
from .models.feedback import COMMENT_MAX_LENGTH
from .rate_limits import RateLimit
from .typed_text import clean_typed

PAGES = {"article": Article, "treatment": Treatment}
# Room for the longest comment allowed even in 4-byte characters, percent-encoded (12 bytes
# each), so that a comment a little too long still gets its form back with the text in it.
MAX_BODY_BYTES = 32 * 1024
# The HMAC salt of the rate limit's cache key: a name, not a secret (SECRET_KEY is the key).
RATE_SALT = "articles.reader-feedback"
RATE_MESSAGE = (
    "Many messages have been sent from your connection in the last while, so we can't take "
    "more just now. Please try again later. Your text is still in the form below."
)


class CommentField(forms.CharField):
    def to_python(self, value):
        # Browsers send a line break as CR LF; the reader sees, and counts, one character.
        return clean_typed(super().to_python(value))


class FeedbackForm(forms.Form):
    kind = forms.ChoiceField(choices=[(kind, kind) for kind in PAGES])
    page = forms.IntegerField(min_value=1, max_value=2**63 - 1)
    helpful = forms.TypedChoiceField(
        choices=[("yes", "Yes"), ("no", "No")],
        coerce=lambda answer: answer == "yes",
        error_messages={"required": "Choose Yes or No.", "invalid_choice": "Choose Yes or No."},
    )
    comment = CommentField(required=False)
    # The honeypot: hidden from people by the stylesheet (.feedback-extra), filled in by robots.
    website = forms.CharField(required=False)

    def clean_comment(self):
        comment = self.cleaned_data["comment"]
        if len(comment) > COMMENT_MAX_LENGTH:
            raise forms.ValidationError(
                f"Your comment is {len(comment):,} characters long. Please shorten it to "
                f"{COMMENT_MAX_LENGTH:,} characters or fewer."
            )
        return comment

    def public_page(self):
        """The public page the form names, or None: unknown, or not public (now)."""
        if self.errors.get("kind") or self.errors.get("page"):
            return None
        model = PAGES[self.cleaned_data["kind"]]
        return model.objects.published().filter(pk=self.cleaned_data["page"]).first()


def too_large(request):
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0) > MAX_BODY_BYTES
    except ValueError:
        return True


def from_this_site(request):
    """The form was sent from a page of this site: its Origin names this host (or, from a
    browser that sends no Origin, its Referer does; our Referrer-Policy is same-origin). A
    request naming neither is refused, as Django's CSRF check refuses it."""
    source = request.META.get("HTTP_ORIGIN") or request.META.get("HTTP_REFERER") or ""
    try:
        parts = urlsplit(source)
    except ValueError:
        return False
    scheme, host = parts.scheme, parts.netloc.lower()
    if scheme not in ("http", "https") or not host or "@" in host:
        return False
    if request.is_secure() and scheme != "https":
        return False
    if f"{scheme}://{host}" in settings.CSRF_TRUSTED_ORIGINS:
        return True
    return host in {request.get_host().lower(), settings.SITE_DOMAIN.lower()}


def feedback_rate():
    """Sends from one address (settings: FEEDBACK_RATE_LIMIT per FEEDBACK_RATE_PERIOD)."""
    return RateLimit(RATE_SALT, settings.FEEDBACK_RATE_LIMIT, settings.FEEDBACK_RATE_PERIOD)


def rate_key(request):
    return feedback_rate().key(request)


def refused(request, status, reason):
    return render(request, "articles/pagefeedback_refused.html", {"reason": reason}, status=status)


def form_again(request, form, page, status):
    """The form with the reader's answers and text, and what to change."""
    context = {"form": form, "page": page, "kind": form.cleaned_data["kind"]}
    return render(request, "articles/pagefeedback_form.html", context, status=status)


@csrf_exempt  # no token in a cached page: guarded by its origin, size and rate instead
@never_cache
@require_POST
def send_feedback(request):
    if too_large(request):
        return refused(request, 413, "too-large")
    if not from_this_site(request):
        return refused(request, 403, "elsewhere")
    allowed = feedback_rate().take(request)
    form = FeedbackForm(request.POST)
    page = form.public_page()
    if page is None:
        return render(request, "404.html", status=404)
    if not allowed:
        form.add_error(None, RATE_MESSAGE)
        return form_again(request, form, page, 429)
    if form.cleaned_data.get("website"):
        # A robot: it is thanked like anyone, and nothing is kept.
        return see_other(reverse("articles:feedback_thanks"))
    if form.errors:
        return form_again(request, form, page, 400)
    PageFeedback.objects.create(
        **{form.cleaned_data["kind"]: page},
        helpful=form.cleaned_data["helpful"],
        comment=form.cleaned_data["comment"],
    )
    return see_other(reverse("articles:feedback_thanks"))


def see_other(url):
    """POST, then redirect, then GET: reloading the thank-you page sends nothing again."""
    response = HttpResponseRedirect(url)
    response.status_code = 303
    return response


class FeedbackThanksView(TemplateView):
    """The same for everyone, so the page cache may keep it."""

    template_name = "articles/pagefeedback_thanks.html"
