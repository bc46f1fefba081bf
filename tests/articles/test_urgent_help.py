"""The urgent-help card on every page, and editing urgent help in the admin: publishers only,
and what has not been checked with the services lately."""

from datetime import date

import pytest
import time_machine
from bs4 import BeautifulSoup
from django.urls import reverse

from articles.models import EmergencyNumber, Helpline, UrgentHelp
from articles.models.urgent_help import months_before
from operations.page_cache import new_generation
from tests.support.admin_forms import form_data, form_errors
from tests.support.factories import client_for, make_staff

pytestmark = pytest.mark.django_db

CHANGE_URL = reverse("admin:articles_urgenthelp_change", args=[1])
# What the migrations ship, as the card shows it: one link per number, labelled with its
# countries (and, for helplines, the services, visually hidden on phones).
SHIPPED_CARD = {
    "tel:999": "999 UK",
    "tel:112": "112 EU",
    "tel:911": "911 US, Canada",
    "tel:116123": "116 123 UK, Ireland · Samaritans",
    "tel:988": "988 US, Canada · 988 Suicide & Crisis Lifeline / 9-8-8 Suicide Crisis Helpline",
}


def card(client, url="/"):
    soup = BeautifulSoup(client.get(url).content, "html.parser")
    return soup.find("aside", id="site-urgent-help-callout")


def card_numbers(box):
    return {a["href"]: a.get_text(" ", strip=True) for a in box.select("a.urgent-number")}


def test_every_page_shows_the_most_urgent_numbers_and_the_way_to_get_help_now(client, article):
    for url in ["/", article.get_absolute_url(), "/treatments/", "/search/", "/no-such-page/"]:
        box = card(client, url)
        assert card_numbers(box) == SHIPPED_CARD, url
        help_now = box.find("a", class_="help-now")
        assert (help_now["href"], help_now.get_text()) == ("/help/", "Get help now"), url
        # The help link comes first: it is what a reader sees before the numbers.
        assert box.find("a") is help_now, url
        groups = [group.get_text(" ", strip=True) for group in box.select(".urgent-label")]
        assert groups == ["Emergency", "Helplines"], url
        # Find A Helpline is not marked for every page: it is on /help/.
        assert "findahelpline" not in str(box), url
        assert not box.find(style=True) and not box.find("script"), url  # strict CSP


def test_the_card_shows_only_what_publishers_marked_and_says_what_to_do_without_it(client, db):
    Helpline.objects.filter(name="Samaritans", country="GB").update(shown_on_pages=False)
    EmergencyNumber.objects.filter(country="CA").update(shown_on_pages=False)
    UrgentHelp.objects.get().save()  # as an admin save would: the cached card goes

    numbers = card_numbers(card(client))
    assert numbers["tel:116123"] == "116 123 Ireland · Samaritans"
    assert numbers["tel:911"] == "911 US"

    Helpline.objects.update(shown_on_pages=False)
    EmergencyNumber.objects.update(shown_on_pages=False)
    UrgentHelp.objects.get().save()
    new_generation()
    box = card(client)
    assert card_numbers(box) == {}
    assert box.find("a", href="/help/")
    assert "call your local emergency number or a crisis line now" in box.get_text()


def test_publishers_edit_it_in_one_place_and_every_page_changes(publisher_client, client, article):
    data = form_data(publisher_client.get(CHANGE_URL))
    data["title"] = "Example title"
    data["emergency_numbers-0-number"] = "000"
    data["helplines-0-phone"] = "000 000"
    data["helplines-0-last_checked"] = "2026-01-02"

    response = publisher_client.post(CHANGE_URL, data)

    assert response.status_code == 302, form_errors(response)
    for page in ["/", article.get_absolute_url()]:
        box = card(client, page)
        assert box.find(id="site-urgent-help").get_text() == "Example title"
        assert box.find("a", href="tel:000")
        assert box.find("a", href="tel:000000")
    assert Helpline.objects.get(phone="000 000").last_checked == date(2026, 1, 2)


def test_editors_see_it_but_cannot_change_the_crisis_numbers(
    editor_client, publisher_client, client, article
):
    # The form as a publisher would submit it, changed.
    data = form_data(publisher_client.get(CHANGE_URL))
    data["emergency_numbers-0-number"] = "000"
    data["helplines-0-phone"] = "000 000"
    before = card(client, "/").get_text()

    assert editor_client.get(CHANGE_URL).status_code == 200  # read-only
    assert editor_client.post(CHANGE_URL, data).status_code == 403

    assert card(client, "/").get_text() == before
    assert not card(client, "/").find("a", href="tel:000")
    assert EmergencyNumber.objects.filter(number="999").exists()


def test_a_helpline_needs_a_way_to_reach_it(publisher_client):
    data = form_data(publisher_client.get(CHANGE_URL))
    index = int(data["helplines-TOTAL_FORMS"]) - 1  # Find A Helpline: a website only
    assert data[f"helplines-{index}-name"] == "Find A Helpline"
    data[f"helplines-{index}-url"] = ""

    response = publisher_client.post(CHANGE_URL, data)

    assert response.status_code == 200
    assert "Give a phone number, a text number or a website." in " ".join(form_errors(response))


def test_it_cannot_be_deleted_or_duplicated(publisher_client, admin_client):
    for client in (publisher_client, admin_client):
        delete = reverse("admin:articles_urgenthelp_delete", args=[1])
        assert client.get(delete).status_code == 403
        assert client.get(reverse("admin:articles_urgenthelp_add")).status_code == 403
    assert UrgentHelp.objects.count() == 1


def test_changelist_opens_the_one_callout(editor_client):
    response = editor_client.get(reverse("admin:articles_urgenthelp_changelist"))
    assert response["Location"] == CHANGE_URL


def test_card_is_cached_and_refreshed_on_every_edit(client, django_assert_num_queries, db):
    client.get("/treatments/")
    new_generation()  # the page itself is not cached any more, the card still is
    with django_assert_num_queries(1):  # only the treatments list
        client.get("/treatments/")

    number = EmergencyNumber.objects.get(number="999")
    number.number = "123"
    number.save()
    assert card(client, "/treatments/").find("a", href="tel:123")

    line = Helpline.objects.get(name="Samaritans", country="IE")
    line.phone = "456"
    line.save()
    assert card(client, "/treatments/").find("a", href="tel:456")

    number.delete()
    assert not card(client, "/treatments/").find("a", href="tel:123")


def test_tel_links_only_for_numbers():
    assert Helpline(phone="116 123").tel == "116123"
    assert Helpline(phone="+44 20 7946 0000").tel == "+442079460000"
    assert Helpline(phone="findahelpline.com").tel == ""
    assert Helpline(text_number="988").sms == "988"
    assert EmergencyNumber(number="999").tel == "999"


def test_six_months_before_keeps_the_day_or_takes_the_months_last():
    assert months_before(date(2027, 6, 15), 6) == date(2026, 12, 15)
    assert months_before(date(2027, 8, 31), 6) == date(2027, 2, 28)
    assert months_before(date(2028, 8, 31), 6) == date(2028, 2, 29)
    assert months_before(date(2027, 3, 1), 6) == date(2026, 9, 1)


def checked_on(day, **which):
    Helpline.objects.filter(**which).update(last_checked=day)


@time_machine.travel("2027-07-01 09:00 +0000", tick=False)
def test_admin_home_and_review_queue_list_what_was_not_checked_for_six_months(db):
    # Signed in on that day: sessions made before would have expired by then.
    publisher_client = client_for(make_staff("example-publisher", "Publishers"))
    editor_client = client_for(make_staff("example-editor", "Editors"))
    EmergencyNumber.objects.update(last_checked=date(2027, 6, 1))
    Helpline.objects.update(last_checked=date(2027, 6, 1))
    checked_on(date(2027, 1, 1), country="US")  # six months ago to the day: not over
    checked_on(date(2026, 12, 31), country="CA")  # over six months ago
    checked_on(None, country="IE")  # never
    EmergencyNumber.objects.filter(country="EU").update(last_checked=None)

    for client in (publisher_client, editor_client):
        for url in [reverse("admin:index"), reverse("admin:articles_review_queue")]:
            soup = BeautifulSoup(client.get(url).content, "html.parser")
            box = soup.select_one(".urgent-help-to-check")
            assert box, url
            rows = [
                [cell.get_text(" ", strip=True) for cell in row.find_all(["th", "td"])]
                for row in box.select("tbody tr")
            ]
            assert rows == [
                ["112 (European Union)", "Emergency number", "European Union", "Never"],
                ["Samaritans: 116 123", "Helpline", "Ireland", "Never"],
                ["9-8-8 Suicide Crisis Helpline: 988", "Helpline", "Canada", "31 Dec 2026"],
            ], url
            assert box.select_one("tbody a")["href"] == CHANGE_URL

    checked_on(date(2027, 6, 30))
    EmergencyNumber.objects.update(last_checked=date(2027, 6, 30))
    soup = BeautifulSoup(publisher_client.get(reverse("admin:index")).content, "html.parser")
    assert not soup.select_one(".urgent-help-to-check")


def test_what_the_migration_ships_is_never_checked_so_it_is_listed(publisher_client):
    assert not Helpline.objects.exclude(last_checked=None).exists()
    assert not EmergencyNumber.objects.exclude(last_checked=None).exists()
    soup = BeautifulSoup(publisher_client.get(reverse("admin:index")).content, "html.parser")
    assert len(soup.select(".urgent-help-to-check tbody tr")) == 4 + 5


def test_numbers_are_one_number_as_dialled():
    from django.core.exceptions import ValidationError

    assert Helpline(phone="+44 (0)20 7946 0000").tel == "+442079460000"  # no trunk 0 abroad
    for bad in ("call 999", "116 123 / 116 006", "999!"):
        with pytest.raises(ValidationError):
            Helpline(name="Example", phone=bad, callout_id=1).full_clean()
    with pytest.raises(ValidationError):
        EmergencyNumber(number="call 999", country="GB", callout_id=1).full_clean()


def test_last_checked_cannot_be_in_the_future(publisher_client):
    data = form_data(publisher_client.get(CHANGE_URL))
    data["emergency_numbers-0-last_checked"] = "2999-01-01"
    response = publisher_client.post(CHANGE_URL, data)
    assert response.status_code == 200
    assert "in the future" in " ".join(form_errors(response))


def test_a_text_only_helpline_shown_on_every_page_gets_a_text_link(client, db):
    Helpline.objects.create(
        callout_id=1, name="Example Text Line", text_number="00000", shown_on_pages=True
    )
    links = card_numbers(card(client))
    assert "sms:00000" in links and "Example Text Line" in links["sms:00000"]


def test_a_save_based_on_a_callout_changed_since_is_refused(publisher_client, publisher):
    other = client_for(make_staff("example-other-publisher", "Publishers"))
    theirs = form_data(publisher_client.get(CHANGE_URL))
    mine = form_data(other.get(CHANGE_URL))
    theirs["helplines-0-hours"] = "Example hours"
    assert publisher_client.post(CHANGE_URL, theirs).status_code == 302
    mine["title"] = "Example title"
    response = other.post(CHANGE_URL, mine)
    assert response.status_code == 200
    assert "after you opened it" in " ".join(form_errors(response))
    assert Helpline.objects.filter(hours="Example hours").exists()
    assert UrgentHelp.objects.get().title != "Example title"


def test_the_callouts_history_lists_its_changes(publisher_client):
    data = form_data(publisher_client.get(CHANGE_URL))
    data["title"] = "Example new title"
    publisher_client.post(CHANGE_URL, data)
    history = publisher_client.get(reverse("admin:articles_urgenthelp_history", args=[1]))
    rows = BeautifulSoup(history.content, "html.parser").select("#change-history tbody tr")
    assert rows and "example-publisher" in rows[0].get_text()
