"""The site as it runs on many machines, on this one: `make cluster`.

    make cluster                              # starts everything, prints the URLs; Ctrl-C stops
    make cluster ARGS="--https-port 9443"     # every port can be changed: --help
    make cluster ARGS="--empty"               # no content, no account: to restore a backup into
    make cluster-stop                         # from another terminal

It starts, each process the leader of a session of its own, recorded in .cluster/pids/:
- a database of its own (trdsite_cluster_ and a hash of this checkout's .cluster/ folder) on
  the running PostgreSQL server (the server of DATABASE_URL, else
  postgres://postgres@127.0.0.1:5432), made afresh, migrated and seeded;
- its own redis-server on its own port (never 6379, the machine's shared one), on loopback,
  with a random password made at start;
- moto's standalone S3 server and a bucket made through boto3: the S3 HTTP API on this closed
  network, where production has a real S3 or MinIO (the site only sees AWS_* settings);
- two gunicorn instances with production settings (DEBUG off, Secure cookies, HTTPS redirect);
- nginx with deploy/nginx.conf, balancing across them, serving HTTPS with a self-signed
  certificate made at start-up and redirecting plain HTTP to it. Uploads are stored in the
  bucket and reach readers through nginx at /media/ (AWS_S3_CUSTOM_DOMAIN), so pages, images
  and their Content-Security-Policy stay on one HTTPS origin.

The database and the bucket start afresh each time: moto keeps objects in memory only. The
instances' settings are written to .cluster/env (owner only), so manage.py and `make backup`
can be run against the cluster: `set -a; . .cluster/env; set +a`; the editor's and the
publisher's passwords are in .cluster/accounts (owner only), never printed, as the output of a
run in the background ends up in logs. Stopping removes them with the other secrets
(deploy/run_folder.py, FORGOTTEN); the logs stay in .cluster/logs/ (owner only).
"""

import argparse
import os
import signal
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run as a script from deploy/

from deploy import run_folder  # noqa: E402
from deploy.processes import ClusterError, Processes, start_time  # noqa: E402
from deploy.services import RUN_DIR, Cluster, Ports  # noqa: E402


def stop_recorded(run_dir):
    """`make cluster-stop`: ask the `make cluster` process to stop everything, then stop
    whatever it left (if it was killed) by the pid files, remove its secrets and drop its
    database (content, accounts, password hashes), as its own stop would have."""
    processes = Processes(Path(run_dir) / "pids")
    running = processes.recorded()
    if running:
        # Not a session of its own: `make` started it in the terminal's.
        processes.stop("cluster", seconds=60, group=False)
        for name in processes.recorded():
            processes.stop(name)
    run_folder.forget(run_dir)
    try:
        dropped = drop_left_database(run_dir)
    except ClusterError as error:  # the processes are stopped all the same
        print(f"The cluster's database was not dropped: {error}", file=sys.stderr)
        dropped = None
    if running:
        print(f"Stopped: {', '.join(sorted(running))}.")
    else:
        print("No cluster is running.")
    if dropped:
        print(f"Dropped the database it left: {dropped}.")


def drop_left_database(run_dir):
    """The database a killed cluster left (its name recorded at start; else the folder's
    default, on DATABASE_URL's server), dropped; its name, or None if there was none to drop."""
    server, name = run_folder.recorded_database(run_dir) or (None, None)
    cluster = Cluster(run_dir=run_dir, database=name, database_server=server)
    found = cluster.exists()
    cluster.drop_database(cluster.database)
    return cluster.database if found else None


def interrupted(signum, frame):
    raise KeyboardInterrupt


def run(args):
    ports = Ports(
        https=args.https_port,
        http=args.http_port,
        instances=tuple(args.instance_ports),
        redis=args.redis_port,
        store=args.store_port,
    )
    cluster = Cluster(
        run_dir=args.run_dir,
        ports=ports,
        instances=args.instances,
        workers=args.workers,
        database=args.database,
        bucket=args.bucket,
    )
    # Ctrl-C and `make cluster-stop` (SIGTERM) both end in the same orderly stop; SIGINT is
    # set even if this was started ignoring it (from a script, in the background).
    signal.signal(signal.SIGTERM, interrupted)
    signal.signal(signal.SIGINT, interrupted)
    print("Starting the cluster (PostgreSQL database, Redis, S3, instances, nginx)...")
    try:
        # Refuses before starting anything (a cluster running already, a port in use); once
        # it has started something, stops that itself if it fails or is interrupted.
        cluster.start(empty=args.empty)
    except KeyboardInterrupt:
        print("\nStopped.")
        return
    try:
        (cluster.processes.folder / "cluster.pid").write_text(
            f"{os.getpid()} {start_time(os.getpid())}\n"
        )
        print(cluster.urls())
        if args.empty:
            print(
                "No content and no account: restore a backup into it with\n"
                f"  set -a; . {cluster.run_dir / 'env'}; set +a; make restore FILE=...tar.gz"
            )
        else:
            accounts = cluster.run_dir / "accounts"
            run_folder.write_private(
                accounts,
                f"publisher {cluster.add_account('publisher', 'Publishers')}\n"
                f"editor {cluster.add_account('editor', 'Editors')}\n",
            )
            print(f"Accounts (user name and password): {accounts}")
        print("Ctrl-C (or make cluster-stop) stops everything.")
        while True:
            time.sleep(1)
            if "nginx" not in cluster.processes.recorded():
                print("nginx has stopped: stopping the cluster.", file=sys.stderr)
                break
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not cut the stop
        print("\nStopping the cluster...")
        cluster.stop()
        (cluster.processes.folder / "cluster.pid").unlink(missing_ok=True)
        print("Stopped.")


def main():
    defaults = Ports()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command")
    start = commands.add_parser("start", help="start the cluster (the default)")
    commands.add_parser("stop", help="stop a cluster started from this folder")
    for target in (parser, start):
        target.add_argument("--run-dir", type=Path, default=RUN_DIR)
    start.add_argument("--https-port", type=int, default=defaults.https)
    start.add_argument("--http-port", type=int, default=defaults.http)
    start.add_argument("--instance-ports", type=int, nargs=2, default=list(defaults.instances))
    start.add_argument("--redis-port", type=int, default=defaults.redis)
    start.add_argument("--store-port", type=int, default=defaults.store, help="moto's S3")
    start.add_argument("--instances", type=int, choices=(1, 2), default=2)
    start.add_argument("--workers", type=int, default=2, help="gunicorn workers per instance")
    start.add_argument(
        "--database", help="default: trdsite_cluster_ and a hash of --run-dir's path (its own)"
    )
    start.add_argument("--bucket", default="trdsite-cluster")
    start.add_argument(
        "--empty",
        action="store_true",
        help="a migrated database with no content and no account, and an empty bucket: "
        "for make restore",
    )
    args = parser.parse_args()
    try:
        if args.command == "stop":
            stop_recorded(args.run_dir)
        else:
            if args.command is None:
                args = start.parse_args(sys.argv[1:])
            run(args)
    except ClusterError as error:
        sys.exit(f"make cluster: {error}")


if __name__ == "__main__":
    main()
