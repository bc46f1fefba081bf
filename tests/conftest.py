"""Fixtures shared by every test; helpers live in tests/support/."""

import shutil
from datetime import timedelta

import pytest
from django.conf import settings
from django.core.cache import caches
from django.core.management import call_command
from django.utils import timezone

from articles.models import Article, Person
from tests.support.factories import client_for, make_article, make_series, make_staff


@pytest.fixture(autouse=True)
def fresh_cache():
    # The database rolls back after each test; what was cached from it must go too.
    for alias in settings.CACHES:
        caches[alias].clear()
    yield
    for alias in settings.CACHES:
        caches[alias].clear()


@pytest.fixture
def series(db):
    return make_series()


@pytest.fixture
def article(series):
    return make_article(series)


@pytest.fixture
def future():
    return timezone.now() + timedelta(days=1)


@pytest.fixture
def seeded(db):
    call_command("seed", verbosity=0)
    return Article.objects.get(slug="what-is-treatment-resistant-depression")


@pytest.fixture
def content(seeded):
    """For the Markdown export and import tests: the seed plus pages using every editorial
    field (tests/support/markdown_exports.py)."""
    from tests.support.markdown_exports import make_content

    return make_content()


@pytest.fixture
def editor(db):
    return make_staff("example-editor", "Editors", first_name="Example Editor")


@pytest.fixture
def publisher(db):
    return make_staff("example-publisher", "Publishers", first_name="Example Publisher")


@pytest.fixture
def editor_client(editor):
    return client_for(editor)


@pytest.fixture
def publisher_client(publisher):
    return client_for(publisher)


@pytest.fixture
def people(db):
    author = Person.objects.create(name="Example Author")
    reviewer = Person.objects.create(name="Dr Example Reviewer", credentials="example psychiatrist")
    return author, reviewer


def pytest_sessionfinish(session, exitstatus):
    # tests/settings.py made these for this run only.
    from django.conf import settings

    for folder in (settings.MEDIA_ROOT, settings.STATIC_ROOT):
        shutil.rmtree(folder, ignore_errors=True)
