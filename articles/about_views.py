"""Readers' pages about who makes the content and how: people's pages, the editorial policy and
the privacy page."""

from datetime import datetime, timedelta

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.utils.timesince import timeuntil
from django.views.generic import DetailView, TemplateView

from .models import Article, EditorialPolicy, Person, Treatment
from .models.reviewing import MAX_DAYS as REVIEW_LINK_MAX_DAYS
from .pages import numbered_page

CREDITED_PER_PAGE = 50


class PersonDetailView(DetailView):
    """Someone a published page credits: who they are, what they declared, what they wrote or
    reviewed. Anyone else has no public page (404), whoever asks."""

    def get_queryset(self):
        # Built per request: published() reads the clock.
        return Person.objects.published()

    def get_context_data(self, **kwargs):
        person = self.object
        credited = Q(author=person) | Q(reviewer=person)
        articles = (
            Article.objects.published()
            .pages()
            .for_lists()
            .filter(credited)
            .select_related("series")
            .order_by("series__title", "number")
        )
        treatments = (
            Treatment.objects.published().pages().for_lists().filter(credited).order_by("name")
        )
        page = numbered_page(Paginator(articles, CREDITED_PER_PAGE), self.request.GET.get("page"))
        return super().get_context_data(page_obj=page, treatments=list(treatments), **kwargs)


class EditorialPolicyView(DetailView):
    """Only once a publisher has written and shown it: never a placeholder."""

    template_name = "articles/editorialpolicy_detail.html"
    context_object_name = "policy"

    def get_object(self, queryset=None):
        policy = EditorialPolicy.objects.filter(pk=1, published=True).exclude(text="").first()
        if policy is None:
            raise Http404("No editorial policy is published.")
        return policy


def duration(seconds):
    """A period in words, e.g. “1 hour”, “2 weeks”."""
    start = datetime(2000, 1, 1)  # any moment: only the difference counts
    return timeuntil(start + timedelta(seconds=seconds), start)


class PrivacyView(TemplateView):
    """What the site stores about readers, reviewers and staff, and for how long: every figure
    comes from the settings the code itself uses, so the page and the software agree."""

    template_name = "articles/privacy.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            feedback_retention_days=settings.FEEDBACK_RETENTION_DAYS,
            page_cache_timeout=duration(settings.PAGE_CACHE_TIMEOUT),
            feedback_rate_period=duration(settings.FEEDBACK_RATE_PERIOD),
            review_link_max_days=REVIEW_LINK_MAX_DAYS,
            session_age=duration(settings.SESSION_COOKIE_AGE),
            sign_in_failure_limit=settings.AXES_FAILURE_LIMIT,
            sign_in_pause=duration(settings.AXES_COOLOFF_TIME * 60 * 60),
            **kwargs,
        )
