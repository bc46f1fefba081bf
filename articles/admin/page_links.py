"""“Link to a page” beside the Markdown editor (admin/js/editor_pickers.js): a search of the
articles and treatments by title, name or number, answering the code that links to each,
`[text](article:3)`, which survives address changes (articles.markdown resolves it). Pages only,
never a draft: a draft's links are its live page's."""

from django import forms
from django.db.models import Q
from django.http import JsonResponse
from django.urls import reverse
from django.views.decorators.http import require_GET

from ..models import Article, Treatment

# Enough to pick from while typing; a longer title narrows it.
MOST_RESULTS = 10
MOST_TERM = 200
# What tells whether a page is public (is_public).
SHOWN = ("pk", "status", "publish_at")


def _articles(term):
    match = Q(title__icontains=term)
    number = term.removeprefix("#").strip()
    if number.isdigit() and len(number) <= 6:
        match |= Q(number=int(number))
    # Only what a result shows: never the (long) Markdown and HTML of each page.
    pages = Article.objects.pages().filter(match).only(*SHOWN, "number", "title")
    return pages.order_by("series__title", "number")[:MOST_RESULTS]


def _treatments(term):
    pages = Treatment.objects.pages().filter(name__icontains=term).only(*SHOWN, "name")
    return pages.order_by("name")[:MOST_RESULTS]


def _result(kind, page, title, label):
    shown = "" if page.is_public else " (not public yet: shows as plain text until it is)"
    return {"id": f"{kind}:{page.pk}", "title": title, "text": f"{label}{shown}"}


@require_GET
def link_search_view(request):
    """JSON {"results": [{"id": "article:3", "title": …, "text": …}]}: the pages the signed-in
    user may view whose title (or name, or number) holds `term`. Staff only (admin_view)."""
    term = request.GET.get("term", "").strip()[:MOST_TERM]
    results = []
    if term and request.user.has_perm("articles.view_article"):
        results += [
            _result("article", page, page.title, f"Article {page}") for page in _articles(term)
        ]
    if term and request.user.has_perm("articles.view_treatment"):
        results += [
            _result("treatment", page, page.name, f"Treatment: {page.name}")
            for page in _treatments(term)
        ]
    return JsonResponse({"results": results[:MOST_RESULTS]})


class PageLinksMixin:
    """For the article and treatment admins: “Link to a page” before each Markdown field."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if field is not None and db_field.name in self.model.markdown_fields:
            field.widget.attrs["data-link-search"] = reverse("admin:articles_link_search")
        return field

    @property
    def media(self):
        return super().media + forms.Media(
            js=["admin/js/editor_pickers.js", "admin/js/editor_suggestions.js"],
            css={"all": ["admin/css/editor_pickers.css"]},
        )
