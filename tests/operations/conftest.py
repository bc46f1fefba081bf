"""Fixtures of the operations tests: the cluster the cluster tests share (test_cluster*.py
files marked xdist_group("cluster"): one worker runs them all, so one cluster starts for the
whole run), and the templates a request rendered."""

import os
import shutil
import tempfile
from pathlib import Path

import pytest
from django.test.signals import template_rendered

from deploy.services import Cluster, Ports
from tests.support.cluster import BYPASS_HEADER, processes

DATABASE_URL = os.environ.get("DATABASE_URL", "")


@pytest.fixture(scope="session")
def cluster():
    # Not pytest's tmp_path: nginx's workers, an unprivileged user, must read the static files,
    # and pytest's folders are its owner's only.
    run_dir = Path(tempfile.mkdtemp(prefix="trdsite-cluster-"))
    # The database's name comes from run_dir: another checkout's run of this file, at the same
    # time, never drops this one's.
    running = Cluster(run_dir, Ports.free(), database_server=DATABASE_URL.rsplit("/", 1)[0])
    running.env["PAGE_CACHE_BYPASS_HEADER"] = BYPASS_HEADER  # for the tests alone
    try:
        running.start()  # which stops what it started if it fails
    except BaseException:
        shutil.rmtree(run_dir, ignore_errors=True)
        raise
    try:
        yield running
    finally:
        started = processes(running)
        running.stop()
        left = sorted(str(path.relative_to(run_dir)) for path in run_dir.rglob("*"))
        shutil.rmtree(run_dir, ignore_errors=True)
    # Stopping leaves nothing running: no master, worker or child of any of them.
    assert started
    assert [pid for pid in started if Path(f"/proc/{pid}").exists()] == []
    # ...and no secret (settings, TLS key, Redis password) nor any page nginx kept.
    assert not {"env", "redis.conf", "tls", "tls/key.pem", "nginx/cache"} & set(left), left


@pytest.fixture
def renders():
    """The templates rendered, as the test environment reports them: none for a page answered
    from the cache."""
    rendered = []

    def count(sender, template, **kwargs):
        rendered.append(template.name)

    template_rendered.connect(count)
    yield rendered
    template_rendered.disconnect(count)
