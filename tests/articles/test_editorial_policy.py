"""The editorial policy page: written by publishers in the admin, shown (with links to it) only
once written and published; never a placeholder."""

import xml.etree.ElementTree as ET
from datetime import date

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from articles.models import EditorialPolicy
from operations.page_cache import new_generation
from tests.articles.test_views import QUERY_LIMITS
from tests.support.admin_forms import form_data
from tests.support.factories import make_article

pytestmark = pytest.mark.django_db

POLICY = "/editorial-policy/"


@pytest.fixture
def reviewed(series, people):
    author, reviewer = people
    return make_article(series, author=author, reviewer=reviewer, last_reviewed=date(2026, 1, 2))


def policy_links(client, url):
    soup = BeautifulSoup(client.get(url).content, "html.parser")
    return {
        "footer": bool(soup.select_one(f'.site-footer a[href="{POLICY}"]')),
        "review box": bool(soup.select_one(f'.review-dates a[href="{POLICY}"]')),
    }


def test_no_policy_no_page_and_no_links(client, reviewed):
    assert client.get(POLICY).status_code == 404
    assert policy_links(client, reviewed.get_absolute_url()) == {
        "footer": False,
        "review box": False,
    }


def test_a_policy_not_yet_shown_has_no_page_and_no_links(client, publisher_client, reviewed):
    EditorialPolicy.objects.create(text="Example policy text.", published=False)
    assert client.get(POLICY).status_code == 404
    assert publisher_client.get(POLICY).status_code == 404
    assert policy_links(client, reviewed.get_absolute_url()) == {
        "footer": False,
        "review box": False,
    }


def test_a_published_policy_is_shown_and_linked_at_once(client, reviewed):
    client.get(reviewed.get_absolute_url())  # cached without the links
    policy = EditorialPolicy.objects.create(
        title="Example policy title",
        text="## Example heading\n\nExample text.<script>alert(1)</script>",
        published=True,
    )

    response = client.get(POLICY)
    assert response.status_code == 200
    soup = BeautifulSoup(response.content, "html.parser")
    assert soup.h1.get_text() == "Example policy title"
    assert soup.find("h2", string="Example heading")
    assert "<script>alert" not in response.content.decode()
    assert not response.cookies
    assert policy_links(client, reviewed.get_absolute_url()) == {
        "footer": True,
        "review box": True,
    }

    policy.published = False
    policy.save()
    assert client.get(POLICY).status_code == 404
    assert policy_links(client, reviewed.get_absolute_url())["footer"] is False


def test_a_page_without_review_dates_links_it_from_the_footer_only(client, article):
    EditorialPolicy.objects.create(text="Example policy text.", published=True)
    assert policy_links(client, article.get_absolute_url()) == {
        "footer": True,
        "review box": False,
    }


def test_it_costs_readers_pages_no_query_once_cached(
    client, reviewed, django_assert_max_num_queries
):
    EditorialPolicy.objects.create(text="Example policy text.", published=True)
    url = reviewed.get_absolute_url()
    client.get(url)
    new_generation()  # a page-cache miss: what the view itself costs
    with django_assert_max_num_queries(QUERY_LIMITS["article"]):
        assert client.get(url).status_code == 200


def test_the_sitemap_lists_it_once_published(client, db):
    def pages():
        root = ET.fromstring(client.get("/sitemap-pages.xml").content)
        namespace = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
        return {url.find(f"{namespace}loc").text for url in root}

    policy = EditorialPolicy.objects.create(text="Example policy text.", published=False)
    assert "http://testserver/editorial-policy/" not in pages()
    policy.published = True
    policy.save()
    assert "http://testserver/editorial-policy/" in pages()


# The admin


def test_publishers_write_and_show_it(publisher_client, client):
    changelist = reverse("admin:articles_editorialpolicy_changelist")
    add = reverse("admin:articles_editorialpolicy_add")
    page = publisher_client.get(add)
    assert 'name="text"' in page.content.decode()
    assert "Not shown to readers" in page.content.decode()

    data = form_data(page)
    data.update(title="Example policy title", text="Example policy text.", published="on")
    assert publisher_client.post(add, data).status_code == 302

    assert client.get(POLICY).status_code == 200
    # One page: the list opens it, and there is no second one to add nor a way to delete it.
    change = reverse("admin:articles_editorialpolicy_change", args=[1])
    assert publisher_client.get(changelist).url == change
    assert publisher_client.get(add).status_code == 403
    delete = reverse("admin:articles_editorialpolicy_delete", args=[1])
    assert publisher_client.post(delete, {"post": "yes"}).status_code == 403
    assert EditorialPolicy.objects.filter(pk=1).exists()
    assert f'href="{POLICY}"' in publisher_client.get(change).content.decode()


def test_editors_read_it_but_never_change_it(editor_client):
    EditorialPolicy.objects.create(text="Example policy text.", published=False)
    change = reverse("admin:articles_editorialpolicy_change", args=[1])
    page = editor_client.get(change)
    assert page.status_code == 200
    assert "Example policy text." in page.content.decode()

    response = editor_client.post(
        change, {"title": "Example", "text": "Example editor text.", "published": "on"}
    )

    assert response.status_code == 403
    policy = EditorialPolicy.objects.get()
    assert (policy.text, policy.published) == ("Example policy text.", False)
    assert editor_client.get(reverse("admin:articles_editorialpolicy_add")).status_code == 403
