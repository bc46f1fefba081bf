"""Where each page's time goes at scale: per request, the time spent in SQL (the database
driver's execute, statement by statement), in template rendering (less the SQL that rendering
ran, as lazy querysets do), and the rest: Python in views, middleware, the ORM building model
instances, feeds and sitemaps writing XML. The same pages and clients as bench/scale.py, with
the page cache bypassed; run it the same way, in a Django process with the benchmark's
settings:

    python bench/profile_pages.py                          # a table of every page
    python bench/profile_pages.py --only home --queries    # a page's statements, slowest first
    python bench/profile_pages.py --only home --cprofile 25  # a page's top functions

Medians of repeated requests: look for where a page's time goes, not for its p95 (that is
bench/scale.py's). The last two columns set the mean wall time of a request beside its CPU time
(this process's and its PostgreSQL server process's, as bench/scale.py reads it): the difference
is time spent waiting, for a core the machine's other work holds, or for I/O.
"""

import argparse
import cProfile
import io
import pstats
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # scale.py sets Django up

import scale  # noqa: E402
from django.db import connection  # noqa: E402
from django.template.backends.django import Template  # noqa: E402


class Timings:
    """SQL and template time of one request, gathered by an execute wrapper and a wrapper
    around the template backend's render."""

    def __init__(self):
        self.statements = []  # (ms, sql)
        self.template_ms = 0.0
        self.sql_in_templates_ms = 0.0
        self.depth = 0

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            elapsed = (time.perf_counter() - started) * 1000
            self.statements.append((elapsed, sql))
            if self.depth:
                self.sql_in_templates_ms += elapsed

    @property
    def sql_ms(self):
        return sum(ms for ms, _ in self.statements)


CURRENT = []  # the Timings of the request under way, if any
_render = Template.render


def timed_render(self, context=None, request=None):
    if not CURRENT:
        return _render(self, context, request)
    timings = CURRENT[-1]
    timings.depth += 1
    started = time.perf_counter()
    try:
        return _render(self, context, request)
    finally:
        timings.depth -= 1
        if not timings.depth:
            timings.template_ms += (time.perf_counter() - started) * 1000


Template.render = timed_render


def one_request(client, url):
    timings = Timings()
    CURRENT.append(timings)
    try:
        with connection.execute_wrapper(timings):
            started = time.perf_counter()
            response = client.get(url)
            total = (time.perf_counter() - started) * 1000
    finally:
        CURRENT.pop()
    assert response.status_code == 200, (url, response.status_code)
    return total, timings


def profile(client, url, repeat):
    client.get(url)  # warm the process (templates, connections), not the page cache
    cpu_before = time.process_time() + scale.database_cpu_seconds()
    runs = [one_request(client, url) for _ in range(repeat)]
    cpu = (time.process_time() + scale.database_cpu_seconds() - cpu_before) * 1000 / repeat
    total = statistics.median(run[0] for run in runs)
    sql = statistics.median(run[1].sql_ms for run in runs)
    templates = statistics.median(run[1].template_ms - run[1].sql_in_templates_ms for run in runs)
    return {
        "total": total,
        "sql": sql,
        "queries": len(runs[-1][1].statements),
        "templates": templates,
        "python": total - sql - templates,
        # Per request, of this process and its database process: what the wall time holds
        # besides waiting for a core (other work on the machine) or for I/O.
        "cpu": cpu,
        "mean": statistics.mean(run[0] for run in runs),
        "statements": runs[-1][1].statements,
    }


def print_statements(row, limit=12):
    print(f"  {row['queries']} statements, slowest first (ms, from the last request):")
    for ms, sql in sorted(row["statements"], key=lambda item: -item[0])[:limit]:
        text = " ".join(sql.split())
        print(f"  {ms:8.2f}  {text[:400]}")


def print_cprofile(client, url, repeat, limit):
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(repeat):
        client.get(url)
    profiler.disable()
    for order in ("tottime", "cumulative"):
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats(order).print_stats(limit)
        print(f"  by {order}, {repeat} requests:")
        print(out.getvalue())


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", action="append", help="a page's name (repeatable)")
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--queries", action="store_true", help="list each page's statements")
    parser.add_argument("--cprofile", type=int, metavar="N", help="top N functions per page")
    args = parser.parse_args()

    reader, admin = scale.clients()
    pages = [(name, url, reader) for name, url in scale.public_pages().items()]
    pages += [(f"search {q}", f"/search/?q={q}", reader) for q in ("garden", "example")]
    pages += [(name, url, admin) for name, url in scale.admin_pages().items()]
    if args.only:
        pages = [page for page in pages if page[0] in args.only]
    print(
        "| page | total ms | SQL ms | queries | templates ms | other Python ms | mean ms | CPU ms |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for name, url, client in pages:
        row = profile(client, url, args.repeat)
        print(
            f"| {name} | {row['total']:.1f} | {row['sql']:.1f} | {row['queries']} | "
            f"{row['templates']:.1f} | {row['python']:.1f} | {row['mean']:.1f} | "
            f"{row['cpu']:.1f} |",
            flush=True,
        )
        if args.queries:
            print_statements(row)
        if args.cprofile:
            print_cprofile(client, url, args.repeat, args.cprofile)


if __name__ == "__main__":
    main()
