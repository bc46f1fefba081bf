import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from articles.models import Status
from operations.page_cache import new_generation
from tests.support.factories import (
    add_treatments,
    make_article,
    make_articles,
    make_figure,
    make_treatment,
)

pytestmark = pytest.mark.django_db


def page(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, url
    return response, BeautifulSoup(response.content, "html.parser")


# Anonymous readers, whatever the number of articles, treatments and figures.
QUERY_LIMITS = {"home": 4, "series": 3, "article": 4, "treatment_list": 2, "treatment": 4}


def public_urls(article, treatment):
    return [
        reverse("articles:home"),
        article.series.get_absolute_url(),
        article.get_absolute_url(),
        reverse("articles:treatment_list"),
        treatment.get_absolute_url(),
    ]


@pytest.fixture
def article_with_treatment(article):
    treatment = make_treatment("example-treatment", name="Example Treatment")
    add_treatments(article, [treatment])
    return article, treatment


def test_every_public_page_has_the_frame(client, article_with_treatment):
    for url in public_urls(*article_with_treatment):
        response, soup = page(client, url)
        assert len(soup.find_all("h1")) == 1, url
        assert soup.find("a", class_="skip-link")["href"] == "#main"
        assert soup.find("main", id="main")
        assert soup.find("header") and soup.find("footer") and soup.find("nav")
        card = soup.find("aside", id="site-urgent-help-callout")
        assert card.find("a", href="/help/", string="Get help now"), url
        assert card.find("a", href="tel:999"), url
        assert "information, not medical advice" in soup.get_text()
        assert soup.html["lang"]


def test_home_lists_articles_in_order_and_treatments(client, series):
    make_article(series, 2, title="Second article")
    make_article(series, 1, title="First article")
    make_article(series, 3, title="Hidden draft", status=Status.DRAFT)
    make_treatment("example-treatment", name="Example Treatment")

    _, soup = page(client, reverse("articles:home"))
    items = [li.a.get_text(" ", strip=True) for li in soup.select(".article-list li")]
    assert items == ["#1 First article", "#2 Second article"]
    assert soup.find("a", string="Example Treatment")


def test_home_shows_the_first_treatments_of_each_category_and_how_many(client, db):
    # Ten medications, listed by their order then name; a draft is neither shown nor counted.
    for n in range(10):
        make_treatment(f"example-med-{n}", name=f"Example med {n}", ordering=10 - n)
    make_treatment("example-hidden", name="Example hidden", ordering=0, status=Status.DRAFT)
    make_treatment("example-stim", name="Example stim", category="brain-stimulation")

    _, soup = page(client, reverse("articles:home"))
    groups = {
        group.h3.get_text(): (
            [a.get_text() for a in group.select("li a")],
            group.find("p").get_text(" ", strip=True) if group.find("p") else "",
        )
        for group in soup.select(".treatment-group")
    }

    assert groups["Medication"] == (
        [f"Example med {n}" for n in range(9, 1, -1)],
        "10 in all: see every treatment",
    )
    assert groups["Brain stimulation"] == (["Example stim"], "")


def test_article_page_shows_series_number_body_treatments_and_figures(
    client, article_with_treatment
):
    article, treatment = article_with_treatment
    make_figure(article, 1, alt_text="Example figure alt")

    _, soup = page(client, article.get_absolute_url())
    assert soup.h1.get_text() == article.title
    assert "Example Series #1" in soup.find(class_="kicker").get_text(" ", strip=True)
    assert soup.find(class_="lead").get_text() == article.summary
    assert soup.find("h2", id="example-heading")
    link = soup.select_one(".treatment-section h3 a")
    assert link["href"] == treatment.get_absolute_url()
    assert "Example summary of example-treatment." in soup.select_one(".treatment-section").text
    image = soup.select_one("figure img")
    assert image["alt"] == "Example figure alt"
    assert (image["width"], image["height"]) == ("8", "8")
    description = soup.find("meta", attrs={"name": "description"})["content"]
    assert description == article.summary


def test_article_page_says_what_is_not_known(client, article):
    _, soup = page(client, article.get_absolute_url())
    trust = soup.find(class_="trust").get_text(" ", strip=True)
    assert "Author not stated" in trust
    assert "Not yet clinically reviewed" in trust


def test_editing_a_treatment_changes_every_article_listing_it(client, series):
    treatment = make_treatment("shared", summary="Old wording.")
    first, second = make_article(series, 1), make_article(series, 2)
    add_treatments(first, [treatment])
    add_treatments(second, [treatment])

    treatment.summary = "New wording."
    treatment.save()

    for article in (first, second):
        text = client.get(article.get_absolute_url()).content.decode()
        assert "New wording." in text and "Old wording." not in text


def test_article_lists_treatments_in_the_editors_order(client, article):
    a, b, c = (
        make_treatment("a", name="Alpha"),
        make_treatment("b", name="Beta"),
        make_treatment("c", name="Gamma"),
    )
    add_treatments(article, [c, a, b])
    _, soup = page(client, article.get_absolute_url())
    names = [h3.get_text() for h3 in soup.select(".treatment-section h3")]
    assert names == ["Gamma", "Alpha", "Beta"]


def test_draft_treatments_are_left_out_of_articles(client, article):
    add_treatments(article, [make_treatment("draft-one", name="Draft One", status=Status.DRAFT)])
    assert b"Draft One" not in client.get(article.get_absolute_url()).content


def test_previous_and_next_within_the_series(client, series):
    first = make_article(series, 1, title="First")
    second = make_article(series, 2, title="Second")
    make_article(series, 3, title="Draft third", status=Status.DRAFT)
    fourth = make_article(series, 4, title="Fourth")

    _, soup = page(client, second.get_absolute_url())
    assert soup.find("a", rel="prev")["href"] == first.get_absolute_url()
    assert soup.find("a", rel="next")["href"] == fourth.get_absolute_url()

    _, soup = page(client, first.get_absolute_url())
    assert not soup.find("a", rel="prev")


def test_treatments_index_is_grouped_by_category(client, db):
    make_treatment("ect", name="Example Stimulation", category="brain-stimulation")
    make_treatment("pill", name="Example Pill", category="medication")
    make_treatment("hidden", name="Hidden", status=Status.DRAFT)

    _, soup = page(client, reverse("articles:treatment_list"))
    groups = {
        section.find(["h2", "h3"]).get_text(): [a.get_text() for a in section.select("li a")]
        for section in soup.select(".treatment-group")
    }
    assert groups == {"Medication": ["Example Pill"], "Brain stimulation": ["Example Stimulation"]}
    headings = [s.find("h2").get_text() for s in soup.select(".treatment-group")]
    assert headings == ["Medication", "Brain stimulation"]


def test_treatment_page_lists_published_articles_that_discuss_it(client, series):
    treatment = make_treatment("shared", name="Shared", body="A longer *body*.")
    public = make_article(series, 1, title="Public one")
    draft = make_article(series, 2, title="Draft one", status=Status.DRAFT)
    add_treatments(public, [treatment])
    add_treatments(draft, [treatment])

    _, soup = page(client, treatment.get_absolute_url())
    assert soup.h1.get_text() == "Shared"
    assert "A longer body." in soup.find(class_="article-body").get_text()
    listed = [a.get_text() for a in soup.select(".discussed-in a")]
    assert listed == ["Example Series #1: Public one"]


@pytest.mark.parametrize("fields", [{"status": Status.DRAFT}, {"publish_at": "future"}])
def test_unpublished_content_is_404_for_the_public(client, series, future, fields):
    fields = {k: (future if v == "future" else v) for k, v in fields.items()}
    article = make_article(series, **fields)
    treatment = make_treatment("hidden", **fields)
    assert client.get(article.get_absolute_url()).status_code == 404
    assert client.get(treatment.get_absolute_url()).status_code == 404
    assert article.title.encode() not in client.get(reverse("articles:home")).content
    assert b"Hidden" not in client.get(reverse("articles:treatment_list")).content


def test_staff_preview_drafts_with_banner_and_no_cache(editor_client, series, future):
    article = make_article(series, status=Status.DRAFT)
    treatment = make_treatment("hidden", publish_at=future)
    for obj in (article, treatment):
        response, soup = page(editor_client, obj.get_absolute_url())
        assert "Draft — not public" in soup.find(class_="draft-banner").get_text()
        cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
        assert {"no-cache", "private"} <= cache_control


def test_published_pages_have_no_draft_banner(client, article):
    response, soup = page(client, article.get_absolute_url())
    assert not soup.find(class_="draft-banner")
    assert "private" not in response.get("Cache-Control", "")


def test_unknown_pages_get_the_friendly_404(client, db):
    _, soup = page(client, "/articles/no-such-article/", status=404)
    assert soup.h1.get_text() == "Page not found"
    assert soup.find("a", href=reverse("articles:treatment_list"))


def test_server_error_page_renders_without_a_database(client, article, settings):
    from django.views.defaults import server_error

    response = server_error(client.get("/").wsgi_request)
    assert response.status_code == 500
    assert b"Something went wrong" in response.content


@pytest.mark.parametrize("url_name", QUERY_LIMITS)
def test_query_counts_are_pinned_and_do_not_grow(
    client, series, url_name, django_assert_max_num_queries
):
    def count_queries(url):
        client.get(url)  # the urgent-help callout is cached from the first request on
        new_generation()  # a page-cache miss: what the view itself costs
        with django_assert_max_num_queries(QUERY_LIMITS[url_name]) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    def url_for(article, treatment):
        return {
            "home": reverse("articles:home"),
            "series": series.get_absolute_url(),
            "article": article.get_absolute_url(),
            "treatment_list": reverse("articles:treatment_list"),
            "treatment": treatment.get_absolute_url(),
        }[url_name]

    # One article with one treatment and one figure...
    article = make_article(series, 1)
    treatment = make_treatment("t-0")
    add_treatments(article, [treatment])
    make_figure(article, 1)
    small = count_queries(url_for(article, treatment))

    # ...then 30 articles, 50 treatments on the article and 3 figures.
    more = [make_treatment(f"t-{n}") for n in range(1, 50)]
    add_treatments(article, more)
    for number in range(2, 31):
        add_treatments(make_article(series, number), [treatment])
    make_figure(article, 2)
    make_figure(article, 3)
    large = count_queries(url_for(article, treatment))

    assert large == small


def test_long_lists_are_paginated(client, series):
    from articles.models import Article, ArticleTreatment, Series

    treatment = make_treatment("example-shared")
    make_articles(series, 55)
    ArticleTreatment.objects.bulk_create(
        ArticleTreatment(article=article, treatment=treatment) for article in Article.objects.all()
    )
    for n in range(25):
        other = Series.objects.create(title=f"Example series {n:02}", slug=f"example-series-{n}")
        make_article(other, 1, slug=f"example-other-{n}")

    _, soup = page(client, series.get_absolute_url())
    assert len(soup.select(".article-list li")) == 50
    _, soup = page(client, series.get_absolute_url() + "?page=2")
    assert [li["value"] for li in soup.select(".article-list li")] == [
        str(n) for n in range(51, 56)
    ]

    _, soup = page(client, "/")
    assert len(soup.select("main > section[aria-labelledby^=site-series]")) == 20
    assert "All articles in Example Series" in soup.get_text()
    _, soup = page(client, "/?page=2")
    assert len(soup.select("main > section[aria-labelledby^=site-series]")) == 6

    _, soup = page(client, treatment.get_absolute_url() + "?page=2")
    assert len(soup.select(".discussed-in li")) == 5
    assert client.get("/?page=999999999999").status_code == 404  # the friendly 404, not a 500
