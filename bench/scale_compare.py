"""Before and after at scale, in one run: bench/scale.py of two checkouts, each on its own
database, in alternating rounds (before, after, before, after, ...) so the machine's noise hits
both; prints each page's p95 (the median of the rounds' p95) and after/before.

    python bench/scale_compare.py --before-root /path/to/old/checkout \\
        --before-db postgres://.../trdsite_bench_old --after-db postgres://.../trdsite_bench_new

CPU is this process's and its PostgreSQL server process's time per request: the wall time's p95
is what the goals name, but other work on the machine inflates it; CPU time it hardly does.
Both databases hold the same generated content (manage.py generate_content), each migrated by
its own checkout; the other settings come from the environment, as for bench/scale.py. The
before checkout runs its own bench/scale.py: pages it doesn't measure are left out.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run(root, database_url):
    env = {**os.environ, "DATABASE_URL": database_url}
    output = subprocess.run(
        [sys.executable, str(Path(root) / "bench" / "scale.py")],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=1800,
    ).stdout
    report = json.loads(output.strip().splitlines()[-1])
    return {name: row for name, row in report.items() if "p95_ms" in row}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before-root", required=True)
    parser.add_argument("--before-db", required=True)
    parser.add_argument("--after-db", required=True)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--json", help="also write every round's reports here")
    args = parser.parse_args()

    rounds = {"before": [], "after": []}
    for number in range(args.rounds):
        rounds["before"].append(run(args.before_root, args.before_db))
        rounds["after"].append(run(ROOT, args.after_db))
        print(f"round {number + 1} of {args.rounds} done", file=sys.stderr, flush=True)
    if args.json:
        Path(args.json).write_text(json.dumps(rounds, indent=2))

    def median_of(side, name, key):
        values = [report[name][key] for report in rounds[side] if key in report.get(name, {})]
        return round(statistics.median(values), 1) if values else None

    def queries(side, name):
        counts = rounds[side][-1].get(name, {}).get("queries", [])
        return ", ".join(str(count) for count in counts) or "-"

    def ratio(before, after):
        return f"{after / before:.2f}" if before and after is not None else "-"

    print(
        "| request | p95 ms before | p95 ms after | after/before | CPU ms before | "
        "CPU ms after | after/before | SQL before | SQL after |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for name in rounds["after"][0]:
        p95 = [median_of(side, name, "p95_ms") for side in ("before", "after")]
        cpu = [median_of(side, name, "cpu_ms") for side in ("before", "after")]
        print(
            f"| {name} | {p95[0] if p95[0] is not None else '-'} | {p95[1]} | {ratio(*p95)} | "
            f"{cpu[0] if cpu[0] is not None else '-'} | {cpu[1]} | {ratio(*cpu)} | "
            f"{queries('before', name)} | {queries('after', name)} |"
        )


if __name__ == "__main__":
    main()
