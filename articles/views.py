from itertools import groupby

from django.contrib.auth.mixins import UserPassesTestMixin
from django.db.models import Prefetch
from django.http import HttpResponseBadRequest
from django.utils.cache import patch_cache_control
from django.views.generic import DetailView, ListView, TemplateView
from markdownx.views import ImageUploadView, MarkdownifyView

from .forms import EditorImageForm
from .models import Article, ArticleTreatment, Series, Treatment


def published_treatment_links():
    """An article's treatment list as readers see it: published treatments, in the editor's
    order, fetched in one query however many there are."""
    return Prefetch(
        "treatment_links",
        queryset=ArticleTreatment.objects.filter(
            treatment__in=Treatment.objects.published()
        ).select_related("treatment"),
        to_attr="public_treatment_links",
    )


def group_by_category(treatments):
    order = {value: index for index, value in enumerate(Treatment.Category.values)}
    ordered = sorted(treatments, key=lambda t: (order[t.category], t.ordering, t.name))
    return [
        (Treatment.Category(category).label, list(items))
        for category, items in groupby(ordered, key=lambda t: t.category)
    ]


class PublicContentMixin:
    """The public sees `published()` only. Signed-in staff may also open drafts, which carry a
    banner (`is_public` in the template) and must never be stored by a shared cache."""

    def get_queryset(self):
        queryset = super().get_queryset()
        if self.request.user.is_staff:
            return queryset
        return queryset.published()

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        if not self.object.is_public:
            patch_cache_control(response, no_cache=True, private=True)
        return response


class HomeView(TemplateView):
    template_name = "articles/home.html"

    def get_context_data(self, **kwargs):
        series_list = Series.objects.prefetch_related(
            Prefetch(
                "articles",
                queryset=Article.objects.published().order_by("number"),
                to_attr="public_articles",
            )
        )
        return super().get_context_data(
            series_list=[series for series in series_list if series.public_articles],
            treatment_groups=group_by_category(Treatment.objects.published()),
            **kwargs,
        )


class SeriesDetailView(DetailView):
    model = Series

    def get_queryset(self):
        return Series.objects.prefetch_related(
            Prefetch(
                "articles",
                queryset=Article.objects.published().order_by("number"),
                to_attr="public_articles",
            )
        )


class ArticleDetailView(PublicContentMixin, DetailView):
    model = Article

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("series")
            .prefetch_related(published_treatment_links(), "figures")
        )

    def get_context_data(self, **kwargs):
        article = self.object
        treatments = [link.treatment for link in article.public_treatment_links]
        in_series = Article.objects.published().filter(series_id=article.series_id)
        fields = ("number", "title", "slug")
        return super().get_context_data(
            treatments=treatments,
            body_parts=article.body_parts(treatments, list(article.figures.all())),
            previous_article=in_series.filter(number__lt=article.number)
            .order_by("-number")
            .only(*fields)
            .first(),
            next_article=in_series.filter(number__gt=article.number)
            .order_by("number")
            .only(*fields)
            .first(),
            **kwargs,
        )


class TreatmentListView(ListView):
    model = Treatment

    def get_queryset(self):
        return Treatment.objects.published()

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            treatment_groups=group_by_category(self.object_list), **kwargs
        )


class TreatmentDetailView(PublicContentMixin, DetailView):
    model = Treatment

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .prefetch_related(
                Prefetch(
                    "articles",
                    queryset=Article.objects.published()
                    .select_related("series")
                    .order_by("series__title", "number"),
                    to_attr="public_articles",
                )
            )
        )


class StaffOnlyMixin(UserPassesTestMixin):
    """The editor's endpoints answer signed-in staff only: anyone else gets 403, never a
    rendered preview or a stored file."""

    raise_exception = True

    def test_func(self):
        return self.request.user.is_active and self.request.user.is_staff


class EditorPreviewView(StaffOnlyMixin, MarkdownifyView):
    def post(self, request, *args, **kwargs):
        if "content" not in request.POST:
            return HttpResponseBadRequest("Nothing to preview: the request had no content.")
        return super().post(request, *args, **kwargs)


class EditorImageUploadView(StaffOnlyMixin, ImageUploadView):
    form_class = EditorImageForm
    http_method_names = ["post"]
