"""Fixtures of the content app's tests."""

import pytest

from tests.support.factories import add_treatments, make_article, make_treatment


@pytest.fixture
def live(series):
    article = make_article(series, title="Example live title", body="Example live body.")
    add_treatments(article, [make_treatment("example-first")])
    return article
