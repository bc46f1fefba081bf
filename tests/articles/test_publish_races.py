"""A draft going live twice at once: two publishers pressing Publish now together, or two
readers' requests arriving as a scheduled draft's time comes (ScheduledDraftsMiddleware runs
`drafts.apply_due` in every worker). The second one works from the draft as it read it before
the first went live and removed it. Found by the attack15 session.

Each test runs the other request to its end at the point where, in production, the two overlap
(reproduced for real on PostgreSQL with six concurrent requests at a scheduled time: the live
page's treatment list went from 3 rows to none)."""

import contextlib
import threading
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections
from reversion.models import Version

from articles import drafts
from articles.admin.signoff import SignOffMixin
from articles.models import Article, Source, Status
from tests.support.admin_forms import form_data
from tests.support.factories import make_article
from tests.support.signoff import edit, public_text, schedule, sign_off, start_draft, url

pytestmark = pytest.mark.django_db


def test_publishing_a_draft_twice_at_once_keeps_the_live_pages_lists(editor_client, live):
    draft = start_draft(editor_client, live)
    # What the second request holds: the draft as read before the first one went live.
    read_by_second = Article.objects.get(pk=draft.pk)
    drafts.go_live(draft)

    # Refusing the second one is fine; emptying the list readers see is not.
    with contextlib.suppress(ValidationError):
        drafts.go_live(read_by_second)

    assert list(live.treatment_links.values_list("treatment__slug", flat=True)) == ["example-first"]


def other_worker_goes_live_first(monkeypatch, now):
    """Both workers read the due draft and check its sign-off; then the other one puts it live
    and commits before this one goes on. (Patched where this worker has checked the draft's
    fingerprint: outside any transaction, as in production.)"""
    real_fingerprint = drafts.fingerprint
    state = {"raced": False}

    def racing_fingerprint(page):
        checked = real_fingerprint(page)
        if not state["raced"] and page.go_live_at is not None:
            state["raced"] = True
            drafts.apply_due(now)  # the other worker, from its own check to its commit
        return checked

    monkeypatch.setattr(drafts, "fingerprint", racing_fingerprint)


def test_a_scheduled_draft_reached_by_two_requests_at_once_keeps_the_live_list(
    editor_client, publisher_client, live, monkeypatch
):
    draft = start_draft(editor_client, live)
    edit(editor_client, draft, title="Example scheduled title", status="review")
    when = schedule(publisher_client, draft)
    now = when + timedelta(minutes=1)
    other_worker_goes_live_first(monkeypatch, now)

    drafts.apply_due(now)

    live.refresh_from_db()
    assert live.title == "Example scheduled title"
    assert live.treatment_links.count() == 1, "the treatment list readers see was emptied"


def test_a_scheduled_draft_that_went_live_is_not_brought_back_as_sent_back(
    editor_client, publisher_client, live, monkeypatch
):
    # A page that cites a source: the second worker's publishing check fails on the emptied
    # lists, and its send_back() saves the deleted draft again.
    source = Source.objects.create(title="Example source", year=2020)
    draft = start_draft(editor_client, live)
    edit(
        editor_client,
        draft,
        body=f"Example cited body.[[cite {source.pk}]]",
        status="review",
    )
    when = schedule(publisher_client, draft)
    now = when + timedelta(minutes=1)
    other_worker_goes_live_first(monkeypatch, now)

    drafts.apply_due(now)

    assert "Example cited body" in public_text(live)[1]
    ghosts = list(Article.objects.filter(live_page=live).values_list("review_note", flat=True))
    assert ghosts == [], f"a draft came back, sent back with: {ghosts}"


def test_a_list_changed_while_the_sign_off_runs_is_not_published(
    editor_client, publisher_client, live, monkeypatch
):
    # The sign-off view checks the page's fingerprint, then drafts.publish copies the draft's
    # fields from the row it read and its lists from the database: an editor's save landing
    # between the two puts their unsigned list live.
    draft = start_draft(editor_client, live)
    edit(editor_client, draft, status="review")
    real_go_live = drafts.go_live

    def editor_saves_first(page):
        edit(editor_client, page, **{"treatment_links-0-DELETE": "on"})
        return real_go_live(page)

    monkeypatch.setattr(drafts, "go_live", editor_saves_first)

    sign_off(publisher_client, draft, "publish")

    assert live.treatment_links.count() == 1, "an unsigned change to the list went live"


def just_before_the_sign_off_writes(monkeypatch, other_request):
    """Run `other_request(page)` to its commit after the sign-off view checked the token and
    before it opens its transaction (a step inside it would be rolled back with it)."""
    real = SignOffMixin.is_own_work

    def is_own_work(request, page):
        monkeypatch.setattr(SignOffMixin, "is_own_work", staticmethod(real))
        other_request(page)
        return real(request, page)

    monkeypatch.setattr(SignOffMixin, "is_own_work", staticmethod(is_own_work))


def test_a_second_publish_now_finding_the_draft_live_says_so(
    editor_client, publisher_client, live, monkeypatch
):
    draft = start_draft(editor_client, live)
    edit(editor_client, draft, title="Example published title")
    # The other publisher's POST, from its own check to its commit.
    just_before_the_sign_off_writes(
        monkeypatch, lambda page: drafts.go_live(Article.objects.get(pk=page.pk))
    )

    response = sign_off(publisher_client, draft, "publish")

    assert response.status_code == 302
    assert response["Location"] == url("change", live) + "?live=1"
    assert (
        "went live or was withdrawn meanwhile"
        in publisher_client.get(response["Location"]).content.decode()
    )
    live.refresh_from_db()
    assert live.title == "Example published title"
    assert live.treatment_links.count() == 1


def test_a_second_publish_now_arriving_after_the_first_is_not_a_404(
    editor_client, publisher_client, live
):
    draft = start_draft(editor_client, live)
    token = form_data(publisher_client.get(url("signoff", draft)))["token"]
    assert sign_off(publisher_client, draft, "publish").status_code == 302

    response = publisher_client.post(url("signoff", draft), {"action": "publish", "token": token})

    assert response.status_code == 302
    assert (
        "went live or was withdrawn meanwhile"
        in publisher_client.get(response["Location"]).content.decode()
    )


def test_a_never_published_page_changed_while_the_sign_off_runs_is_not_saved_over(
    editor_client, publisher_client, series, monkeypatch
):
    page = make_article(series, title="Example first title", status=Status.REVIEW)
    just_before_the_sign_off_writes(
        monkeypatch, lambda held: edit(editor_client, held, title="Example later title")
    )

    response = sign_off(publisher_client, page, "publish")

    assert response.status_code == 200
    assert "changed after you opened" in response.content.decode()
    page.refresh_from_db()
    assert (page.title, page.status) == ("Example later title", Status.REVIEW)
    # The form shown again signs off the page as it is now: pressing again publishes it.
    assert "Example later title" in response.content.decode()
    again = form_data(response)
    again["action"] = "publish"
    assert publisher_client.post(url("signoff", page), again).status_code == 302
    page.refresh_from_db()
    assert page.status == Status.PUBLISHED


on_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="concurrent connections need PostgreSQL"
)


def at_once(count, work):
    """`work(n)` in `count` threads, each with its own database connection, released together;
    what each raised."""
    barrier = threading.Barrier(count)
    raised = []

    def run(number):
        try:
            barrier.wait()
            work(number)
        except Exception as error:  # noqa: BLE001 - reported by the test
            raised.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=[n]) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return raised


@pytest.mark.slow
@on_postgres
# Groups come from a data migration: a transactional test must restore them.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_six_workers_reaching_a_scheduled_draft_put_it_live_once(
    editor_client, publisher_client, live
):
    # For real, as the tester reproduced it: six requests' middleware at the scheduled time.
    draft = start_draft(editor_client, live)
    edit(editor_client, draft, title="Example scheduled title", status="review")
    when = schedule(publisher_client, draft)
    now = when + timedelta(minutes=1)

    raised = at_once(6, lambda _: drafts.apply_due(now))

    assert raised == []
    live.refresh_from_db()
    assert live.title == "Example scheduled title"
    assert list(live.treatment_links.values_list("treatment__slug", flat=True)) == ["example-first"]
    assert not Article.objects.filter(live_page=live).exists()
    went_live = Version.objects.get_for_object(live).filter(
        revision__comment__startswith="Scheduled update went live"
    )
    assert went_live.count() == 1


@pytest.mark.slow
@on_postgres
# Groups come from a data migration: a transactional test must restore them.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_publish_now_at_once_put_the_draft_live_once(editor_client, live, publisher):
    draft = start_draft(editor_client, live)
    edit(editor_client, draft, title="Example published title")
    # Both requests read the draft and checked the publisher's token before either went on.
    held = [Article.objects.get(pk=draft.pk) for _ in range(2)]
    signed = drafts.fingerprint(held[0])

    def press_publish_now(number):
        with contextlib.suppress(drafts.DraftGone):
            drafts.publish(held[number], publisher, signed=signed)

    raised = at_once(2, press_publish_now)

    assert raised == []
    live.refresh_from_db()
    assert live.title == "Example published title"
    assert live.treatment_links.count() == 1
    assert not Article.objects.filter(live_page=live).exists()


def test_a_draft_changed_while_its_schedule_is_signed_off_is_not_scheduled(
    editor_client, publisher_client, live, monkeypatch
):
    # A schedule records the fingerprint that goes live later: it must be the publisher's.
    draft = start_draft(editor_client, live)
    edit(editor_client, draft, status="review")
    just_before_the_sign_off_writes(
        monkeypatch, lambda held: edit(editor_client, held, title="Example unsigned title")
    )

    with pytest.raises(AssertionError, match="changed after you opened"):
        schedule(publisher_client, draft)

    draft.refresh_from_db()
    assert (draft.title, draft.go_live_at) == ("Example unsigned title", None)


def test_sending_back_a_draft_that_went_live_meanwhile_does_not_bring_it_back(editor_client, live):
    draft = start_draft(editor_client, live)
    read_by_second = Article.objects.get(pk=draft.pk)
    drafts.go_live(draft)

    with pytest.raises(drafts.DraftGone):
        drafts.send_back(read_by_second, "Example note")

    assert not Article.objects.filter(live_page=live).exists()


def test_sending_back_keeps_an_editors_save_made_after_the_publisher_opened_it(editor_client, live):
    draft = start_draft(editor_client, live)
    held = Article.objects.get(pk=draft.pk)
    edit(editor_client, draft, title="Example later title")

    drafts.send_back(held, "Example note")

    draft.refresh_from_db()
    assert (draft.title, draft.status, draft.review_note) == (
        "Example later title",
        Status.DRAFT,
        "Example note",
    )
