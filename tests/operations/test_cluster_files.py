"""What `make cluster` leaves in its folder (.cluster/): no secret once it has stopped (the
instances' settings with SECRET_KEY, the TLS key, Redis's password, the accounts' passwords),
and no page or upload nginx held from an earlier run, whether it stopped in order or was
killed; and what stays (the logs: readers' searches, review links' tokens) is the owner's
only."""

import shutil
import stat

import pytest

from deploy import cluster as command
from deploy import run_folder, services
from deploy.processes import Processes
from deploy.services import Cluster, Ports

SECRETS = ("env", "redis.conf", "tls/key.pem", "tls/certificate.pem", "accounts")
NGINX_KEPT = ("nginx/cache/0/ab/kept-page", "nginx/proxy/00/buffered-page")


def plant(run_dir, *paths):
    for path in paths:
        (run_dir / path).parent.mkdir(parents=True, exist_ok=True)
        (run_dir / path).write_text("left from before")


def left(run_dir, paths):
    return [path for path in paths if (run_dir / path).exists()]


def test_stopping_removes_the_secrets_and_what_nginx_kept(tmp_path):
    plant(tmp_path, *SECRETS, *NGINX_KEPT, "nginx/error.log", "logs/instance-1.log")
    Cluster(tmp_path, Ports.free()).stop(drop_database=False)
    assert left(tmp_path, SECRETS + NGINX_KEPT) == []
    # The logs stay, to see what happened.
    assert left(tmp_path, ["nginx/error.log", "logs/instance-1.log"]) != []


def test_make_cluster_stop_removes_them_after_a_killed_cluster(tmp_path, capsys):
    plant(tmp_path, *SECRETS, *NGINX_KEPT)
    command.stop_recorded(tmp_path)  # nothing running: the cluster was killed
    assert left(tmp_path, SECRETS + NGINX_KEPT) == []


@pytest.mark.skipif(
    not all(shutil.which(tool) for tool in ("nginx", "redis-server", "openssl")),
    reason="needs nginx, redis-server and openssl",
)
def test_a_start_begins_without_anything_an_earlier_run_left(tmp_path, monkeypatch):
    plant(tmp_path, *SECRETS, *NGINX_KEPT)
    seen = {}

    def first_step(folder):  # the certificate is made first: stop there
        seen["left"] = left(tmp_path, SECRETS + NGINX_KEPT)
        raise RuntimeError("stopped the start")

    monkeypatch.setattr(services, "self_signed_certificate", first_step)
    # A start that fails stops what it started and drops its database: not this test's to do.
    monkeypatch.setattr(Cluster, "drop_database", lambda cluster, name: None)
    with pytest.raises(RuntimeError, match="stopped the start"):
        Cluster(tmp_path, Ports.free()).start()
    assert seen["left"] == []


def others_may(path):
    """What others than the owner may do with `path`: read, write, pass (x)."""
    return stat.S_IMODE(path.stat().st_mode) & 0o077


def test_the_folder_is_not_listed_and_its_logs_are_the_owners_only(tmp_path):
    run_dir = tmp_path / ".cluster"
    plant(run_dir, "logs/instance-1.access.log")  # an earlier run's, world-readable
    (run_dir / "logs" / "instance-1.access.log").chmod(0o644)
    run_folder.prepare(run_dir)
    # Others pass through it to the static files (nginx's workers), never list it.
    assert others_may(run_dir) == 0o011
    for path in (run_dir / "logs", run_dir / "pids", run_dir / "logs" / "instance-1.access.log"):
        assert others_may(path) == 0, path


def test_the_clusters_processes_make_files_for_their_owner_only(tmp_path):
    # gunicorn's access log, nginx's error log and buffers: made by the processes themselves.
    processes = Processes(tmp_path / "pids")
    log = tmp_path / "made.log"
    process = processes.spawn("maker", ["sh", "-c", f"touch {tmp_path / 'made'}"], log=log)
    process.wait(timeout=30)
    processes.stop("maker")
    assert others_may(tmp_path / "made") == 0
    assert others_may(log) == 0
