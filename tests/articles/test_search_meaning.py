"""Search finds what readers mean: the glossary's other names of a term are synonyms, an article
is found by the treatments it lists, and a misspelled query gets "Did you mean …?" from the
words of the site's published pages. On SQLite and PostgreSQL alike."""

from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse
from django.utils import timezone

from articles.models import ArticleTreatment, Status, Term
from tests.support.factories import add_treatments, make_article, make_treatment

pytestmark = pytest.mark.django_db

URL = reverse("articles:search")


def search(client, query):
    response = client.get(URL, {"q": query})
    assert response.status_code == 200
    soup = BeautifulSoup(response.content, "html.parser")
    found = [li.a.get_text(" ", strip=True) for li in soup.select(".search-results li")]
    return found, soup.select_one("a.search-suggestion")


def make_term(status=Status.PUBLISHED, **fields):
    fields.setdefault("term", "Example term")
    fields.setdefault("slug", "example-term")
    fields.setdefault("other_names", "Exampleword\nExample other name")
    return Term.objects.create(definition="An example definition.", status=status, **fields)


@pytest.fixture
def pages(series):
    make_article(series, 1, title="Example first page", body="It explains the Example term.")
    make_article(series, 2, title="Example second page", body="It says Exampleword only.")
    make_article(series, 3, title="Example third page", body="An Example other name here.")


FIRST, SECOND, THIRD = "#1 Example first page", "#2 Example second page", "#3 Example third page"


def test_any_name_of_a_published_term_finds_pages_using_another(client, pages):
    make_term()
    for query in ("Exampleword", "example term", "EXAMPLE OTHER NAME", '"example term"'):
        found, _ = search(client, query)
        assert sorted(found) == [FIRST, SECOND, THIRD], query


def test_without_the_glossary_a_word_finds_only_itself(client, pages):
    assert search(client, "exampleword")[0] == [SECOND]
    make_term(status=Status.DRAFT)  # editors' drafts teach search nothing
    assert search(client, "exampleword")[0] == [SECOND]
    assert search(client, "example term")[0] == [FIRST]


def test_synonyms_combine_with_the_other_words(client, pages):
    make_term()
    assert search(client, "exampleword first")[0] == [FIRST]
    assert sorted(search(client, "exampleword -third")[0]) == [FIRST, SECOND]
    # A name only as a whole: "term" alone is not the term.
    assert search(client, "term")[0] == [FIRST]


def test_a_name_that_is_only_a_stop_word_is_no_synonym(client, series):
    # "IT" would otherwise mean the word "it", on nearly every page, on SQLite only.
    make_article(series, 1, title="Example first page", body="It helps, it says.")
    make_article(series, 2, title="Example second page", body="About Exampleword therapy.")
    make_term(term="IT", slug="it-example", other_names="Exampleword therapy")
    assert search(client, "exampleword therapy")[0] == ["#2 Example second page"]
    assert search(client, "IT")[0] == []


def test_an_article_is_found_by_the_names_of_the_treatments_it_lists(client, series):
    article = make_article(series, title="Example plain article", body="Nothing named here.")
    listed = make_treatment("example-listed", name="Example Zorvatin")
    assert search(client, "zorvatin")[0] == ["Example Zorvatin"]

    link = ArticleTreatment.objects.create(article=article, treatment=listed)
    assert search(client, "zorvatin")[0] == ["Example Zorvatin", "#1 Example plain article"]

    listed.name = "Example Qelvatin"
    listed.save()
    assert search(client, "zorvatin")[0] == []
    assert search(client, "qelvatin")[0] == ["Example Qelvatin", "#1 Example plain article"]

    link.delete()
    assert search(client, "qelvatin")[0] == ["Example Qelvatin"]


def test_only_published_treatments_names_find_the_articles_listing_them(client, series):
    article = make_article(series, title="Example plain article", body="Nothing named here.")
    listed = make_treatment("example-listed", name="Example Zorvatin", status=Status.DRAFT)
    ArticleTreatment.objects.create(article=article, treatment=listed)
    # Its name is nobody's signed-off text yet: the article's page doesn't show it.
    assert search(client, "zorvatin")[0] == []

    listed.status = Status.PUBLISHED
    listed.save()
    assert search(client, "zorvatin")[0] == ["Example Zorvatin", "#1 Example plain article"]

    listed.status = Status.UNPUBLISHED
    listed.save()
    assert search(client, "zorvatin")[0] == []


def test_a_scheduled_treatments_name_finds_its_articles_once_it_is_public(
    client, series, time_machine
):
    soon = timezone.now() + timedelta(hours=1)
    article = make_article(series, title="Example plain article", body="Nothing named here.")
    listed = make_treatment("example-listed", name="Example Zorvatin", publish_at=soon)
    ArticleTreatment.objects.create(article=article, treatment=listed)
    assert search(client, "zorvatin")[0] == []
    # Its time comes with no save: the first search after it indexes the article again.
    time_machine.move_to(soon + timedelta(minutes=1))
    assert search(client, "zorvatin")[0] == ["Example Zorvatin", "#1 Example plain article"]


def test_a_misspelled_word_gets_the_sites_word_as_a_link(client, series):
    make_article(series, title="Example page", body="Zorbalamine helps some people sleep.")
    found, link = search(client, "zorbalemine")
    assert found == []
    assert link.get_text() == "zorbalamine"
    assert link["href"] == f"{URL}?q=zorbalamine"
    assert search(client, "zorbalamine")[0] == ["#1 Example page"]
    # The other words and the syntax stay as typed.
    _, link = search(client, '"sleep" zorbalemine -zebra')
    assert link.get_text() == '"sleep" zorbalamine -zebra'


def test_no_suggestion_that_would_find_nothing(client, series):
    make_article(series, title="Example page", body="Zorbalamine helps some people sleep.")
    assert search(client, "zorbalemine appetite") == ([], None)
    # A word that finds something, beside one that finds nothing and is no typo of anything.
    make_article(series, 2, title="Example other page", body="Zorbalamina.")
    assert search(client, "zorbalamine 2024") == ([], None)
    assert search(client, "xq") == ([], None)


def test_words_of_pages_the_public_cant_see_are_never_suggested(client, series, future):
    make_article(series, 1, title="Example draft", body="Quixotrane.", status=Status.DRAFT)
    make_article(series, 2, title="Example scheduled", body="Vextramine.", publish_at=future)
    withdrawn = make_article(series, 3, title="Example withdrawn", body="Plumbatrine.")
    withdrawn.status = Status.UNPUBLISHED
    withdrawn.save()
    for typo in ("quixotrone", "vextramene", "plumbatrene"):
        assert search(client, typo) == ([], None), typo


def test_a_scheduled_pages_words_are_suggested_once_it_is_public(client, series, time_machine):
    soon = timezone.now() + timedelta(hours=1)
    make_article(series, title="Example scheduled", body="Vextramine.", publish_at=soon)
    assert search(client, "vextramene") == ([], None)
    time_machine.move_to(soon + timedelta(minutes=1))
    assert search(client, "vextramene")[1].get_text() == "vextramine"


def test_a_glossary_name_can_be_suggested(client, series):
    make_term(other_names="Exampleword")
    make_article(series, title="Example page", body="About the Example term.")
    found, link = search(client, "exampleward")
    assert found == []
    assert link.get_text() == "exampleword"
    assert search(client, "exampleword")[0] == ["#1 Example page"]


def test_a_list_stored_in_bulk_counts_once_its_page_is_saved(client, series):
    # As the Markdown import stores lists: bulk_create, no signal; then the page is saved.
    article = make_article(series, title="Example listing page")
    add_treatments(article, [make_treatment("example-first", name="Example Firstatin")])
    article.save()
    assert search(client, "firstatin")[0] == ["Example Firstatin", "#1 Example listing page"]
