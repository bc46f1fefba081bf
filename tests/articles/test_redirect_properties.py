"""The redirect rule under any sequence of what editors and publishers do to pages (create,
rename, publish, unpublish, schedule, delete, a draft going live): a redirect leads only from
an address readers once saw to a page readers can open now, at its current address; a live
page's own address is never redirected; no chain or loop."""

from datetime import timedelta

import pytest
from django.contrib.redirects.models import Redirect
from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from articles import drafts
from articles.models import Article, Status
from tests.support.factories import make_article

pytestmark = [pytest.mark.slow, pytest.mark.django_db]

SLUGS = ["example-a", "example-b", "example-c", "example-d"]
# Renames and what hides a page again weigh more: the rule is about what follows them.
ACTIONS = ["create", "rename", "rename", "publish", "unpublish", "schedule", "delete", "draft"]
STEPS = st.lists(
    st.tuples(st.sampled_from(ACTIONS), st.integers(0, 3), st.sampled_from(SLUGS)),
    min_size=3,
    max_size=6,
)


def act(series, action, which, slug):
    pages = list(Article.objects.pages().order_by("pk"))
    taken = Article.objects.pages().filter(slug=slug)
    if action == "create" or not pages:
        if not taken.exists():
            status = Status.DRAFT if which == 0 else Status.PUBLISHED
            make_article(series, Article.objects.count() + 1, slug=slug, status=status)
        return
    page = pages[which % len(pages)]
    if action == "rename" and not taken.exclude(pk=page.pk).exists():
        page.slug = slug
        page.save()
    elif action in ("publish", "schedule"):
        page.status = Status.PUBLISHED
        page.publish_at = timezone.now() + timedelta(days=1 if action == "schedule" else -1)
        page.save()
    elif action == "unpublish":
        page.status = Status.UNPUBLISHED
        page.save()
    elif action == "delete":
        page.delete()
    elif action == "draft" and page.is_public and not taken.exclude(pk=page.pk).exists():
        draft = drafts.start_draft(page)
        draft.slug = slug
        draft.save()
        drafts.go_live(draft)


@settings(
    max_examples=40,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=STEPS)
def test_redirects_follow_the_rule_whatever_happens(series, steps):
    Article.objects.all().delete()
    Redirect.objects.all().delete()
    reader = Client()
    seen = set()  # every address readers could open, at some point
    for step in steps:
        act(series, *step)
        live = {page.get_absolute_url() for page in Article.objects.published()}
        seen |= live
        for path in live:
            assert reader.get(path).status_code == 200, (steps, path)
        for path in [f"/articles/{slug}/" for slug in SLUGS]:
            response = reader.get(path)
            if response.status_code in (301, 302):
                assert path in seen, (steps, path, "was never an address readers saw")
                assert response["Location"] in live, (steps, path, response["Location"])
