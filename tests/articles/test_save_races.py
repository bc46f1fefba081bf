"""An editor's save and a publisher's sign-off of the same page at the same moment, for real:
two threads, each with its own PostgreSQL connection. The save checks its edit token and the
sign-off its fingerprint; whichever takes the page's rows first goes on, the other waits and
then sees what the first did. Before the save took the rows (found in review after issue 15),
the save's check ran unlocked: a draft that went live meanwhile was written back as it was
read, and a page published meanwhile was written back unpublished."""

import threading
import time

import pytest
from django.db import connection, connections

from articles import drafts
from articles.admin.forms import EditorialForm
from articles.models import Article, Status
from tests.support.admin_forms import form_data, form_errors
from tests.support.factories import make_article
from tests.support.signoff import edit, start_draft, url

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="concurrent connections need PostgreSQL"
    ),
    # Groups come from a data migration: a transactional test must restore them.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

TYPED = "Example paragraph the editor typed while the publisher signed off."


def waiting_for_a_lock():
    """Whether another connection to this database is waiting for a row lock."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()"
        )
        return cursor.fetchone()[0] > 0


def until_blocked_or(done, seconds=10):
    """Wait until the other request waits for a lock (the fix) or has finished (no lock)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and not done.is_set() and not waiting_for_a_lock():
        time.sleep(0.02)


def together(first, second):
    """Run `first` and `second` in two threads with connections of their own; what each
    returned or raised."""
    results = {}

    def run(name, work):
        try:
            results[name] = work()
        except Exception as error:  # noqa: BLE001 - the test reports it
            results[name] = error
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=run, args=["first", first]),
        threading.Thread(target=run, args=["second", second]),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return results["first"], results["second"]


def save_while_signing_off(editor_client, page, publisher, monkeypatch):
    """The editor saves `page` with TYPED added; once the save has checked its token, a
    publisher signs off the page as it was before. The save waits for the sign-off to finish
    or to wait for the save's rows. (the save's response, what the sign-off returned or
    raised)"""
    held = Article.objects.get(pk=page.pk)
    signed = drafts.fingerprint(held)
    typing = form_data(editor_client.get(url("change", page)))
    typing["body"] = f"{typing['body']}\n\n{TYPED}"
    inside, publisher_done = threading.Event(), threading.Event()
    real_clean = EditorialForm.clean

    def clean(form):
        cleaned = real_clean(form)
        inside.set()
        until_blocked_or(publisher_done)
        return cleaned

    monkeypatch.setattr(EditorialForm, "clean", clean)

    def publish():
        assert inside.wait(10)
        try:
            return drafts.publish(held, publisher, signed=signed)
        finally:
            publisher_done.set()

    return together(lambda: editor_client.post(url("change", page), typing), publish)


def test_a_draft_signed_off_during_an_editors_save_does_not_go_live_unseen(
    editor_client, live, publisher, monkeypatch
):
    draft = start_draft(editor_client, live)
    edit(editor_client, draft, title="Example signed title", status=Status.REVIEW)

    saved, published = save_while_signing_off(editor_client, draft, publisher, monkeypatch)

    # The save came first: the sign-off finds the draft changed and publishes nothing.
    assert saved.status_code == 302, form_errors(saved)
    assert isinstance(published, drafts.ChangedSinceSignOff), published
    live.refresh_from_db()
    assert live.title == "Example live title"
    assert TYPED not in live.body
    assert Article.objects.get(pk=draft.pk, live_page=live).body.endswith(TYPED)


def test_an_editors_save_arriving_during_a_sign_off_goes_into_a_new_draft(
    editor_client, live, publisher, monkeypatch
):
    draft = start_draft(editor_client, live)
    edit(editor_client, draft, title="Example signed title", status=Status.REVIEW)
    held = Article.objects.get(pk=draft.pk)
    signed = drafts.fingerprint(held)
    typing = form_data(editor_client.get(url("change", draft)))
    typing["body"] = f"{typing['body']}\n\n{TYPED}"
    editor_done = threading.Event()
    real_check = drafts.check_signed

    def check_signed_holding_the_rows(fresh, token):
        # The sign-off holds the rows: the editor's save arrives and must wait for it.
        until_blocked_or(editor_done)
        return real_check(fresh, token)

    monkeypatch.setattr(drafts, "check_signed", check_signed_holding_the_rows)

    def save():
        time.sleep(0.2)  # the sign-off takes the rows first
        try:
            return editor_client.post(url("change", draft), typing)
        finally:
            editor_done.set()

    published, saved = together(lambda: drafts.publish(held, publisher, signed=signed), save)

    assert not isinstance(published, Exception), published
    live.refresh_from_db()
    assert live.title == "Example signed title"
    assert TYPED not in live.body
    # The draft that went live stays gone; the typed text is in a new draft of the live page.
    assert saved.status_code == 302, form_errors(saved)
    assert not Article.objects.filter(pk=draft.pk).exists()
    new_draft = Article.objects.get(live_page=live)
    assert new_draft.body.endswith(TYPED)


def test_a_page_published_during_an_editors_save_is_not_saved_back_unpublished(
    editor_client, series, publisher, monkeypatch
):
    page = make_article(series, number=2, title="Example new title", status=Status.REVIEW)

    saved, published = save_while_signing_off(editor_client, page, publisher, monkeypatch)

    assert saved.status_code == 302, form_errors(saved)
    assert isinstance(published, drafts.ChangedSinceSignOff), published
    page.refresh_from_db()
    assert page.status == Status.REVIEW
    assert page.body.endswith(TYPED)
