"""What `make cluster` leaves in its folder (.cluster/): no secret once it has stopped (the
instances' settings with SECRET_KEY, the TLS key, Redis's password), and no page or upload
nginx held from an earlier run, whether it stopped in order or was killed."""

import shutil

import pytest

from deploy import cluster as command
from deploy import services
from deploy.services import Cluster, Ports

SECRETS = ("env", "redis.conf", "tls/key.pem", "tls/certificate.pem")
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
