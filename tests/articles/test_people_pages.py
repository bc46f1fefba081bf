"""People's public pages: who a published page credits, what they declared, what they wrote or
reviewed; bylines linking to them; no page for anyone else."""

import xml.etree.ElementTree as ET
from datetime import date

import pytest
from bs4 import BeautifulSoup
from django.test import Client
from django.urls import reverse

from articles import drafts
from articles.models import Person, Status
from operations.page_cache import new_generation
from tests.support.admin_forms import form_data
from tests.support.factories import make_article, make_articles, make_series, make_treatment

pytestmark = pytest.mark.django_db


def soup_of(response):
    return BeautifulSoup(response.content, "html.parser")


@pytest.fixture
def credited(series, people):
    """An author and a reviewer, credited on a published article and treatment."""
    author, reviewer = people
    author.role = "Example series editor"
    author.bio = "Example *bio* paragraph.\n\n<script>alert(1)</script>Example second."
    author.conflicts_of_interest = "Example consultancy <b>fees</b>.\nExample second line."
    author.save()
    article = make_article(
        series,
        title="Example credited article",
        author=author,
        reviewer=reviewer,
        last_reviewed=date(2026, 1, 2),
    )
    treatment = make_treatment("example-credited", name="Example Credited Treatment", author=author)
    return author, reviewer, article, treatment


def test_a_credited_person_has_a_page_with_what_they_declared_and_did(client, credited):
    author, _, article, treatment = credited

    response = client.get("/people/example-author/")

    assert response.status_code == 200
    soup = soup_of(response)
    assert soup.h1.get_text() == "Example Author"
    text = soup.get_text(" ", strip=True)
    assert "Example series editor" in text
    assert "<em>bio</em>" in response.content.decode()
    assert not soup.find("script", string="alert(1)")  # the bio is sanitized
    conflicts = soup.find(id="site-conflicts").find_parent("section")
    assert "Example consultancy <b>fees</b>." in conflicts.get_text()  # escaped, as typed
    assert conflicts.find("br")  # its lines kept
    links = {a["href"] for a in soup.select(".credited a")}
    assert links == {article.get_absolute_url(), treatment.get_absolute_url()}
    assert "Author" in soup.select(".credited li")[0].get_text()


def test_the_reviewer_page_says_when_they_reviewed(client, credited):
    _, reviewer, article, _ = credited
    soup = soup_of(client.get(reviewer.get_absolute_url()))

    (item,) = soup.select(".credited li")
    assert item.a["href"] == article.get_absolute_url()
    assert "Medical reviewer, last reviewed 2 January 2026" in item.get_text(" ", strip=True)
    assert "example psychiatrist" in soup.select_one(".lead").get_text()


def test_what_was_not_entered_is_said_plainly(client, series, people):
    author, _ = people
    make_article(series, author=author)

    text = soup_of(client.get(author.get_absolute_url())).get_text(" ", strip=True)

    assert "No declaration recorded" in text
    assert "No biography recorded" in text


def test_no_page_for_people_no_published_page_credits(
    client, editor_client, series, people, future
):
    author, reviewer = people
    loner = Person.objects.create(name="Example Uncredited")
    make_article(series, 1, status=Status.DRAFT, author=author)
    make_article(series, 2, slug="example-scheduled", publish_at=future, reviewer=reviewer)

    for person in (author, reviewer, loner):
        assert client.get(person.get_absolute_url()).status_code == 404
        assert editor_client.get(person.get_absolute_url()).status_code == 404


def test_drafts_are_not_listed_on_a_person_page(client, credited):
    author, _, article, _ = credited
    make_article(
        article.series,
        2,
        slug="example-draft",
        title="Example draft",
        status=Status.DRAFT,
        author=author,
    )
    draft = drafts.start_draft(article)
    draft.title = "Example pending title"
    draft.save()

    html = client.get(author.get_absolute_url()).content.decode()

    assert "Example credited article" in html
    assert "Example draft" not in html
    assert "Example pending title" not in html


def test_bylines_link_to_people_on_public_pages_only(client, editor_client, credited):
    author, reviewer, article, _ = credited
    soup = soup_of(client.get(article.get_absolute_url()))
    trust = soup.select_one(".trust")
    assert [a["href"] for a in trust.find_all("a")] == [
        author.get_absolute_url(),
        reviewer.get_absolute_url(),
    ]

    article.status = Status.DRAFT
    article.save()
    draft_page = soup_of(editor_client.get(article.get_absolute_url()))
    assert "Draft — not public" in draft_page.get_text()
    assert not draft_page.select_one(".trust").find_all("a")
    assert "Example Author" in draft_page.select_one(".trust").get_text()


def test_the_admin_preview_of_a_draft_links_no_one(publisher_client, credited):
    _, _, article, _ = credited
    draft = drafts.start_draft(article)
    preview = reverse("admin:articles_article_preview", args=[draft.pk])

    trust = soup_of(publisher_client.get(preview)).select_one(".trust")

    assert "Example Author" in trust.get_text()
    assert not trust.find_all("a")


def test_an_unreviewed_page_says_so_and_links_no_reviewer(client, series, people):
    author, reviewer = people
    article = make_article(series, author=author, reviewer=reviewer)  # no review date

    trust = soup_of(client.get(article.get_absolute_url())).select_one(".trust")

    assert "Not yet clinically reviewed" in trust.get_text()
    assert [a["href"] for a in trust.find_all("a")] == [author.get_absolute_url()]


def test_query_count_is_pinned_whatever_they_wrote(
    client, series, people, django_assert_num_queries
):
    author, reviewer = people
    make_article(series, author=author, reviewer=reviewer, last_reviewed=date(2026, 1, 2))

    def count():
        client.get(author.get_absolute_url())  # the frame's cached parts, from then on
        new_generation()  # a page-cache miss: what the view itself costs
        with django_assert_num_queries(4):  # person, count, a page of articles, treatments
            assert client.get(author.get_absolute_url()).status_code == 200

    count()
    more = make_series(title="Example More", slug="example-more")
    make_articles(more, 120, title="Example more {n}", author=author)
    for number in range(3):
        make_treatment(f"example-t-{number}", author=author)
    count()
    soup = soup_of(client.get(author.get_absolute_url()))
    assert soup.select_one('a[rel="next"]')["href"] == "?page=2"


def test_a_person_page_changes_as_soon_as_they_are_edited(client, credited):
    author, *_ = credited
    client.get(author.get_absolute_url())

    author.bio = "Example new bio."
    author.save()

    assert "Example new bio." in client.get(author.get_absolute_url()).content.decode()


def test_the_sitemap_lists_credited_people_only(client, credited):
    Person.objects.create(name="Example Uncredited")
    root = ET.fromstring(client.get("/sitemap-people.xml").content)
    namespace = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
    locations = {url.find(f"{namespace}loc").text for url in root}
    assert locations == {
        "http://testserver/people/example-author/",
        "http://testserver/people/dr-example-reviewer/",
    }


# The admin


def test_the_admin_edits_the_page_and_links_to_it(publisher_client, credited):
    author, *_ = credited
    change = reverse("admin:articles_person_change", args=[author.pk])
    page = soup_of(publisher_client.get(change))
    assert page.find("a", href=author.get_absolute_url())
    assert page.find("textarea", attrs={"name": "bio", "class": "markdownx-editor"})

    data = form_data(publisher_client.get(change))
    data.update(role="Example new role", conflicts_of_interest="Example new declaration.")
    assert publisher_client.post(change, data).status_code == 302

    text = Client().get(author.get_absolute_url()).content.decode()
    assert "Example new role" in text
    assert "Example new declaration." in text


def test_the_admin_says_when_there_is_no_public_page(editor_client, db):
    person = Person.objects.create(name="Example Uncredited")
    page = editor_client.get(reverse("admin:articles_person_change", args=[person.pk]))
    assert "No public page: no published page credits them yet." in page.content.decode()
    # Linking an admin account is for those who manage users.
    assert "user" not in form_data(page)


def test_a_new_person_gets_a_free_address(editor_client, credited):
    response = editor_client.post(
        reverse("admin:articles_person_add"),
        {"name": "Example Author", "slug": "", "credentials": "", "role": "", "bio": ""},
    )
    assert response.status_code == 302
    assert Person.objects.filter(slug="example-author-2").exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("slug", "example-moved"),
        ("role", "Example changed role"),
        ("bio", "Example changed bio."),
        ("conflicts_of_interest", "Example changed declaration."),
    ],
)
def test_a_person_a_published_page_shows_is_for_publishers(
    editor_client, publisher_client, credited, field, value
):
    author, *_ = credited
    change = reverse("admin:articles_person_change", args=[author.pk])
    data = form_data(publisher_client.get(change))
    data[field] = value

    assert editor_client.post(change, data).status_code == 403
    author.refresh_from_db()
    assert getattr(author, field) != value
    assert publisher_client.post(change, data).status_code == 302
    author.refresh_from_db()
    assert getattr(author, field) == value


def test_editors_write_the_page_of_someone_no_published_page_shows(editor_client, db):
    person = Person.objects.create(name="Example New Reviewer")
    change = reverse("admin:articles_person_change", args=[person.pk])
    data = form_data(editor_client.get(change))
    data.update(bio="Example bio.", role="Example role")

    assert editor_client.post(change, data).status_code == 302
    person.refresh_from_db()
    assert (person.bio, person.bio_html) == ("Example bio.", "<p>Example bio.</p>")


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("slug", "example-moved"),
        ("role", "Example changed role"),
        ("bio", "Example changed bio."),
        ("conflicts_of_interest", "Example changed declaration."),
    ],
)
def test_a_sign_off_covers_every_field_of_the_people_a_page_shows(credited, field, value):
    _, _, article, _ = credited
    draft = drafts.start_draft(article)
    signed_off = drafts.fingerprint(draft)

    Person.objects.filter(pk=draft.author_id).update(**{field: value})

    draft.refresh_from_db()
    assert drafts.fingerprint(draft) != signed_off


def test_a_form_sent_back_with_errors_keeps_the_link_to_their_page(publisher_client, credited):
    author, *_ = credited
    change = reverse("admin:articles_person_change", args=[author.pk])
    data = form_data(publisher_client.get(change))
    data.update(name="", slug="")  # both wrong: the form comes back with what was typed
    response = publisher_client.post(change, data)
    assert response.status_code == 200
    assert soup_of(response).find("a", href=author.get_absolute_url())
