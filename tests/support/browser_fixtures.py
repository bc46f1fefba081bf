"""The pytest fixtures that start Chromium for the browser tests. A test module that needs them
names this plugin (`pytest_plugins = ["tests.support.browser_fixtures"]`); each module gets its own
browser, and puts back the migrations' data when it is done."""

import pytest
from django.db import connections
from playwright.sync_api import sync_playwright

from tests.support.browser import CHROMIUM, CHROMIUM_ARGS, Browsers


@pytest.fixture(scope="module")
def browser(django_db_blocker):
    # Playwright's sync API marks an event loop as running in this thread. Django then refuses
    # ORM calls unless told they are safe (they are: nothing else runs in this thread), and
    # keeps database connections per async context: it would open a second connection that the
    # test database set-up doesn't know (no serialized rollback; on SQLite, not the live
    # server's in-memory database). Keep this thread's own connections.
    own = {alias: connections[alias] for alias in connections}
    with pytest.MonkeyPatch.context() as patch, sync_playwright() as playwright:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        for alias, connection in own.items():
            connections[alias] = connection
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()
    # The last test's flush left every table empty. Put back what the migrations created, as
    # the serialized rollback does before each test here, for the tests that run next.
    with django_db_blocker.unblock():
        for connection in own.values():
            connection.creation.deserialize_db_from_string(connection._test_serialized_contents)


@pytest.fixture
def browsers(browser, live_server):
    browsers = Browsers(browser, live_server.url)
    yield browsers
    browsers.close()
