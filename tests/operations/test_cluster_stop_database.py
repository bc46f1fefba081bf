"""`make cluster-stop` after the `make cluster` process was killed (kill -9, a closed terminal)
stops what it left by the pid files, and drops the cluster's database as an orderly stop does
(README, "Cluster": a cluster drops its database at start and stop). Found through `make
cluster`: after `kill -9` of deploy/cluster.py, `make cluster-stop` said "Stopped: instance-1,
instance-2, nginx, redis, store." and left trdsite_cluster_<hash> on the server, with the
content, accounts and password hashes of the run. PostgreSQL only."""

import os

import psycopg
import pytest

from deploy import cluster as command
from deploy.processes import Processes
from deploy.services import Cluster, Ports

DATABASE_URL = os.environ.get("DATABASE_URL", "")

pytestmark = pytest.mark.skipif(
    not DATABASE_URL.startswith("postgres"), reason="the cluster runs on PostgreSQL"
)


def exists(cluster):
    with psycopg.connect(f"{cluster.database_server}/postgres") as server:
        found = server.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [cluster.database]
        ).fetchone()
    return found is not None


def test_make_cluster_stop_after_a_killed_cluster_drops_its_database(tmp_path):
    # The server make cluster-stop uses, as make cluster did: DATABASE_URL's.
    cluster = Cluster(tmp_path, Ports.free(), database_server=DATABASE_URL.rsplit("/", 1)[0])
    cluster.create_database()
    # What the killed cluster left running, recorded in its pid files (a stand-in for Redis).
    Processes(tmp_path / "pids").spawn("redis", ["sleep", "60"])
    try:
        command.stop_recorded(tmp_path)
        left = exists(cluster)
    finally:
        cluster.drop_database(cluster.database)
    assert not left
