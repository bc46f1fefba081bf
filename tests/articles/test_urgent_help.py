import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from articles.models import Helpline, UrgentHelp
from operations.page_cache import new_generation
from tests.support.admin_forms import form_data, form_errors

pytestmark = pytest.mark.django_db


def callout(client, url="/"):
    soup = BeautifulSoup(client.get(url).content, "html.parser")
    return soup.select_one("aside.urgent-help")


def test_default_callout_ships_with_helplines(client, article):
    for url in ["/", article.get_absolute_url(), "/treatments/", "/search/", "/no-such-page/"]:
        box = callout(client, url)
        assert "If you are in crisis or thinking about suicide" in box.get_text(), url
        assert box.find("a", href="tel:116123").get_text() == "116 123"
        assert box.find("a", href="tel:988")


def test_publishers_edit_it_in_one_place_and_every_page_changes(publisher_client, client, article):
    url = reverse("admin:articles_urgenthelp_change", args=[1])
    data = form_data(publisher_client.get(url))
    data["text"] = "Example new wording for the callout."
    data["helplines-0-contact"] = "000 000"

    response = publisher_client.post(url, data)

    assert response.status_code == 302, form_errors(response)
    for page in ["/", article.get_absolute_url()]:
        box = callout(client, page)
        assert "Example new wording for the callout." in box.get_text()
        assert box.find("a", href="tel:000000")


def test_editors_see_it_but_cannot_change_the_crisis_numbers(
    editor_client, publisher_client, client, article
):
    url = reverse("admin:articles_urgenthelp_change", args=[1])
    # The form as a publisher would submit it, changed.
    data = form_data(publisher_client.get(url))
    data["helplines-0-contact"] = "000 000"
    before = callout(client, "/").get_text()

    assert editor_client.get(url).status_code == 200  # read-only
    assert editor_client.post(url, data).status_code == 403

    assert callout(client, "/").get_text() == before
    assert not callout(client, "/").find("a", href="tel:000000")


def test_it_cannot_be_deleted_or_duplicated(publisher_client, admin_client):
    for client in (publisher_client, admin_client):
        delete = reverse("admin:articles_urgenthelp_delete", args=[1])
        assert client.get(delete).status_code == 403
        assert client.get(reverse("admin:articles_urgenthelp_add")).status_code == 403
    assert UrgentHelp.objects.count() == 1


def test_changelist_opens_the_one_callout(editor_client):
    response = editor_client.get(reverse("admin:articles_urgenthelp_changelist"))
    assert response["Location"] == reverse("admin:articles_urgenthelp_change", args=[1])


def test_callout_is_cached_and_refreshed_on_edit(client, django_assert_num_queries, db):
    client.get("/treatments/")
    new_generation()  # the page itself is not cached any more, the callout still is
    with django_assert_num_queries(1):  # only the treatments list
        client.get("/treatments/")
    line = Helpline.objects.first()
    line.contact = "123 456"
    line.save()
    assert callout(client, "/treatments/").find("a", href="tel:123456")


def test_tel_links_only_for_numbers():
    assert Helpline(contact="116 123").tel == "116123"
    assert Helpline(contact="+44 20 7946 0000").tel == "+442079460000"
    assert Helpline(contact="findahelpline.com").tel == ""
