"""Get help now (/help/): every helpline and emergency number by country, the reader's choice of
country without JavaScript, cookies or guessing, and a page for any choice, cached like the
others."""

import json

import pytest
from bs4 import BeautifulSoup
from django.core.cache import cache
from django.urls import reverse

from articles.models import EmergencyNumber, Helpline, UrgentHelp, urgent_help
from operations.page_cache import new_generation

pytestmark = pytest.mark.django_db

HELP = reverse("articles:help")
NOT_LISTED = "We don't list services for this country yet: call your local emergency number."


def page(client, query=""):
    response = client.get(HELP + query)
    assert response.status_code == 200
    return response, BeautifulSoup(response.content, "html.parser")


def sections(soup):
    """{heading: section} of the countries shown, in order."""
    return {
        section.h2.get_text(strip=True): section
        for section in soup.select("main section.help-country")
    }


def services(section):
    """[(name, [contact texts], [links])] of a country's helplines."""
    return [
        (
            item.h3.get_text(strip=True),
            [p.get_text(" ", strip=True) for p in item.find_all("p")],
            [a["href"] for a in item.find_all("a")],
        )
        for item in section.select(".helpline-list li")
    ]


def test_every_country_listed_with_its_emergency_numbers_then_international(client, db):
    _, soup = page(client)

    shown = sections(soup)
    assert list(shown) == [
        "Canada",
        "European Union",
        "Ireland",
        "United Kingdom",
        "United States",
        "International",
    ]
    emergency = {name: s.select_one(".help-emergency") for name, s in shown.items()}
    assert emergency["United Kingdom"].get_text(" ", strip=True) == "Emergency services: 999"
    assert emergency["United Kingdom"].a["href"] == "tel:999"
    assert emergency["European Union"].a["href"] == "tel:112"
    assert emergency["United States"].a["href"] == "tel:911"
    assert emergency["Canada"].a["href"] == "tel:911"
    # Ireland has no number of its own listed: as a member state, the Union's 112.
    assert emergency["Ireland"].get_text(" ", strip=True) == (
        "Emergency services: 112 (the European Union's, which answers in every member state)"
    )
    assert emergency["International"] is None
    assert services(shown["United Kingdom"]) == [
        (
            "Samaritans",
            ["Call 116 123 Website: www.samaritans.org", "Hours: 24 hours a day", "Free"],
            ["tel:116123", "https://www.samaritans.org/"],
        )
    ]
    assert services(shown["United States"]) == [
        (
            "988 Suicide & Crisis Lifeline",
            ["Call 988 Text 988 Website: 988lifeline.org", "Hours: 24 hours a day"],
            ["tel:988", "sms:988", "https://988lifeline.org/"],
        )
    ]
    # No hours or description were given: nothing is said about them.
    assert services(shown["International"]) == [
        (
            "Find A Helpline",
            ["Website: findahelpline.com", "Helplines worldwide"],
            ["https://findahelpline.com/"],
        )
    ]
    assert (
        soup.select_one(".help-intro")
        .get_text(" ", strip=True)
        .startswith("If you are in crisis or thinking about suicide")
    )


def test_a_reader_chooses_a_country_from_links_or_a_form_that_needs_no_javascript(client, db):
    _, soup = page(client)

    links = {a.get_text(strip=True): a["href"] for a in soup.select(".help-countries a")}
    assert links == {
        "Canada": "/help/?country=CA",
        "European Union": "/help/?country=EU",
        "Ireland": "/help/?country=IE",
        "United Kingdom": "/help/?country=GB",
        "United States": "/help/?country=US",
        "All": "/help/",
    }
    form = soup.select_one("main form")
    assert (form["method"], form["action"]) == ("get", "/help/")
    assert form.find("button", type="submit")
    select = form.find("select", attrs={"name": "country"})
    assert soup.find("label", attrs={"for": select["id"]})
    options = {option["value"]: option.get_text() for option in select.find_all("option")}
    assert options[""] == "All the countries we list"
    # Every country, not only those we list: a reader anywhere finds theirs.
    assert len(options) > 240
    assert (options["FR"], options["GB"], options["EU"]) == (
        "France",
        "United Kingdom",
        "European Union",
    )
    assert not soup.find("script", src=True) and not soup.find(attrs={"onchange": True})


@pytest.mark.parametrize("query", ["?country=GB", "?country=gb", "?country=%20GB%20"])
def test_a_country_shows_its_services_and_emergency_number_and_the_international_ones(
    client, db, query
):
    _, soup = page(client, query)

    shown = sections(soup)
    assert list(shown) == ["United Kingdom", "International"]
    assert shown["United Kingdom"].select_one(".help-emergency a")["href"] == "tel:999"
    assert [name for name, *_ in services(shown["United Kingdom"])] == ["Samaritans"]
    assert [name for name, *_ in services(shown["International"])] == ["Find A Helpline"]
    assert soup.find("option", selected=True)["value"] == "GB"
    assert soup.select_one(".help-countries a[aria-current]").get_text() == "United Kingdom"
    assert soup.title.get_text().startswith("Get help now: United Kingdom")
    assert NOT_LISTED not in soup.get_text(" ")


@pytest.mark.parametrize(
    ("query", "heading"),
    [
        ("?country=NO", "Norway"),
        ("?country=AQ", "Antarctica"),
        ("?country=ZZ", "Your country"),
        ("?country=GBR", "Your country"),
        ("?country=G", "Your country"),
        ("?country=%3Cscript%3Ealert(1)%3C/script%3E", "Your country"),
        ("?country=%00", "Your country"),
        ("?country=" + "X" * 5000, "Your country"),
    ],
)
def test_any_other_choice_answers_with_what_to_do_and_the_international_services(
    client, db, query, heading
):
    response, soup = page(client, query)

    shown = sections(soup)
    assert list(shown) == [heading, "International"]
    assert shown[heading].get_text(" ", strip=True) == f"{heading} {NOT_LISTED}"
    assert services(shown["International"])
    assert b"<script>alert" not in response.content and b"XXXXX" not in response.content


def test_no_choice_or_an_empty_one_lists_every_country(client, db):
    for query in ["", "?country=", "?country=%20"]:
        _, soup = page(client, query)
        assert len(sections(soup)) == 6, query
        assert NOT_LISTED not in soup.get_text(" "), query
        assert soup.select_one(".help-countries a[aria-current]").get_text() == "All"


def test_a_site_with_no_helplines_still_says_what_to_do(client, db):
    Helpline.objects.all().delete()
    EmergencyNumber.objects.all().delete()

    _, soup = page(client, "?country=GB")

    assert list(sections(soup)) == ["United Kingdom"]
    assert NOT_LISTED in soup.get_text(" ")
    _, soup = page(client)
    assert "call your local emergency number" in soup.select_one(".help-intro").get_text()


def test_the_page_sets_no_cookie_and_is_cached_for_everyone(client, db):
    response, _ = page(client, "?country=GB")

    assert not response.cookies
    assert "Set-Cookie" not in response and "Cookie" not in response.get("Vary", "")
    assert "public" in response["Cache-Control"]


def test_made_up_parameters_share_the_cache_entry_and_countries_do_not(
    client, db, django_assert_num_queries
):
    gb = client.get(HELP + "?country=GB").content
    with django_assert_num_queries(0):
        assert client.get(HELP + "?country=GB&utm_source=example").content == gb
        assert client.get(HELP + "?utm_source=example&country=GB&x=1").content == gb
    us = client.get(HELP + "?country=US").content
    assert us != gb
    assert "United States" in BeautifulSoup(us, "html.parser").h2.get_text()
    # A page reads the last value: the same values in another order are another page.
    with django_assert_num_queries(0):
        assert client.get(HELP + "?country=GB&country=US").content == us
    assert client.get(HELP + "?country=US&country=GB").content == gb


def test_query_count_is_pinned(client, db, django_assert_num_queries):
    client.get("/no-such-page/")  # what any first request costs (scheduled pages, the footer)
    cache.delete(urgent_help.CACHE_KEY)
    new_generation()
    # The callout, its helplines and emergency numbers, then cached with the card's.
    with django_assert_num_queries(3):
        page(client, "?country=GB")
    new_generation()  # a page-cache miss: the bundle is still cached
    with django_assert_num_queries(0):
        page(client, "?country=US")


def test_an_edit_shows_at_once(client, db):
    page(client, "?country=GB")
    line = Helpline.objects.get(name="Samaritans", country="GB")
    line.hours = "Example hours"
    line.save()
    _, soup = page(client, "?country=GB")
    assert "Hours: Example hours" in soup.get_text(" ")

    callout = UrgentHelp.objects.get()
    callout.text = "Example changed text."
    callout.save()
    _, soup = page(client, "?country=GB")
    assert soup.select_one(".help-intro").get_text(strip=True) == "Example changed text."


def test_json_ld_canonical_address_and_sitemap(client, db):
    _, soup = page(client, "?country=GB")

    blocks = [json.loads(s.string) for s in soup.find_all("script", type="application/ld+json")]
    data = {block["@type"]: block for block in blocks}
    assert data["WebPage"] == {
        "@context": "https://schema.org",
        "@type": "WebPage",
        "name": "Get help now",
        "description": "Emergency numbers and helplines, by country, for anyone in crisis now.",
        "url": "http://testserver/help/",
        "inLanguage": "en-GB",
        "publisher": {
            "@type": "Organization",
            "name": "Curing Depression",
            "url": "http://testserver/",
        },
    }
    crumbs = data["BreadcrumbList"]["itemListElement"]
    assert [(c["name"], c["item"]) for c in crumbs] == [
        ("Home", "http://testserver/"),
        ("Get help now", "http://testserver/help/"),
    ]
    # One page, whatever the country chosen.
    assert soup.find("link", rel="canonical")["href"] == "http://testserver/help/"
    assert b"<loc>http://testserver/help/</loc>" in client.get("/sitemap-pages.xml").content


def test_the_country_form_is_left_off_paper(client, db):
    # print.css hides .search-form: the form is no use on paper, the numbers are.
    _, soup = page(client)
    assert "search-form" in soup.select_one("main form")["class"]


@pytest.mark.parametrize("code", ["FR", "ie", "DE"])
def test_a_member_state_of_the_union_gets_112(client, code):
    _, soup = page(client, f"?country={code}")
    assert NOT_LISTED not in soup.get_text()
    first = next(iter(sections(soup).values()))
    assert first.select_one(".help-emergency a")["href"] == "tel:112"


def test_a_country_outside_the_union_with_nothing_listed_is_told_so(client, db):
    _, soup = page(client, "?country=NO")
    assert NOT_LISTED in soup.get_text()
    assert "tel:112" not in str(soup.select_one(".help-country"))


def test_uk_is_understood_as_the_united_kingdom(client, db):
    _, soup = page(client, "?country=UK")
    assert "United Kingdom" in sections(soup)
