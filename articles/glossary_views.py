"""The glossary page for readers: every published term, A to Z, with its definition, other
names, treatment page and the published pages that mark it."""

from collections import defaultdict

from django.db.models import Q
from django.urls import reverse
from django.views.generic import ListView

from . import markdown, structured_data, term_marks
from .models import Article, Term, Treatment
from .readers import site_origin

DESCRIPTION = "The words the series uses about treatment-resistant depression, A to Z."


def letter_of(term):
    first = term.term[:1].upper()
    return first if first.isalpha() else "#"


def pages_marking():
    """{term slug: [page]}: the published pages whose stored HTML marks each term (articles
    in series order, then treatments by name), in two queries. The marks are read from the
    HTML of the pages that have any."""
    found = defaultdict(list)
    articles = (
        Article.objects.published()
        .pages()
        .filter(body_html__contains=term_marks.MARKED)
        .select_related("series")
        .only("slug", "title", "number", "series__title", "body_html")
        .order_by("series__title", "number")
    )
    treatments = (
        Treatment.objects.published()
        .pages()
        .filter(
            Q(summary_html__contains=term_marks.MARKED) | Q(body_html__contains=term_marks.MARKED)
        )
        .only("slug", "name", "summary_html", "body_html")
        .order_by("name")
    )
    for page in articles:
        for slug in dict.fromkeys(term_marks.marked_slugs(page.body_html)):
            found[slug].append(page)
    for page in treatments:
        for slug in dict.fromkeys(term_marks.marked_slugs(page.summary_html + page.body_html)):
            found[slug].append(page)
    return found


class GlossaryView(ListView):
    """Page-cached like every reader's page; three queries however many terms and pages."""

    template_name = "articles/term_list.html"
    context_object_name = "terms"

    def get_queryset(self):
        return Term.objects.published().select_related("treatment")

    def get_context_data(self, **kwargs):
        terms = sorted(self.object_list, key=lambda term: (term.term.casefold(), term.pk))
        marking = pages_marking()
        groups = defaultdict(list)
        for term in terms:
            term.other_names_list = term.names[1:]
            term.definition_shown = term_marks.without_internal_links(term.definition_html)
            term.public_treatment = (
                term.treatment if term.treatment and term.treatment.is_public else None
            )
            term.pages = marking.get(term.slug, [])
            term.pages_articles = [page for page in term.pages if isinstance(page, Article)]
            term.pages_treatments = [page for page in term.pages if isinstance(page, Treatment)]
            groups[letter_of(term)].append(term)
        site_url = site_origin()
        path = reverse("articles:glossary")
        json_ld = structured_data.script(
            structured_data.glossary(
                site_url,
                path,
                [
                    (
                        term.term,
                        term.other_names_list,
                        markdown.plain_text(term.definition_shown),
                        term.get_absolute_url(),
                    )
                    for term in terms
                ],
            ),
            structured_data.breadcrumbs(
                site_url, [("Home", reverse("articles:home")), ("Glossary", path)]
            ),
        )
        letters = [
            (letter, "site-letter-other" if letter == "#" else f"site-letter-{letter.lower()}")
            for letter in groups
        ]
        return super().get_context_data(
            groups=[(letter, anchor, groups[letter]) for letter, anchor in letters],
            description=DESCRIPTION,
            json_ld=json_ld,
            **kwargs,
        )
