"""Requests/s and p99 through nginx to one and to two instances: `make bench ARGS="--cluster"`.

A cluster as `make cluster` starts it (deploy/cluster.py: PostgreSQL, its own Redis, moto's S3,
gunicorn instances of 2 workers each, nginx over HTTPS), on ports free at the start. wrk asks
nginx for the article page over HTTPS (keep-alive connections) two ways; nginx keeps no page
(deploy/nginx.conf), so every request reaches an instance, which answers

- site cache: from the site's page cache in Redis, as readers mostly get the page;
- bypassed: with the benchmarks' bypass header (settings.PAGE_CACHE_BYPASS_HEADER, set for
  this cluster's instances alone), which makes the site's cache step aside: every request is
  rendered from PostgreSQL. (A session cookie no longer does: one without a signed-in user is
  answered from the cache.)

each with nginx balancing over one instance and over two, in interleaved rounds so the
machine's noise hits both; medians are reported. Beside them: how busy the machine's CPUs were
(/proc/stat, everything on the machine) and the CPU per request of the instances, PostgreSQL's
backends serving them, Redis, nginx and wrk itself: what limits the scaling on this machine.
"""

import contextlib
import json
import os
import resource
import tempfile
import types
from pathlib import Path

import run as bench  # bench/run.py, beside this file

from deploy.services import Cluster, Ports, own_database

ARTICLE = bench.PAGES["article"]
BYPASS = f"{bench.BYPASS_HEADER}: 1"
MODES = {
    # name: wrk's extra header
    "site cache": None,
    "bypassed": BYPASS,
}


def machine_ticks():
    """(busy, total) CPU ticks of the whole machine since boot."""
    fields = [int(value) for value in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]  # idle, iowait
    return sum(fields) - idle, sum(fields)


def group_cpu(pid):
    """CPU seconds of a process and its children (a gunicorn or nginx master's workers)."""
    return bench.cpu_seconds(types.SimpleNamespace(pid=pid))


def children_cpu():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def database_backends(database):
    """PostgreSQL's processes serving `database` (the instances' kept connections)."""
    pids = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        with contextlib.suppress(OSError):
            if cmdline.read_bytes().startswith(b"postgres: ") and (
                f" {database} ".encode() in cmdline.read_bytes()
            ):
                pids.append(int(cmdline.parent.name))
    return pids


def cpu_by_part(cluster):
    """CPU seconds so far of each part: the instances, nginx, Redis, the database's backends
    and wrk (this process's finished children)."""
    pids = cluster.processes.recorded()
    return {
        "instances": sum(group_cpu(pid) for name, pid in pids.items() if name[:9] == "instance-"),
        "nginx": group_cpu(pids["nginx"]),
        "redis": group_cpu(pids["redis"]),
        "postgres": sum(group_cpu(pid) for pid in database_backends(cluster.database)),
        "wrk": children_cpu(),
    }


PARTS = ("instances", "postgres", "redis", "nginx", "wrk")
CORES = os.cpu_count()


def measure(cluster, header, seconds, connections):
    """One wrk run through nginx, with what each part of the cluster spent on it."""
    before = cpu_by_part(cluster)
    busy_before, total_before = machine_ticks()
    run = bench.wrk(cluster.origin + ARTICLE, seconds, connections, [header] if header else [])
    busy_after, total_after = machine_ticks()
    after = cpu_by_part(cluster)
    requests = max(run["requests"], 1)
    run["busy_percent"] = 100 * (busy_after - busy_before) / max(total_after - total_before, 1)
    for part in PARTS:
        # A backend that closed meanwhile takes its CPU with it: never below zero.
        run[f"{part}_cpu_ms"] = max(0, 1000 * (after[part] - before[part]) / requests)
    return run


def bench_cluster(rounds, seconds, connections, workers):
    with tempfile.TemporaryDirectory(prefix="trdsite-bench-cluster-") as run_dir:
        cluster = Cluster(
            run_dir,
            Ports.free(),
            workers=workers,
            database=own_database(run_dir, "trdsite_bench_cluster"),
            bucket="trdsite-bench-cluster",
        )
        # The bench's cluster alone takes the bypass header; `make cluster` never does.
        cluster.env["PAGE_CACHE_BYPASS_HEADER"] = bench.BYPASS_HEADER
        cluster.start()
        try:
            # Warm up: caches filled, every worker's first requests (imports, connections) done.
            for header in MODES.values():
                measure(cluster, header, 1, connections)
            results = {(mode, n): [] for mode in MODES for n in (1, 2)}
            for _ in range(rounds):
                for instances in (1, 2):
                    cluster.reload_nginx(instances)
                    for mode, header in MODES.items():
                        results[mode, instances].append(
                            measure(cluster, header, seconds, connections)
                        )
        finally:
            cluster.stop()
    return results


def summarize(results):
    rows = []
    for mode in MODES:
        row = {"mode": mode}
        for instances in (1, 2):
            runs = results[mode, instances]
            for key in ("rps", "p99_ms", "busy_percent", *(f"{p}_cpu_ms" for p in PARTS)):
                row[f"{key}_{instances}"] = round(bench.median([run[key] for run in runs]), 3)
            row[f"failed_{instances}"] = sum(run["non_2xx"] for run in runs)
        row["scaling"] = round(row["rps_2"] / row["rps_1"], 2)
        # What this machine's cores could serve if the cluster had them to itself: every part's
        # CPU per request is spent on the same cores, whichever instance answers.
        spent = sum(row[f"{part}_cpu_ms_2"] for part in PARTS)
        row["cpu_bound_rps"] = round(1000 * CORES / spent) if spent else None
        rows.append(row)
    # A page built from the database costs PostgreSQL some CPU; one from the cache none.
    bypassed = rows[list(MODES).index("bypassed")]
    assert bypassed["postgres_cpu_ms_1"] > 0 and bypassed["postgres_cpu_ms_2"] > 0, (
        "the bypassed runs did not reach PostgreSQL: they were answered from the cache"
    )
    return rows


def print_table(rows, workers):
    print(
        f"\nThrough nginx (HTTPS) to the article, gunicorn instances of {workers} workers; "
        "medians of the rounds:"
    )
    header = (
        "mode",
        "1 instance req/s",
        "p99 ms",
        "2 instances req/s",
        "p99 ms",
        "2 ÷ 1",
        "CPUs busy % (1 / 2)",
        "CPU ms/req, 2 instances: " + ", ".join(PARTS),
        f"{CORES} cores ÷ CPU/req, req/s",
        "failed",
    )
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for row in rows:
        values = (
            row["mode"],
            round(row["rps_1"]),
            round(row["p99_ms_1"], 1),
            round(row["rps_2"]),
            round(row["p99_ms_2"], 1),
            row["scaling"],
            f"{round(row['busy_percent_1'])} / {round(row['busy_percent_2'])}",
            ", ".join(str(round(row[f"{part}_cpu_ms_2"], 3)) for part in PARTS),
            row["cpu_bound_rps"],
            row["failed_1"] + row["failed_2"],
        )
        print("| " + " | ".join(str(value) for value in values) + " |")


def main(args):
    results = bench_cluster(args.rounds, args.seconds, args.connections, args.workers)
    rows = summarize(results)
    print_table(rows, args.workers)
    if args.json:
        Path(args.json).write_text(json.dumps({"cluster": rows}, indent=2))
