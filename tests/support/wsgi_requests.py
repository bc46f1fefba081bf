"""Requests made at the WSGI level, as gunicorn makes them: for the warm path's tests
(operations.warm_path), which compare its answers with Django's own handler's."""

import contextlib

from django.core.cache import caches
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import RequestFactory

HOST = "testserver"


class CountingApplication:
    """Django's handler, counting the requests that reach it."""

    def __init__(self):
        self.handler = WSGIHandler()
        self.calls = 0

    def __call__(self, environ, start_response):
        self.calls += 1
        return self.handler(environ, start_response)


@contextlib.contextmanager
def connections_kept():
    """As Django's test client does: the test's transaction must survive each request's
    close_old_connections (a real server's requests each close what they opened)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def environ(path, method="GET", host=HOST, **headers):
    request = RequestFactory().generic(method, path, **headers)
    values = dict(request.environ)
    if host is not None:
        values["HTTP_HOST"] = host
    return values


def answer(application, path, **kwargs):
    """(status line, headers, body) as a WSGI server gets them, after closing the response as
    a server does."""
    started = []
    result = application(environ(path, **kwargs), lambda *args: started.append(args[:2]))
    try:
        body = b"".join(result)
    finally:
        if hasattr(result, "close"):
            result.close()
    status, headers = started[0]
    return status, list(headers), body


def clear_page_caches():
    caches["default"].clear()  # the generation: a new one starts, as after an edit
    caches["pages"].clear()
