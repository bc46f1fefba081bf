"""Benchmark the site against the Python-server limit, in one run, on loopback.

    make bench                      # SQLite, seed content
    DATABASE_URL=postgres://... make bench
    make bench ARGS="--scale"       # also 10,000 generated articles: search, lists, admin
    make bench ARGS="--cluster"     # instead: through nginx to one and two instances (cluster.py)

The site runs under gunicorn with production settings; a trivial WSGI app (bench/trivial.py)
that returns the article page's exact bytes runs under the same gunicorn options. wrk drives
each in interleaved rounds (site, trivial, site, trivial, ...) so machine noise hits both, and
the report gives each page's requests/s and latency, its ratio to the trivial app measured in
the same run, server CPU per request, SQL queries per request (page-cache miss and hit) and
response sizes. Every process it starts is stopped by PID; everything is bounded in time.
"""

import argparse
import contextlib
import gzip
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import urllib.request
from pathlib import Path

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run as a script from bench/

from deploy.nginx_config import (  # noqa: E402
    nginx_config,
    self_signed_certificate,
    upload_limits,
    upstream_servers,
)
from tests.support import servers  # noqa: E402
from tests.support.servers import PYTHON, ROOT, site_env, start, stop  # noqa: E402

GUNICORN = [PYTHON, "-m", "gunicorn", "--workers", "2", "--worker-class", "sync"]
SITE_PORT, TRIVIAL_PORT, NGINX_PORT, NGINX_STATIC_PORT = 8701, 8702, 8703, 8704
NGINX_REDIRECT_PORT = 8705
PAGES = {
    "home": "/",
    "article": "/articles/what-is-treatment-resistant-depression/",
    "treatments": "/treatments/",
    "treatment": "/treatments/ketamine/",
    "search": "/search/?q=treatment",
    "feed": "/feed/atom/",
}
# The page cache's bypass for benchmarks (settings.PAGE_CACHE_BYPASS_HEADER), set in the
# benchmark's settings alone: a request sending it is a full page build, as on a miss.
BYPASS_HEADER = "X-Bench-Bypass"
# Rows asked with a header: a made-up session cookie (well-formed, so the site looks it up) gets
# an anonymous reader's page all the same, and must not cost a full page (anyone can send one);
# the bypass gives the cost of a full page build for comparison.
HEADER_PAGES = {
    "article, made-up session": ("article", "Cookie: sessionid=example0made0up0session0key00000"),
    "article, page cache bypassed": ("article", f"{BYPASS_HEADER}: 1"),
}
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def production_env(workdir, database_url):
    env = site_env(
        workdir,
        SECRET_KEY="bench-only-not-secret-" + "x" * 40,
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SITE_DOMAIN=f"127.0.0.1:{SITE_PORT}",
        DATABASE_URL=database_url or f"sqlite:///{workdir / 'bench.sqlite3'}",
        PAGE_CACHE_BYPASS_HEADER=BYPASS_HEADER,
    )
    if os.environ.get("REDIS_URL"):
        env["REDIS_URL"] = os.environ["REDIS_URL"]
    return env


def fresh_database(database_url, name="trdsite_bench"):
    """On PostgreSQL, a database of its own beside DATABASE_URL's, made afresh; SQLite's lives
    in the work folder (None)."""
    if not database_url:
        return None
    server = database_url.rsplit("/", 1)[0]
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin.execute(f"CREATE DATABASE {name}")
    return f"{server}/{name}"


def manage(env, *args, timeout=900):
    servers.manage(env, *args, timeout=timeout, quiet=False)


def cpu_seconds(process):
    """CPU time of a gunicorn master and its workers so far."""
    pids = [process.pid]
    children = Path(f"/proc/{process.pid}/task/{process.pid}/children")
    if children.exists():
        pids += [int(pid) for pid in children.read_text().split()]
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime
        except (FileNotFoundError, IndexError):
            pass
    return total / CLOCK_TICKS


def wrk(url, seconds, connections, headers=()):
    extra = [option for header in headers for option in ("-H", header)]
    output = subprocess.run(
        ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency", *extra, url],
        capture_output=True,
        text=True,
        check=True,
        timeout=seconds + 30,
    ).stdout
    requests = int(re.search(r"(\d+) requests in", output)[1])
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output)[1])
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return {
        "requests": requests,
        "rps": rps,
        "p50_ms": latency(output, "50%"),
        "p99_ms": latency(output, "99%"),
        "non_2xx": int(errors[1]) if errors else 0,
    }


def latency(output, percentile):
    value, unit = re.search(rf"{percentile}\s+([\d.]+)(us|ms|s)", output).groups()
    return float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]


def queries_per_request(env):
    """SQL queries of each page on a page-cache miss and on a hit, counted in a Django process
    with the same settings."""
    script = (
        "import django, json; django.setup()\n"
        "from django.test import Client\n"
        "from django.db import connection\n"
        "from django.test.utils import CaptureQueriesContext\n"
        "from operations.page_cache import new_generation\n"
        f"pages = {PAGES!r}\n"
        "client = Client(HTTP_HOST='127.0.0.1')\n"
        "result = {}\n"
        "for name, url in pages.items():\n"
        "    client.get(url, secure=True)\n"
        "    new_generation()\n"
        "    with CaptureQueriesContext(connection) as cold: client.get(url, secure=True)\n"
        "    with CaptureQueriesContext(connection) as warm: client.get(url, secure=True)\n"
        "    result[name] = [len(cold), len(warm)]\n"
        # Counted as they run (execute_wrapper): CaptureQueriesContext counted 0 for this miss.
        "def queries(url, header):\n"
        "    sent = []\n"
        "    def count(execute, sql, *args): sent.append(sql); return execute(sql, *args)\n"
        "    name, value = header.split(': ', 1)\n"
        "    with connection.execute_wrapper(count):\n"
        "        client.get(url, secure=True, headers={name: value})\n"
        # A made-up session's page deletes its cookie: the client must not send that on.
        "    client.cookies.clear()\n"
        "    return len(sent)\n"
        f"for name, (page, header) in {HEADER_PAGES!r}.items():\n"
        "    new_generation()\n"
        "    cold = queries(pages[page], header)\n"
        "    client.get(pages[page], secure=True)  # a reader fills the cache\n"
        "    result[name] = [cold, queries(pages[page], header)]\n"
        "print(json.dumps(result))\n"
    )
    output = subprocess.run(
        [PYTHON, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    ).stdout
    counts = json.loads(output.strip().splitlines()[-1])
    # A bypassed page stored for other readers is still built: from the database.
    assert counts["article, page cache bypassed"][1] > 0, "the bypass was answered from the cache"
    return counts


def start_nginx(workdir, env):
    """deploy/nginx.conf in front of the site, filled in as deploy/services.py fills it but for
    plain HTTP and one instance, plus the same article bytes as a static file."""
    temp = workdir / "nginx"
    temp.mkdir()
    # nginx's workers drop root for an unprivileged user that must reach the files.
    workdir.chmod(0o755)
    # Plain HTTP on NGINX_PORT: the certificate is only there because the file names one.
    certificate, key = self_signed_certificate(temp / "tls")
    config = nginx_config(
        listen=f"127.0.0.1:{NGINX_PORT}",
        certificate=certificate,
        certificate_key=key,
        redirect_listen=f"127.0.0.1:{NGINX_REDIRECT_PORT}",
        https_port="",
        server_name=env["SITE_DOMAIN"].rsplit(":", 1)[0],
        servers=upstream_servers([SITE_PORT]),
        static_root=env["STATIC_ROOT"],
        media_source=f"alias {env['MEDIA_ROOT']}/",
        pid=temp / "nginx.pid",
        error_log=temp / "error.log",
        temp=temp,
        **upload_limits(env),
    )
    left = re.findall(r"^[^#\n]*(\{[a-z_]+\})", config, re.MULTILINE)
    assert not left, f"deploy/nginx.conf placeholders not filled in: {left}"
    reference = (
        f"    server {{ listen 127.0.0.1:{NGINX_STATIC_PORT}; root {workdir}; "
        "location / { try_files /article.html =404; default_type text/html; } }\n}\n"
    )
    config = config.rstrip().removesuffix("}") + reference
    (temp / "nginx.conf").write_text(config)
    subprocess.run(["nginx", "-c", str(temp / "nginx.conf")], check=True, timeout=30)
    return temp / "nginx.pid"


def stop_nginx(pid_file):
    with contextlib.suppress(FileNotFoundError, ProcessLookupError, ValueError):
        os.kill(int(pid_file.read_text()), signal.SIGQUIT)


def bench_nginx(workdir, env, rounds, seconds, connections):
    """The article through nginx, which keeps no page: proxied to the site, which answers from
    its page cache (the warm path), against nginx serving the same bytes as a file."""
    pid_file = start_nginx(workdir, env)
    try:
        article = PAGES["article"]
        proxied_url = f"http://127.0.0.1:{NGINX_PORT}{article}"
        static_url = f"http://127.0.0.1:{NGINX_STATIC_PORT}/"
        with urllib.request.urlopen(proxied_url) as answer:  # noqa: S310
            assert answer.read() == (workdir / "article.html").read_bytes()
        proxied, static = [], []
        for _ in range(rounds):
            proxied.append(wrk(proxied_url, seconds, connections))
            static.append(wrk(static_url, seconds, connections))
    finally:
        stop_nginx(pid_file)
    proxied_rps = median([run["rps"] for run in proxied])
    static_rps = median([run["rps"] for run in static])
    return {
        "nginx_proxied_article_rps": round(proxied_rps),
        "nginx_static_file_rps": round(static_rps),
        "ratio": round(proxied_rps / static_rps, 2),
        "proxied_p99_ms": round(median([run["p99_ms"] for run in proxied]), 2),
        "static_p99_ms": round(median([run["p99_ms"] for run in static]), 2),
        "non_2xx": sum(run["non_2xx"] for run in proxied + static),
    }


def bench_pages(env, workdir, rounds, seconds, connections, nginx=False):
    site = start([*GUNICORN, "trdsite.wsgi"], env, SITE_PORT)
    try:
        bodies = {
            name: urllib.request.urlopen(f"http://127.0.0.1:{SITE_PORT}{url}").read()  # noqa: S310
            for name, url in PAGES.items()
        }
        body_file = workdir / "article.html"
        body_file.write_bytes(bodies["article"])
        trivial = start(
            [*GUNICORN, "--chdir", str(ROOT / "bench"), "trivial:application"],
            {**env, "BENCH_BODY": str(body_file)},
            TRIVIAL_PORT,
        )
        try:
            rows = {name: (url, ()) for name, url in PAGES.items()}
            for name, (page, header) in HEADER_PAGES.items():
                rows[name] = (PAGES[page], (header,))
            results = {name: [] for name in rows}
            results["trivial"] = []
            for _ in range(rounds):
                for name, (url, headers) in rows.items():
                    for target, server, port, path, sent in (
                        (name, site, SITE_PORT, url, headers),
                        ("trivial", trivial, TRIVIAL_PORT, "/", ()),
                    ):
                        before = cpu_seconds(server)
                        run = wrk(f"http://127.0.0.1:{port}{path}", seconds, connections, sent)
                        run["cpu_ms"] = (
                            1000 * (cpu_seconds(server) - before) / max(run["requests"], 1)
                        )
                        results[target].append(run)
            if nginx:
                results["nginx"] = bench_nginx(workdir, env, rounds, seconds, connections)
        finally:
            stop(trivial)
    finally:
        stop(site)
    return results, bodies


def scale_report(env):
    output = subprocess.run(
        [PYTHON, str(ROOT / "bench" / "scale.py")],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=1800,
    ).stdout
    report = json.loads(output.strip().splitlines()[-1])
    print("\nAt 10,000 articles, 200 treatments (page cache bypassed):")
    print("| request | p50 ms | p95 ms | CPU ms | SQL queries |\n|---|---|---|---|---|")
    timed = {name: row for name, row in report.items() if "p95_ms" in row}
    for name, row in timed.items():
        queries = ", ".join(str(count) for count in row["queries"]) or "-"
        print(f"| {name} | {row['p50_ms']} | {row['p95_ms']} | {row['cpu_ms']} | {queries} |")
    # Other measurements (publishing a glossary term) have figures of their own.
    for name, row in report.items():
        if name not in timed:
            figures = ", ".join(f"{key} {value}" for key, value in row.items() if key != "queries")
            print(f"\n{name}: {figures}")
    return report


def median(values):
    values = sorted(values)
    middle = len(values) // 2
    return values[middle] if len(values) % 2 else (values[middle - 1] + values[middle]) / 2


def summarize(results, bodies, queries):
    trivial = {key: median([run[key] for run in results["trivial"]]) for key in ("rps", "cpu_ms")}
    rows = []
    for name in [*PAGES, *HEADER_PAGES]:
        body = bodies[HEADER_PAGES[name][0] if name in HEADER_PAGES else name]
        runs = results[name]
        rps = median([run["rps"] for run in runs])
        cpu = median([run["cpu_ms"] for run in runs])
        rows.append(
            {
                "page": name,
                "rps": round(rps),
                "ratio": round(rps / trivial["rps"], 2),
                "p50_ms": round(median([run["p50_ms"] for run in runs]), 2),
                "p99_ms": round(median([run["p99_ms"] for run in runs]), 2),
                "cpu_ms": round(cpu, 3),
                "cpu_ratio": round(cpu / trivial["cpu_ms"], 2) if trivial["cpu_ms"] else None,
                "sql_cold": queries[name][0],
                "sql_warm": queries[name][1],
                "bytes": len(body),
                "gzip_bytes": len(gzip.compress(body, 6)),
                "non_2xx": sum(run["non_2xx"] for run in runs),
            }
        )
    return {
        "trivial_rps": round(trivial["rps"]),
        "trivial_cpu_ms": trivial["cpu_ms"],
        "pages": rows,
    }


def print_table(summary):
    print(
        f"\nTrivial WSGI app (same gunicorn): {summary['trivial_rps']} req/s, "
        f"{summary['trivial_cpu_ms']:.3f} ms CPU/request"
    )
    header = (
        "page",
        "req/s",
        "× trivial",
        "p50 ms",
        "p99 ms",
        "CPU ms/req",
        "CPU × trivial",
        "SQL cold",
        "SQL warm",
        "bytes",
        "gzip",
        "non-2xx",
    )
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for row in summary["pages"]:
        values = [
            row[key]
            for key in (
                "page",
                "rps",
                "ratio",
                "p50_ms",
                "p99_ms",
                "cpu_ms",
                "cpu_ratio",
                "sql_cold",
                "sql_warm",
                "bytes",
                "gzip_bytes",
                "non_2xx",
            )
        ]
        print("| " + " | ".join(str(value) for value in values) + " |")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=5, help="per wrk run")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--json", help="also write the summary here")
    parser.add_argument(
        "--nginx",
        action="store_true",
        help="also measure the article through deploy/nginx.conf (proxied to the site: nginx "
        "keeps no page) against nginx serving the same bytes as a static file",
    )
    parser.add_argument(
        "--scale",
        action="store_true",
        help="then add 10,000 generated articles and measure lists, search, sitemap, feed and "
        "the admin at that size",
    )
    parser.add_argument(
        "--cluster",
        action="store_true",
        help="instead: req/s and p99 through nginx (HTTPS) to one and to two instances of a "
        "cluster as `make cluster` runs it, caches on and bypassed (bench/cluster.py)",
    )
    parser.add_argument(
        "--workers", type=int, default=2, help="gunicorn workers per instance (--cluster)"
    )
    args = parser.parse_args()
    if args.cluster:
        import cluster  # bench/cluster.py, beside this file

        cluster.main(args)
        return

    with tempfile.TemporaryDirectory(prefix="trdsite-bench-") as tmp:
        workdir = Path(tmp)
        database_url = fresh_database(os.environ.get("DATABASE_URL", ""))
        env = production_env(workdir, database_url)
        manage(env, "migrate", "--noinput", "-v0")
        manage(env, "collectstatic", "--noinput", "-v0")
        manage(env, "seed", "-v0")
        queries = queries_per_request(env)
        results, bodies = bench_pages(
            env, workdir, args.rounds, args.seconds, args.connections, nginx=args.nginx
        )
        nginx = results.pop("nginx", None)
        summary = summarize(results, bodies, queries)
        summary["database"] = "postgresql" if database_url else "sqlite"
        summary["cache"] = "redis" if env.get("REDIS_URL") else "files"
        print_table(summary)
        if nginx:
            summary["nginx"] = nginx
            print(
                f"\nnginx (deploy/nginx.conf): the article proxied to the site (its page cache) "
                f"{nginx['nginx_proxied_article_rps']} req/s (p99 {nginx['proxied_p99_ms']} ms), "
                f"the same bytes as a static file {nginx['nginx_static_file_rps']} req/s "
                f"(p99 {nginx['static_p99_ms']} ms): {nginx['ratio']}x; "
                f"non-2xx {nginx['non_2xx']}"
            )
        if args.scale:
            manage(env, "generate_content", "--force", "-v0", timeout=1800)
            summary["scale"] = scale_report(env)
        if args.json:
            Path(args.json).write_text(json.dumps(summary, indent=2))


if __name__ == "__main__":
    main()
