"""In-process measurements at scale (run by bench/run.py --scale, in a Django process with the
benchmark's settings): query counts and timings of list pages, search, sitemap, feed, the
admin changelists and the clinical review queue (its first and a far page, and a filter), with
the page cache bypassed so each request does its full work."""

import json
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
from django.test.utils import CaptureQueriesContext  # noqa: E402

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


def measure(client, url, repeat=20):
    client.get(url)  # warm the process (templates, connections), not the page cache
    times, counts = [], set()
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
        counts.add(len(queries))
    times.sort()
    return {
        "p50_ms": round(statistics.median(times), 1),
        "p95_ms": round(times[int(len(times) * 0.95) - 1], 1),
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


def main():
    # A session cookie makes the page cache step aside; the session itself doesn't exist.
    reader = Client(HTTP_HOST="127.0.0.1")
    reader.cookies["sessionid"] = "bench-bypass"
    admin = Client(HTTP_HOST="127.0.0.1")
    user, _ = get_user_model().objects.get_or_create(
        username="bench-admin", defaults={"is_staff": True, "is_superuser": True}
    )
    admin.force_login(user)
    series = Series.objects.order_by("pk").first()
    treatment = Treatment.objects.order_by("pk").first()
    pages = {
        "home": "/",
        "home page 2": "/?page=2",
        "series": series.get_absolute_url(),
        "series page 3": series.get_absolute_url() + "?page=3",
        "treatments": "/treatments/",
        "treatment": treatment.get_absolute_url(),
        "sitemap index": "/sitemap.xml",
        "sitemap articles": "/sitemap-articles.xml",
        "feed": "/feed/atom/",
    }
    report = {name: measure(reader, url) for name, url in pages.items()}
    for label, queries in (("search", SEARCHES), ("search, words on every page", WORST_CASE)):
        times = []
        for query in queries:
            times += measure(reader, f"/search/?q={query}", repeat=5)["times"]
        times.sort()
        report[f"{label} ({len(queries)} queries)"] = {
            "p50_ms": round(statistics.median(times), 1),
            "p95_ms": round(times[int(len(times) * 0.95) - 1], 1),
            "queries": [],
        }
    for name in ("article", "treatment"):
        report[f"admin {name}s"] = measure(admin, f"/admin/articles/{name}/", repeat=10)
        report[f"admin {name}s search"] = measure(
            admin, f"/admin/articles/{name}/?q=example", repeat=10
        )
    # Issue 16: paginated and filtered in the database, it must stay under 300 ms at 10,000.
    queue = "/admin/articles/article/review-queue/"
    report["admin review queue"] = measure(admin, queue, repeat=10)
    report["admin review queue page 100"] = measure(admin, queue + "?page=100", repeat=10)
    report["admin review queue overdue"] = measure(admin, queue + "?state=overdue", repeat=10)
    report["publish a term used on every page"] = term_publishing()
    for row in report.values():
        row.pop("times", None)
    print(json.dumps(report))


main()
