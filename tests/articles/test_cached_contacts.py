"""What pages read from the shared cache (the urgent-help contacts; whether the editorial policy
is public) is what the database holds once a change commits. The cache entry used to be deleted
inside the change's transaction only: a reader's request in between read the rows still
committed (the old helpline number) and cached them for CACHE_TIMEOUT, and the next page-cache
generation rebuilt every page's card and /help/ from them. Found by an outside review (A2)."""

import pytest
from django.core.cache import cache
from django.db import transaction
from django.test import Client

from articles.models import EditorialPolicy, Helpline, UrgentHelp
from articles.models import policy as policy_module
from articles.models import urgent_help as urgent_help_module

# Transactions that commit (on_commit runs); groups come from a data migration, so restored.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_a_corrected_helpline_is_what_readers_get_once_it_commits(seeded):
    callout = UrgentHelp.objects.get(pk=1)
    line = Helpline.objects.filter(callout=callout).first() or Helpline.objects.create(
        callout=callout, name="Example line", phone="0800 000 0000", shown_on_pages=True
    )
    old_number, new_number = line.phone, "0800 123 4567"
    assert old_number != new_number
    before = UrgentHelp.for_pages()  # what a reader's request reads: the committed rows
    assert old_number in [helpline.phone for helpline in before.helplines]

    with transaction.atomic():  # as the admin's change view saves it
        line.phone = new_number
        line.shown_on_pages = True
        line.save()
        # A reader's request at this moment, on another connection, still sees the committed
        # (old) rows and caches them: what UrgentHelp.for_pages() does on a miss.
        cache.set(urgent_help_module.CACHE_KEY, before, urgent_help_module.CACHE_TIMEOUT)

    shown = {helpline.pk: helpline.phone for helpline in UrgentHelp.for_pages().helplines}
    assert shown[line.pk] == new_number, shown
    assert new_number in Client().get("/help/").content.decode()


def test_a_withdrawn_editorial_policy_is_gone_once_it_commits(seeded):
    policy = EditorialPolicy.objects.filter(pk=1).first() or EditorialPolicy(pk=1)
    policy.title = policy.title or "Example policy"
    policy.text = policy.text or "Example policy text."
    policy.published = True
    policy.save()
    assert EditorialPolicy.is_public()

    with transaction.atomic():
        policy.published = False
        policy.save()
        cache.set(policy_module.CACHE_KEY, True, policy_module.CACHE_TIMEOUT)  # a reader, meanwhile

    assert not EditorialPolicy.is_public()
