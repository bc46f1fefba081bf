"""Citing in the admin: a cited source missing from the page's Sources list is added at its end
on save; a number with no source is refused with where to find or add it; one name, "Sources",
and one way to write a citation, shown where editors look."""

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from articles import drafts
from articles.models import ArticleReference, Source, Status, TreatmentReference
from tests.support.admin_forms import form_data, form_errors
from tests.support.factories import make_article, make_treatment
from tests.support.signoff import edit, public_text, sign_off, start_draft, url

pytestmark = pytest.mark.django_db


@pytest.fixture
def sources(db):
    return [Source.objects.create(title=f"Example Source {n}") for n in range(3)]


def listed(page):
    return [(row.reference_id, row.position) for row in page.source_links.all()]


def post_change(client, page, **changes):
    data = form_data(client.get(url("change", page)))
    data.update(changes)
    return client.post(url("change", page), data)


def test_a_cited_source_not_listed_is_added_at_the_end(editor_client, series, sources):
    a, b, c = sources
    article = make_article(series, status=Status.DRAFT)
    ArticleReference.objects.create(article=article, reference=a, position=1)
    ArticleReference.objects.create(article=article, reference=b, position=2)

    response = post_change(editor_client, article, body=f"New.[[cite {c.pk}]] Old.[[cite {a.pk}]]")

    assert response.status_code == 302, form_errors(response)
    assert listed(article) == [(a.pk, 1), (b.pk, 2), (c.pk, 3)]
    # The history names the row as if added by hand.
    assert "Example Source 2" in editor_client.get(url("history", article)).content.decode()


def test_a_treatments_summary_citation_is_added_too(editor_client, sources):
    treatment = make_treatment("example-draft", status=Status.DRAFT)
    response = post_change(editor_client, treatment, summary=f"Claim.[[cite {sources[1].pk}]]")
    assert response.status_code == 302, form_errors(response)
    assert listed(treatment) == [(sources[1].pk, 1)]
    assert TreatmentReference.objects.count() == 1


@pytest.mark.parametrize(
    ("numbers", "wording"),
    [
        ([424242], "cites [[cite 424242]], but there is no source with that number"),
        (
            [424242, 99999999999],
            "cites [[cite 424242]], [[cite 99999999999]], but there are no sources with "
            "those numbers",
        ),
    ],
)
def test_a_number_with_no_source_is_refused_saying_where_to_look(
    editor_client, series, sources, numbers, wording
):
    article = make_article(series, status=Status.DRAFT)
    body = "Claim." + "".join(f"[[cite {n}]]" for n in numbers) + f"[[cite {sources[0].pk}]]"

    response = post_change(editor_client, article, body=body)

    assert response.status_code == 200
    soup = BeautifulSoup(response.content, "html.parser")
    error = soup.select_one("#source_links-group .errorlist.nonform")
    assert wording in error.get_text()
    links = {a["href"]: a for a in error.find_all("a")}
    for name in ("changelist", "add"):
        link = links[reverse(f"admin:articles_source_{name}")]
        assert link["target"] == "_blank"
        assert "noopener" in link["rel"]
    assert not article.source_links.exists()  # nothing saved, the known one included
    assert f"[[cite {numbers[0]}]]" in soup.select_one("textarea#id_body").get_text()


def test_removing_a_cited_source_from_the_list_is_refused(editor_client, series, sources):
    article = make_article(series, status=Status.DRAFT, body=f"Claim.[[cite {sources[0].pk}]]")
    ArticleReference.objects.create(article=article, reference=sources[0], position=1)

    response = post_change(editor_client, article, **{"source_links-0-DELETE": "on"})

    assert response.status_code == 200
    assert (
        f"The text still cites [[cite {sources[0].pk}]]: take the citation out of the text"
        in " ".join(form_errors(response))
    )
    assert listed(article) == [(sources[0].pk, 1)]


@pytest.mark.parametrize("prefix", ["treatment_links", "source_links"])
def test_new_rows_get_the_next_position(editor_client, series, sources, prefix):
    article = make_article(series, status=Status.DRAFT)
    treatments = [make_treatment(f"example-{n}") for n in range(3)]
    for position, (source, treatment) in enumerate(zip(sources, treatments, strict=True), 5):
        ArticleReference.objects.create(article=article, reference=source, position=position)
        article.treatment_links.create(treatment=treatment, position=position)
    extra = (
        make_treatment("example-new")
        if prefix == "treatment_links"
        else Source.objects.create(title="Example Source new")
    )
    field = "treatment" if prefix == "treatment_links" else "reference"

    response = post_change(
        editor_client,
        article,
        **{
            f"{prefix}-TOTAL_FORMS": "4",
            f"{prefix}-3-{field}": str(extra.pk),
            f"{prefix}-3-position": "0",  # what the form's new row holds
        },
    )

    assert response.status_code == 302, form_errors(response)
    rows = getattr(article, prefix).all()
    assert [row.position for row in rows] == [5, 6, 7, 8]
    assert getattr(rows[3], f"{field}_id") == extra.pk


def test_the_preview_shows_the_source_a_save_would_add(editor_client, series, sources):
    a, b, _ = sources
    article = make_article(series, status=Status.DRAFT)
    ArticleReference.objects.create(article=article, reference=a, position=1)
    data = form_data(editor_client.get(url("change", article)))
    data["body"] = f"Claim.[[cite {b.pk}]]"

    response = editor_client.post(url("change", article) + "preview/", data)

    soup = BeautifulSoup(response.content, "html.parser")
    assert [a.get_text() for a in soup.select(".article-body sup.cite a")] == ["[1]"]
    sources_listed = [li.get_text(" ", strip=True) for li in soup.select(".sources li")]
    assert sources_listed[0].startswith("Example Source 1")
    assert sources_listed[1].startswith("Example Source 0")
    assert not article.source_links.filter(reference=b).exists()  # a preview saves nothing


def test_a_drafts_added_source_waits_for_sign_off(editor_client, publisher_client, live, sources):
    draft = start_draft(editor_client, live)
    before = drafts.fingerprint(draft)

    edit(editor_client, draft, body=f"Example live body.[[cite {sources[2].pk}]]")

    draft.refresh_from_db()
    assert listed(draft) == [(sources[2].pk, 1)]
    assert drafts.fingerprint(draft) != before
    assert not live.source_links.exists()
    assert "Example Source 2" not in public_text(live)[1]
    assert "Example Source 2" in publisher_client.get(url("signoff", draft)).content.decode()

    assert sign_off(publisher_client, draft).status_code == 302

    assert listed(live) == [(sources[2].pk, 1)]
    assert "Example Source 2" in public_text(live)[1]


def test_reordering_a_drafts_list_changes_what_is_signed_off(editor_client, live, sources):
    draft = start_draft(editor_client, live)
    for position, source in enumerate(sources[:2], 1):
        ArticleReference.objects.create(article=draft, reference=source, position=position)
    before = drafts.fingerprint(draft)

    edit(editor_client, draft, **{"source_links-0-position": "2", "source_links-1-position": "1"})

    assert listed(draft) == [(sources[1].pk, 1), (sources[0].pk, 2)]
    assert drafts.fingerprint(draft) != before


def test_the_sources_list_and_the_inline_say_how_to_cite_in_the_same_words(
    editor_client, series, sources
):
    changelist = editor_client.get(reverse("admin:articles_source_changelist")).content.decode()
    assert f"Cite as: [[cite {sources[0].pk}]]" in changelist
    change = editor_client.get(reverse("admin:articles_source_change", args=[sources[0].pk]))
    assert f"Cite as: [[cite {sources[0].pk}]]" in change.content.decode()

    article = make_article(series, status=Status.DRAFT)
    soup = BeautifulSoup(editor_client.get(url("change", article)).content, "html.parser")
    group = soup.select_one("#source_links-group")
    assert group.select_one("h2").get_text(strip=True) == "Sources"
    wording = (
        "Cite a source by typing [[cite 12]], 12 being its own number: Sources shows it as "
        "“Cite as: [[cite 12]]”."
    )
    assert wording in group.select_one(".inline-description").get_text()
    assert wording in soup.select_one("#id_body_helptext").get_text()
    headers = [th.get_text(strip=True) for th in group.select("thead th")]
    assert "Source" in headers
    text = soup.get_text(" ")
    assert "Reference" not in text and "reference" not in text.replace("references", "")


def test_the_sources_search_finds_a_source_by_its_number(editor_client, sources):
    target = sources[2]
    for term in (str(target.pk), f"[[cite {target.pk}]]"):
        response = editor_client.get(
            reverse("admin:autocomplete"),
            {
                "app_label": "articles",
                "model_name": "articlereference",
                "field_name": "reference",
                "term": term,
            },
        )
        assert response.status_code == 200
        assert str(target.pk) in [row["id"] for row in response.json()["results"]]


def test_the_body_carries_the_cite_searchs_addresses(editor_client, series):
    article = make_article(series, status=Status.DRAFT)
    soup = BeautifulSoup(editor_client.get(url("change", article)).content, "html.parser")
    body = soup.select_one("textarea#id_body")
    assert body["data-cite-search"].startswith(reverse("admin:autocomplete") + "?")
    assert "model_name=articlereference" in body["data-cite-search"]
    assert body["data-cite-sources"] == reverse("admin:articles_source_changelist")
    assert body["data-cite-add"] == reverse("admin:articles_source_add")
    scripts = [s["src"] for s in soup.select("script[src]")]
    assert any("editor_pickers" in src for src in scripts)
    assert any("adminsortable2" in src for src in scripts)
