from dataclasses import replace
from itertools import groupby

from django.conf import settings
from django.contrib.auth.mixins import UserPassesTestMixin
from django.core.paginator import Paginator
from django.db.models import Case, Exists, IntegerField, OuterRef, Prefetch, Subquery, When
from django.http import HttpResponseBadRequest
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.views.generic import DetailView, ListView, TemplateView
from markdownx.views import ImageUploadView, MarkdownifyView

from . import markdown, search, structured_data
from .cache import is_reader_request
from .forms import EditorImageForm
from .models import (
    Article,
    ArticleReference,
    ArticleTreatment,
    Series,
    Treatment,
    TreatmentReference,
)

NEIGHBOUR_FIELDS = ("number", "title", "slug")


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


def with_neighbours(queryset):
    """Annotate each article with its previous and next published article in the series, in the
    same query."""
    siblings = Article.objects.published().filter(series=OuterRef("series"))
    before = siblings.filter(number__lt=OuterRef("number")).order_by("-number")
    after = siblings.filter(number__gt=OuterRef("number")).order_by("number")
    annotations = {}
    for name, neighbours in (("previous", before), ("next", after)):
        for field in NEIGHBOUR_FIELDS:
            annotations[f"{name}_{field}"] = Subquery(neighbours.values(field)[:1])
    return queryset.annotate(**annotations)


def neighbour(article, name):
    """The annotated neighbour as an unsaved Article (enough for its link), or None."""
    values = {field: getattr(article, f"{name}_{field}", None) for field in NEIGHBOUR_FIELDS}
    return Article(**values) if values["slug"] else None


def public_link_urls(*htmls):
    """Addresses of the public pages that internal links in these HTML fragments point at: one
    query per kind of page linked, none when nothing is linked."""
    wanted = {kind: set() for kind in markdown.LINK_KINDS}
    for html in htmls:
        for kind, ids in markdown.linked_ids(html).items():
            wanted[kind] |= ids
    urls = {}
    for kind, model in (("article", Article), ("treatment", Treatment)):
        if wanted[kind]:
            rows = model.objects.published().filter(pk__in=wanted[kind]).values_list("pk", "slug")
            urls.update({(kind, pk): model.path_for_slug(slug) for pk, slug in rows})
    return urls


def page_context(page, *, treatments=(), figures=(), references=()):
    """What an article or treatment page shows, slots filled. Shared by the public views and the
    editors' preview, so a preview is exactly the page readers get."""
    source_numbers = {reference.pk: number for number, reference in enumerate(references, 1)}
    if isinstance(page, Article):
        parts = page.body_parts(list(treatments), list(figures))
        htmls = [part.html for part in parts] + [t.summary_html for t in treatments]
    else:
        parts = []
        htmls = [page.summary_html, page.body_html]
    urls = public_link_urls(*htmls)

    def fill(html, numbers=source_numbers):
        return markdown.fill_inline(html, urls, numbers)

    for treatment in treatments:
        # Citations in a summary belong to the treatment's own Sources, shown on its page.
        treatment.summary_filled = fill(treatment.summary_html, {})
    return {
        "body_parts": [replace(part, html=fill(part.html)) for part in parts],
        "summary_filled": fill(page.summary_html) if isinstance(page, Treatment) else "",
        "body_filled": fill(page.body_html) if isinstance(page, Treatment) else "",
        "treatments": list(treatments),
        "references": list(references),
    }


CATEGORY_ORDER = Treatment.Category.values


def group_by_category(treatments):
    order = {value: index for index, value in enumerate(CATEGORY_ORDER)}
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
        # Readers without a session never touch it (no session query, no "Vary: Cookie").
        if not is_reader_request(self.request) and self.request.user.is_staff:
            return queryset
        return queryset.published()

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        if not self.object.is_public:
            patch_cache_control(response, no_cache=True, private=True)
        return response


HOME_ARTICLES_PER_SERIES = 10
HOME_TREATMENTS_PER_GROUP = 8


class HomeView(ListView):
    """The series, each with its first articles, and the treatments: a page of series at a time,
    so the page costs the same however large the series grow."""

    template_name = "articles/home.html"
    paginate_by = 20
    context_object_name = "series_list"

    def get_queryset(self):
        # One more than shown, to know whether to link to the rest.
        first_articles = Article.objects.published().for_lists().order_by("number")
        return (
            Series.objects.filter(Exists(Article.objects.published().filter(series=OuterRef("pk"))))
            .prefetch_related(
                Prefetch(
                    "articles",
                    queryset=first_articles[: HOME_ARTICLES_PER_SERIES + 1],
                    to_attr="public_articles",
                )
            )
            .order_by("title")
        )

    def get_context_data(self, **kwargs):
        groups = [
            (label, treatments[:HOME_TREATMENTS_PER_GROUP], len(treatments))
            for label, treatments in group_by_category(Treatment.objects.published().for_lists())
        ]
        return super().get_context_data(
            treatment_groups=groups, shown_per_series=HOME_ARTICLES_PER_SERIES, **kwargs
        )


class SeriesDetailView(DetailView):
    model = Series
    articles_per_page = 50

    def get_context_data(self, **kwargs):
        articles = (
            Article.objects.published().for_lists().filter(series=self.object).order_by("number")
        )
        page = Paginator(articles, self.articles_per_page).get_page(self.request.GET.get("page"))
        return super().get_context_data(page_obj=page, **kwargs)


class ArticleDetailView(PublicContentMixin, DetailView):
    model = Article

    def get_queryset(self):
        return with_neighbours(
            super()
            .get_queryset()
            .select_related("series", "author", "reviewer")
            .prefetch_related(
                published_treatment_links(),
                "figures",
                Prefetch("source_links", ArticleReference.objects.select_related("reference")),
            )
        )

    def get_context_data(self, **kwargs):
        article = self.object
        context = page_context(
            article,
            treatments=[link.treatment for link in article.public_treatment_links],
            figures=article.figures.all(),
            references=[link.reference for link in article.source_links.all()],
        )
        site_url = site_url_for(self.request)
        json_ld = structured_data.script(
            structured_data.article(article, site_url, context["references"]),
            structured_data.breadcrumbs(
                site_url,
                [
                    ("Curing Depression", reverse("articles:home")),
                    (article.series.title, article.series.get_absolute_url()),
                    (f"#{article.number} {article.title}", article.get_absolute_url()),
                ],
            ),
        )
        figures = [part.figure for part in context["body_parts"] if part.kind == "figure"]
        return super().get_context_data(
            previous_article=neighbour(article, "previous"),
            next_article=neighbour(article, "next"),
            json_ld=json_ld,
            share_image=figures[0] if figures else None,
            **context,
            **kwargs,
        )


class TreatmentListView(ListView):
    model = Treatment
    paginate_by = 100

    def get_queryset(self):
        order = Case(
            *(When(category=value, then=index) for index, value in enumerate(CATEGORY_ORDER)),
            output_field=IntegerField(),
        )
        return Treatment.objects.published().for_lists().order_by(order, "ordering", "name")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["treatment_groups"] = group_by_category(context["object_list"])
        return context


class TreatmentDetailView(PublicContentMixin, DetailView):
    model = Treatment
    articles_per_page = 50

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("author", "reviewer")
            .prefetch_related(
                Prefetch("source_links", TreatmentReference.objects.select_related("reference"))
            )
        )

    def get_context_data(self, **kwargs):
        treatment = self.object
        references = [link.reference for link in treatment.source_links.all()]
        context = page_context(treatment, references=references)
        site_url = site_url_for(self.request)
        description = markdown.plain_text(treatment.summary_html)
        json_ld = structured_data.script(
            structured_data.treatment(treatment, site_url, references, description),
            structured_data.breadcrumbs(
                site_url,
                [
                    ("Curing Depression", reverse("articles:home")),
                    ("Treatments", reverse("articles:treatment_list")),
                    (treatment.name, treatment.get_absolute_url()),
                ],
            ),
        )
        discussed_in = (
            Article.objects.published()
            .for_lists()
            .filter(treatment_links__treatment=treatment)
            .select_related("series")
            .order_by("series__title", "number")
        )
        page = Paginator(discussed_in, self.articles_per_page).get_page(
            self.request.GET.get("page")
        )
        return super().get_context_data(
            json_ld=json_ld, description=description, page_obj=page, **context, **kwargs
        )


class SearchView(TemplateView):
    template_name = "articles/search.html"
    paginate_by = 10

    def get_context_data(self, **kwargs):
        query = search.clean_query(self.request.GET.get("q", ""))
        page = None
        if query:
            paginator = Paginator(search.ranked_ids(query), self.paginate_by)
            page = paginator.get_page(self.request.GET.get("page"))
            page.results = search.load(list(page.object_list), query)
        capped = page is not None and page.paginator.count >= search.MAX_RESULTS
        return super().get_context_data(query=query, page=page, capped=capped, **kwargs)


def site_url_for(request):
    return f"{request.scheme}://{settings.SITE_DOMAIN}"


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
