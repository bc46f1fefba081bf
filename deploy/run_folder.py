"""The cluster's folder (.cluster/, deploy/cluster.py): what it holds, who may read it, and what
must not outlive a cluster."""

import json
import shutil
from pathlib import Path

# What a cluster's folder holds that must not outlive it: secrets (the instances' settings with
# SECRET_KEY and Redis's password, the TLS key, the accounts' passwords) and what nginx buffered
# to disk (request bodies: passwords, uploads; answers: signed-in pages), all made afresh at
# each start.
FORGOTTEN = ("env", "redis.conf", "tls", "accounts", "nginx/cache", "nginx/body", "nginx/proxy")
FORGOTTEN += ("nginx/fastcgi", "nginx/uwsgi", "nginx/scgi")
# Which database the cluster made, for `make cluster-stop` to drop after a killed cluster.
DATABASE_RECORD = "database"


def forget(run_dir):
    """Remove what FORGOTTEN names from a cluster's folder (its logs stay)."""
    for name in FORGOTTEN:
        path = Path(run_dir) / name
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)


def prepare(run_dir):
    """The folder, passable but not readable by others: nginx's workers (another user) reach
    the static files in it, and nothing else. The logs (readers' searches, review links'
    tokens) and pid files are the owner's only."""
    run_dir = Path(run_dir)
    run_dir.mkdir(parents=True, exist_ok=True)
    run_dir.chmod(0o711)
    for name in ("logs", "pids"):
        (run_dir / name).mkdir(exist_ok=True)
        (run_dir / name).chmod(0o700)
        for path in (run_dir / name).iterdir():  # an earlier run's, made before this rule
            path.chmod(0o600)


def write_private(path, text):
    """A file only its owner reads, from its first byte."""
    path = Path(path)
    path.unlink(missing_ok=True)
    path.touch(mode=0o600)
    path.write_text(text)


def record_database(run_dir, server, name):
    # Owner only: the server's address may carry its password.
    write_private(Path(run_dir) / DATABASE_RECORD, json.dumps({"server": server, "name": name}))


def recorded_database(run_dir):
    """(server, name) of the database a cluster started from `run_dir` made, or None."""
    try:
        record = json.loads((Path(run_dir) / DATABASE_RECORD).read_text())
    except (OSError, ValueError):
        return None
    return record["server"], record["name"]


def forget_database(run_dir):
    (Path(run_dir) / DATABASE_RECORD).unlink(missing_ok=True)
