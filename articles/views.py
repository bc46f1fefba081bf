"""Readers' pages: thin generic views over `published()`; page assembly is in `pages`."""

from django.core.paginator import Paginator
from django.db.models import Case, Count, F, IntegerField, Prefetch, When, Window
from django.db.models.functions import RowNumber
from django.http import Http404
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.views.generic import DetailView, ListView, TemplateView

from . import countries, markdown, search, structured_data, term_marks
from .models import Article, ArticleReference, Series, Treatment, TreatmentReference, UrgentHelp
from .pages import (
    CATEGORY_ORDER,
    discussed_in,
    group_by_category,
    neighbour,
    numbered_page,
    page_context,
    published_treatment_links,
    with_neighbours,
)
from .readers import is_reader_request, site_origin


class PublicContentMixin:
    """The public sees `published()` only. Signed-in staff may also open drafts, which carry a
    banner (`is_public` in the template) and must never be stored by a shared cache."""

    def get_queryset(self):
        queryset = super().get_queryset()
        # Readers without a session never touch it (no session query, no "Vary: Cookie").
        if not is_reader_request(self.request) and self.request.user.is_staff:
            # Staff also open pages not yet public at their address; drafts of live pages are
            # seen in the admin's preview.
            return queryset.pages()
        return queryset.published()

    def get_object(self, queryset=None):
        return super().get_object(queryset).with_fresh_marks()

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        if not self.object.is_public:
            patch_cache_control(response, no_cache=True, private=True)
        return response


# The first breadcrumb: not the site's name, which a series may share (as the first one does).
HOME_CRUMB = "Home"
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
            Series.objects.published()
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
        # The first of each category and its size, counted in the database: the page builds
        # no treatment it doesn't show, however many there are.
        group = {"partition_by": [F("category")]}
        first = (
            Treatment.objects.published()
            .only("name", "slug", "category", "ordering")
            .annotate(
                place=Window(RowNumber(), order_by=[F("ordering"), F("name"), F("pk")], **group),
                in_group=Window(Count("pk"), **group),
            )
            .filter(place__lte=HOME_TREATMENTS_PER_GROUP)
        )
        groups = [
            (label, treatments, treatments[0].in_group)
            for label, treatments in group_by_category(first)
        ]
        return super().get_context_data(
            treatment_groups=groups, shown_per_series=HOME_ARTICLES_PER_SERIES, **kwargs
        )


class SeriesDetailView(DetailView):
    articles_per_page = 50

    def get_queryset(self):
        # Built per request: published() reads the clock.
        return Series.objects.published()

    def get_context_data(self, **kwargs):
        articles = (
            Article.objects.published().for_lists().filter(series=self.object).order_by("number")
        )
        page = numbered_page(
            Paginator(articles, self.articles_per_page), self.request.GET.get("page")
        )
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
        site_url = site_origin()
        json_ld = structured_data.script(
            structured_data.article(article, site_url, context["references"]),
            structured_data.breadcrumbs(
                site_url,
                [
                    (HOME_CRUMB, reverse("articles:home")),
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
        site_url = site_origin()
        description = markdown.plain_text(term_marks.unmarked(treatment.summary_html))
        json_ld = structured_data.script(
            # In the page's order: cited sources by first use.
            structured_data.treatment(treatment, site_url, context["references"], description),
            structured_data.breadcrumbs(
                site_url,
                [
                    (HOME_CRUMB, reverse("articles:home")),
                    ("Treatments", reverse("articles:treatment_list")),
                    (treatment.name, treatment.get_absolute_url()),
                ],
            ),
        )
        page = discussed_in(treatment, self.request.GET.get("page"))
        return super().get_context_data(
            json_ld=json_ld, description=description, page_obj=page, **context, **kwargs
        )


class SearchView(TemplateView):
    template_name = "articles/search.html"
    paginate_by = 10
    # Results stop at MAX_RESULTS: no later page can have any.
    max_pages = -(-search.MAX_RESULTS // paginate_by)

    def get_context_data(self, **kwargs):
        number = self.page_number()
        query = search.clean_query(self.request.GET.get("q", ""))
        page = suggestion = parsed = None
        too_slow = False
        if query:
            parsed = search.parse(query)
            try:
                with search.time_limited():
                    paginator = Paginator(search.ranked_ids(parsed), self.paginate_by)
                    page = numbered_page(paginator, number)
                    page.results = search.load(list(page.object_list), parsed)
                    if not paginator.count:
                        suggestion = search.suggestion(parsed)
            except search.TooSlow:
                page, too_slow = None, True
        capped = page is not None and page.paginator.count >= search.MAX_RESULTS
        return super().get_context_data(
            query=query,
            page=page,
            capped=capped,
            suggestion=suggestion,
            searched=parsed.shortened_to if parsed else "",
            max_words=search.MAX_WORDS,
            too_slow=too_slow,
            **kwargs,
        )

    def page_number(self):
        """`?page=`, checked before searching: a value that is no page of results (not a whole
        number from 1 to max_pages) is a 404 at once, never the cost of a search."""
        value = self.request.GET.get("page") or "1"
        try:
            number = int(value)  # as the page cache reads it, so "02" is page 2 there too
        except ValueError:
            number = 0
        if not 1 <= number <= self.max_pages:
            raise Http404("This search has no such page.")
        return number

    def render_to_response(self, context, **response_kwargs):
        if context["too_slow"]:
            # Not a page to keep: the page cache stores only 200s.
            response_kwargs["status"] = 503
        return super().render_to_response(context, **response_kwargs)


HELP_DESCRIPTION = "Emergency numbers and helplines, by country, for anyone in crisis now."


class HelpView(TemplateView):
    """Get help now: every helpline and emergency number by country, or those of the country a
    reader picks (`?country=GB`, from links or a form that needs no JavaScript), always with the
    International ones. Nothing about the reader is guessed or kept: no location from their
    address, no cookie. A country with nothing listed, or a code that is no country, still
    answers 200, and says to call the local emergency number."""

    template_name = "articles/help.html"

    def get_context_data(self, **kwargs):
        contacts = UrgentHelp.for_pages()  # cached, as for the card on every page
        groups = contacts.by_country()
        listed = [group for group in groups if group.code]
        asked = self.request.GET.get("country", "").strip()
        chosen = countries.normalise(asked)
        group = contacts.for_country(chosen) if asked else None
        shown = ([group] if group else []) if asked else listed
        site_url = site_origin()
        path = reverse("articles:help")
        json_ld = structured_data.script(
            structured_data.help_page(site_url, path, HELP_DESCRIPTION),
            structured_data.breadcrumbs(
                site_url, [(HOME_CRUMB, reverse("articles:home")), ("Get help now", path)]
            ),
        )
        return super().get_context_data(
            asked=asked,
            chosen=chosen,
            chosen_name=countries.name(chosen) if chosen else "",
            not_listed=bool(asked) and not shown,
            listed=listed,
            shown=shown,
            international=[group for group in groups if not group.code],
            country_choices=countries.choices(),
            description=HELP_DESCRIPTION,
            json_ld=json_ld,
            **kwargs,
        )
