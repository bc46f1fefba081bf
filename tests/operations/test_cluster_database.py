"""`make cluster` drops its database at every start and stop, so it only takes one of its own:
`--database trdsite` (or any other site's database) is refused before anything runs, and the
default is named for the cluster's folder, so two checkouts' clusters never drop each other's."""

import re

import pytest

from deploy.processes import ClusterError
from deploy.services import Cluster

OWN = r"trdsite_(bench_)?cluster\w*"  # what the guard takes


@pytest.mark.parametrize("name", ["trdsite", "test", "postgres", "trdsite_bench", "x_cluster"])
def test_another_database_is_refused(tmp_path, name):
    with pytest.raises(ClusterError, match="one of its own"):
        Cluster(run_dir=tmp_path, database=name)


@pytest.mark.parametrize(
    "name", ["trdsite_cluster", "trdsite_cluster_test_gw0", "trdsite_bench_cluster"]
)
def test_the_clusters_own_names_are_taken(tmp_path, name):
    assert Cluster(run_dir=tmp_path, database=name).database == name


def test_each_checkouts_cluster_has_a_database_of_its_own(tmp_path):
    one, other = tmp_path / "one" / ".cluster", tmp_path / "other" / ".cluster"
    names = {Cluster(run_dir=one).database, Cluster(run_dir=other).database}
    assert len(names) == 2
    for name in names:
        assert re.fullmatch(OWN, name)
        assert len(name) <= 63  # PostgreSQL's longest name
    # The same folder, the same database: a stop drops what its start made.
    assert Cluster(run_dir=one).database in names
    assert Cluster(run_dir=one / ".." / ".cluster").database == Cluster(run_dir=one).database
