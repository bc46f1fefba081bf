"""The Python-server limit: a WSGI app that answers every request with fixed bytes from memory.

bench/run.py serves it under the same gunicorn options as the site, with the article page's
exact bytes (the file named by BENCH_BODY), so the two differ only by what Django does.
"""

import os
from pathlib import Path

BODY = Path(os.environ["BENCH_BODY"]).read_bytes()
HEADERS = [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(BODY)))]


def application(environ, start_response):
    start_response("200 OK", HEADERS)
    return [BODY]
