"""In-process measurements at scale (run by bench/run.py --scale, in a Django process with the
benchmark's settings): query counts and timings of list pages, search, sitemap, feed, the
admin changelists and the clinical review queue (its first and a far page, and a filter), with
the page cache bypassed so each request does its full work."""

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

import django

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run as a script from bench/
django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, override_settings  # noqa: E402

from articles.models import Series, Treatment  # noqa: E402

# Topic words of the generated pages (each on a few hundred of them), pairs, phrases and
# exclusions; then words on every page, reported apart as the worst case.
SEARCHES = [
    "garden",
    "river window",
    "kettle",
    '"the harbour"',
    "meadow -winter",
    "lantern",
    "violin OR walnut",
    "glacier",
    "rocket",
    "teapot spider",
    "treatment 12",
    "velvet",
    "umbrella",
    "ribbon",
    "island market",
]
WORST_CASE = ["example", "load testing", "generated article"]


CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def database_cpu_seconds():
    """CPU time so far of this connection's PostgreSQL server process (it runs on this
    machine), or 0 on SQLite, whose work is this process's own."""
    if connection.vendor != "postgresql":
        return 0.0
    if not hasattr(connection, "bench_backend_pid"):
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            connection.bench_backend_pid = cursor.fetchone()[0]
    try:
        fields = Path(f"/proc/{connection.bench_backend_pid}/stat").read_text()
    except FileNotFoundError:  # a server elsewhere: its time can't be read
        return 0.0
    utime, stime = fields.rsplit(")", 1)[1].split()[11:13]
    return (int(utime) + int(stime)) / CLOCK_TICKS


def measure(client, url, repeat=20):
    """p50 and p95 of the wall time, which the machine's other work inflates; and the CPU time
    per request of this process and of the database's, which it hardly does (summed over the
    requests: the kernel counts it in 10 ms ticks)."""
    client.get(url)  # warm the process (templates, connections), not the page cache
    times, counts = [], set()
    cpu_before = time.process_time() + database_cpu_seconds()
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
        counts.add(len(queries))
    cpu = time.process_time() + database_cpu_seconds() - cpu_before
    times.sort()
    return {
        "p50_ms": round(statistics.median(times), 1),
        "p95_ms": round(times[int(len(times) * 0.95) - 1], 1),
        "cpu_ms": round(cpu * 1000 / repeat, 1),
        "queries": sorted(counts),
        "times": times,
    }


def term_publishing():
    """Publishing a glossary term that every generated page uses: the publish marks pages from
    their stored HTML for a bounded time (articles.signals.MARKING_SECONDS) and flags the rest;
    `manage.py mark_terms` marks those. Marking is timed against formatting each page's
    Markdown again, which is what it replaced. Rolled back."""
    from django.db import transaction

    from articles.models import Article, Status, Term

    with transaction.atomic():
        started = time.perf_counter()
        Term.objects.create(
            term="Example",
            slug="bench-example",
            definition="A word the generated pages use.",
            status=Status.PUBLISHED,
        )
        publish_s = time.perf_counter() - started
        stale = Article.objects.filter(marks_stale=True).count()
        started = time.perf_counter()
        Article.objects.filter(marks_stale=True).render_again()
        rest_s = time.perf_counter() - started
        marked = Article.objects.filter(body_html__contains="site-term-bench-example").count()
        terms = Term.objects.entries_to_mark()
        sample = list(Article.objects.order_by("pk")[:200])
        started = time.perf_counter()
        for page in sample:
            page.mark_terms_again(terms)
        mark_ms = (time.perf_counter() - started) * 1000 / len(sample)
        started = time.perf_counter()
        for page in sample:
            page.render_markdown(terms)
        render_ms = (time.perf_counter() - started) * 1000 / len(sample)
        transaction.set_rollback(True)
    return {
        "publish_s": round(publish_s, 2),
        "pages_left_for_later": stale,
        "mark_terms_s": round(rest_s, 1),
        "pages_marked": marked,
        "per_page_ms_marking": round(mark_ms, 2),
        "per_page_ms_formatting_again": round(render_ms, 2),
        "formatting_again_over_marking": round(render_ms / mark_ms, 1),
        "queries": [],
    }


def public_pages():
    """{name: address} of every kind of readers' page at scale (search is measured apart)."""
    from articles.models import Article

    # The last made: generated ones, with pages enough for "page 3" and "page 5" (the seed's
    # have one page, and a page past the last is a 404).
    series = Series.objects.order_by("pk").last()
    treatment = Treatment.objects.order_by("pk").last()
    article = Article.objects.published().order_by("pk").last()
    pages = {
        "home": "/",
        "home page 2": "/?page=2",
        "series": series.get_absolute_url(),
        "series page 3": series.get_absolute_url() + "?page=3",
        "article": article.get_absolute_url(),
        "treatments": "/treatments/",
        "treatment": treatment.get_absolute_url(),
        "treatment page 5": treatment.get_absolute_url() + "?page=5",
        "glossary": "/glossary/",
        "help": "/help/",
        "sitemap index": "/sitemap.xml",
        "sitemap articles": "/sitemap-articles.xml",
        "sitemap articles page 5": "/sitemap-articles.xml?p=5",
        "sitemap treatments": "/sitemap-treatments.xml",
        "sitemap series": "/sitemap-series.xml",
        "feed": "/feed/atom/",
        "feed rss": "/feed/",
    }
    return pages


def admin_pages():
    """{name: address} of the admin's lists, their search and the review queue at scale."""
    queue = "/admin/articles/article/review-queue/"
    pages = {"admin home": "/admin/"}
    for model in ("article", "treatment", "series", "person", "source", "term"):
        label = "series" if model == "series" else f"{model}s"
        pages[f"admin {label}"] = f"/admin/articles/{model}/"
    pages["admin articles search"] = "/admin/articles/article/?q=example"
    pages["admin articles search, rare word"] = "/admin/articles/article/?q=glacier"
    pages["admin articles page 100"] = "/admin/articles/article/?p=100"
    pages["admin articles of a series"] = (
        f"/admin/articles/article/?series__id__exact={Series.objects.order_by('pk').last().pk}"
    )
    pages["admin treatments search"] = "/admin/articles/treatment/?q=example"
    pages["admin sources search"] = "/admin/articles/source/?q=example"
    pages["admin terms search"] = "/admin/articles/term/?q=depression"
    # The urgent-help callout and the editorial policy are one row each: their lists redirect.
    for model in ("reviewlink", "pagefeedback"):
        pages[f"admin {model}"] = f"/admin/articles/{model}/"
    # Issue 16: paginated and filtered in the database, it must stay under 300 ms at 10,000.
    pages["admin review queue"] = queue
    pages["admin review queue page 100"] = queue + "?page=100"
    pages["admin review queue overdue"] = queue + "?state=overdue"
    return pages


# The page cache's bypass for benchmarks (settings.PAGE_CACHE_BYPASS_HEADER), on in this process
# alone. A made-up session cookie, which this used before, is answered from the cache.
BYPASS_HEADER = "X-Bench-Bypass"


def clients():
    """(reader, admin) test clients: the reader sends the bypass header, so every request is a
    full page build, as on a page-cache miss; the admin is a signed-in superuser."""
    override_settings(PAGE_CACHE_BYPASS_HEADER=BYPASS_HEADER).enable()
    reader = Client(HTTP_HOST="127.0.0.1", headers={BYPASS_HEADER: "1"})
    # Its requests must reach the database even with the page stored for other readers.
    Client(HTTP_HOST="127.0.0.1").get("/")
    with CaptureQueriesContext(connection) as queries:
        reader.get("/")
    assert len(queries), "the reader's requests were answered from the page cache"
    admin = Client(HTTP_HOST="127.0.0.1")
    user, _ = get_user_model().objects.get_or_create(
        username="bench-admin", defaults={"is_staff": True, "is_superuser": True}
    )
    admin.force_login(user)
    return reader, admin


def vacuum():
    """What autovacuum would do between runs (sooner on a server where it is off): the term
    publishing below updates thousands of rows and rolls back, leaving dead rows that would
    slow the next run's scans."""
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")


def only(names):
    """Just these requests, measured as in the full run (without its VACUUM first: after a full
    run, whose term publishing leaves dead rows, run one)."""
    reader, admin = clients()
    pages = {name: (url, reader, 20) for name, url in public_pages().items()}
    pages.update({name: (url, admin, 10) for name, url in admin_pages().items()})
    report = {}
    for name in names:
        url, client, repeat = pages[name]
        report[name] = measure(client, url, repeat)
        report[name].pop("times")
    print(json.dumps(report))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", action="append", help="a request's name (repeatable)")
    args = parser.parse_args()
    if args.only:
        only(args.only)
        return
    vacuum()
    reader, admin = clients()
    report = {name: measure(reader, url) for name, url in public_pages().items()}
    for label, queries in (("search", SEARCHES), ("search, words on every page", WORST_CASE)):
        times, cpu = [], []
        for query in queries:
            row = measure(reader, f"/search/?q={query}", repeat=5)
            times += row["times"]
            cpu.append(row["cpu_ms"])
        times.sort()
        report[f"{label} ({len(queries)} queries)"] = {
            "p50_ms": round(statistics.median(times), 1),
            "p95_ms": round(times[int(len(times) * 0.95) - 1], 1),
            "cpu_ms": round(statistics.mean(cpu), 1),
            "queries": [],
        }
    for name, url in admin_pages().items():
        report[name] = measure(admin, url, repeat=10)
    report["publish a term used on every page"] = term_publishing()
    for row in report.values():
        row.pop("times", None)
    print(json.dumps(report))


if __name__ == "__main__":
    main()
