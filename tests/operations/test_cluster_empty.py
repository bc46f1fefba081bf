"""`make cluster ARGS="--empty"`: a cluster to restore a backup into (README, "Cluster"), since a
restore loads only into an empty database and a bucket with none of its files. It migrates (as
`make restore` does) but neither seeds nor makes accounts; moto's bucket starts empty anyway.
The restore itself into such a database and bucket: tests/operations/test_cluster.py."""

import pytest

from deploy import services
from deploy.services import Cluster, Ports


@pytest.mark.parametrize(("empty", "seeded"), [(False, True), (True, False)])
def test_an_empty_cluster_is_migrated_and_never_seeded(tmp_path, monkeypatch, empty, seeded):
    ran = []
    monkeypatch.setattr(Cluster, "manage", lambda cluster, *command, env=None: ran.append(command))
    for step in ("start_redis", "start_store", "create_bucket", "create_database", "start_nginx"):
        monkeypatch.setattr(Cluster, step, lambda cluster: None)
    monkeypatch.setattr(Cluster, "start_instance", lambda cluster, number: None)
    monkeypatch.setattr(services, "self_signed_certificate", lambda folder: None)
    monkeypatch.setattr(services.shutil, "which", lambda tool: tool)
    Cluster(tmp_path, Ports.free()).start(empty=empty)
    names = [command[0] for command in ran]
    assert "migrate" in names
    assert ("seed" in names) is seeded
