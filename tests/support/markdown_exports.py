"""Shared by the Markdown export and import tests: content using every editorial field,
and ways to export, import, edit and wipe it."""

from datetime import UTC, date, datetime
from io import StringIO

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

from articles.models import (
    Article,
    ArticleReference,
    ArticleTreatment,
    EditorialPolicy,
    EmergencyNumber,
    Figure,
    Helpline,
    Person,
    Series,
    Source,
    Status,
    Term,
    Treatment,
    TreatmentReference,
    UrgentHelp,
)
from interchange.front_matter import split
from interchange.writing import dump
from tests.support.factories import add_treatments, make_article, make_figure, make_treatment

EVERY_MODEL = (
    Series, Article, Treatment, Source, Person, Figure, ArticleTreatment, ArticleReference,
    TreatmentReference, UrgentHelp, Helpline, EmergencyNumber, EditorialPolicy, Term,
)  # fmt: skip
SEED_SLUG = "what-is-treatment-resistant-depression"
DRAFT = "articles/curing-depression/002-example-draft.md"
# Everything that trips up a front-matter format: Windows newlines, blank lines and spaces
# around the text, lines that look like front matter, and text in several scripts.
DRAFT_BODY = (
    "\r\n  Leading spaces, then Windows newlines.\r\n"
    "---\r\n"
    "title: not front matter\r\n"
    "---\r\n"
    "\r\n"
    "Ünïcödé — “quotes”, 例え, emoji 🙂, as studies show.[[cite {cited}]]\r\n"
    "\r\n"
    "[[figure 1]]\r\n"
    "\r\n"
    "[[treatments]]\r\n"
    "\r\n"
    "See [an example treatment](treatment:{treatment}).\r\n\r\n  "
)


def export(path):
    call_command("export_markdown", str(path), stdout=StringIO(), stderr=StringIO())
    return {p.relative_to(path).as_posix(): p.read_bytes() for p in path.rglob("*") if p.is_file()}


def run_import(path, *flags):
    out = StringIO()
    call_command("import_markdown", str(path), *flags, stdout=out, stderr=StringIO())
    return out.getvalue()


def edit(path, change=None, body=None):
    """Rewrite an exported file: change(front_matter) edits it in place."""
    front_matter, old_body = split(path.read_bytes().decode())
    if change:
        change(front_matter)
    path.write_text(dump(front_matter, old_body if body is None else body), newline="")


def wipe_content():
    Article.objects.all().delete()
    Treatment.objects.all().delete()
    Series.objects.all().delete()
    Source.objects.all().delete()
    Person.objects.all().delete()
    UrgentHelp.objects.all().delete()
    EditorialPolicy.objects.all().delete()
    Term.objects.all().delete()


def public_pages(client):
    paths = [reverse("articles:home"), reverse("articles:treatment_list"), reverse("articles:help")]
    paths.append(reverse("articles:glossary"))
    for model in (Article, Treatment):
        paths += [page.get_absolute_url() for page in model.objects.published()]
    responses = {path: client.get(path) for path in paths}
    assert {response.status_code for response in responses.values()} == {200}
    return {path: response.content.decode() for path, response in responses.items()}


def make_content():
    """On top of the seed, pages that use every editorial field: a draft with a reviewer,
    figures and sources, a published page overdue for review, a treatment with its own text."""
    user = get_user_model().objects.create_user("example-reviewer")
    author = Person.objects.create(name="Example Author")
    reviewer = Person.objects.create(
        name="Dr Example Reviewer",
        credentials="example psychiatrist",
        user=user,
        role="Example clinical reviewer",
        bio="Example bio line one.\r\n\r\nExample *second* paragraph.\r\n",
        conflicts_of_interest="Example declaration: none.\nExample second line.",
    )
    first, second = (
        Source.objects.create(
            title="An example study: “quoted” title",
            authors="Example A, Sample B",
            publication="Example Journal",
            year=2021,
            doi="10.1000/example.1",
            pmid="12345678",
            url="https://example.org/study",
            accessed=date(2026, 1, 31),
        ),
        Source.objects.create(title="Example web page", url="https://example.org/page"),
    )
    treatment = make_treatment(
        "example-treatment",
        summary=f"Example summary line one.\n\nExample line two, with [[cite {first.pk}]].",
        body="## Example section\n\nExample longer text.\n",
        ordering=9,
        author=author,
        reviewer=reviewer,
        publish_at=datetime(2026, 2, 3, 4, 5, 6, 789, tzinfo=UTC),
    )
    TreatmentReference.objects.create(treatment=treatment, reference=first, position=1)
    series = Series.objects.get()
    draft = make_article(
        series,
        2,
        title="Ünïcödé example draft: “quotes”",
        slug="example-draft",
        summary="yes",  # YAML would read this as true unless it is quoted
        body=DRAFT_BODY.format(cited=second.pk, treatment=treatment.pk),
        status=Status.DRAFT,
        author=author,
        reviewer=reviewer,
        last_reviewed=date(2026, 1, 2),
    )
    add_treatments(draft, [treatment, Treatment.objects.get(slug="ketamine")])
    make_figure(draft, 1, alt_text="Example alt text", caption="Example caption")
    ArticleReference.objects.create(article=draft, reference=second, position=1)
    ArticleReference.objects.create(article=draft, reference=first, position=2)
    overdue = make_article(
        series,
        3,
        slug="example-overdue",
        body=f"Links to [a draft](article:{draft.pk}).[[cite {first.pk}]]",
        reviewer=reviewer,
        last_reviewed=date(2020, 1, 15),
        next_review_due=date(2023, 1, 15),
    )
    ArticleReference.objects.create(article=overdue, reference=first, position=1)
    callout = UrgentHelp.objects.get()
    callout.title = "Example title: need help now?"
    callout.save()
    Helpline.objects.create(
        callout=callout,
        name="Example Helpline",
        country="AQ",
        phone="0000",
        text_number="000 000",
        url="https://example.org/helpline",
        hours="Example hours",
        description="Example description",
        shown_on_pages=True,
        last_checked=date(2026, 1, 2),
        position=99,
    )
    EmergencyNumber.objects.create(callout=callout, country="AQ", number="000 000", position=99)
    EditorialPolicy.objects.create(
        title="Example policy title",
        text="## Example heading\r\n\r\nExample policy text.\r\n",
        published=True,
    )
    return draft
