"""How an article or treatment page is put together: shared by the public views and the
editors' preview, so a preview is exactly the page readers get."""

from dataclasses import replace
from itertools import groupby

from django.core.paginator import InvalidPage, Paginator
from django.db.models import OuterRef, Prefetch, Subquery
from django.http import Http404

from . import markdown, term_marks
from .models import Article, ArticleTreatment, Figure, Treatment

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
    """What an article or treatment page shows, slots filled. `references` are the page's
    Sources in list order; the page numbers them in order of first use (a treatment's summary,
    then its body), the uncited after them, and `references` in the result is in that order."""
    if isinstance(page, Article):
        parts = page.body_parts(list(treatments), list(figures))
        cited_in = [part.html for part in parts]
        htmls = cited_in + [t.summary_html for t in treatments]
    else:
        parts = []
        htmls = cited_in = [page.summary_html, page.body_html]
    by_id = {reference.pk: reference for reference in references}
    references = [by_id[pk] for pk in markdown.citation_order(cited_in, by_id)]
    source_numbers = {reference.pk: number for number, reference in enumerate(references, 1)}
    urls = public_link_urls(*htmls)

    def fill(html, numbers=source_numbers):
        return markdown.fill_inline(html, urls, numbers)

    for treatment in treatments:
        # Citations in a summary belong to the treatment's own Sources, shown on its page; so
        # do its glossary marks: the treatment list is never marked.
        treatment.summary_filled = fill(term_marks.unmarked(treatment.summary_html), {})
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


DISCUSSED_PER_PAGE = 50


def numbered_page(paginator, number):
    """The page of a list that `?page=` names, the first when none is given. A value that names
    no page (not a whole number, or past the last) is a 404, as Django's ListView answers it:
    answered as the first or the last page (Paginator.get_page), every made-up value was a page
    of its own in the page cache, which anyone could fill as fast as they send requests."""
    try:
        return paginator.page(number or 1)
    except InvalidPage as error:
        raise Http404("This list has no such page.") from error


def discussed_in(treatment, page_number=1):
    """A page of the published articles that list this treatment."""
    articles = (
        Article.objects.published()
        .for_lists()
        .filter(treatment_links__treatment=treatment)
        .select_related("series")
        .order_by("series__title", "number")
    )
    return numbered_page(Paginator(articles, DISCUSSED_PER_PAGE), page_number)


def saved_rows(page):
    """{list model: [row values]} of the page's lists as saved, in the form the preview of an
    edited page (whose lists come from the admin's forms) uses too."""
    rows = {}
    for name in page.page_lists:
        manager = getattr(page, name)
        rows[manager.model] = [
            {**{field.name: getattr(row, field.name) for field in row._meta.fields}, "id": row}
            for row in manager.all()
        ]
    return rows


def page_as_readers_see_it(page, saved, rows):
    """(template, context) of a page not public (a draft, or an edited form's page) as readers
    would see it, its lists from `rows` (see `saved_rows`); `saved` is its stored row, if any.
    What the public page would not show (unpublished treatments) is left out here too."""
    source_model = type(page).source_links.rel.related_model
    references = [row["reference"] for row in rows.get(source_model, []) if row]
    context = {"object": page}
    if isinstance(page, Article):
        public = set(Treatment.objects.published().values_list("pk", flat=True))
        treatments = [
            row["treatment"]
            for row in rows.get(ArticleTreatment, [])
            if row.get("treatment") and row["treatment"].pk in public
        ]
        # Figures need their saved image; new uploads show once saved.
        figures = [row["id"] for row in rows.get(Figure, []) if row.get("id") and row["id"].image]
        context.update(
            article=page,
            **page_context(page, treatments=treatments, figures=figures, references=references),
        )
        return "articles/article_detail.html", context
    context.update(
        treatment=page,
        # A draft's page lists the articles of the page it drafts.
        page_obj=discussed_in(saved.live_page or saved) if saved else Paginator([], 1).page(1),
        **page_context(page, references=references),
    )
    return "articles/treatment_detail.html", context
