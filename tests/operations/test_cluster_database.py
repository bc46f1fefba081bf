"""`make cluster` drops its database at every start and stop, so it only takes one of its own:
`--database trdsite` (or any other site's database) is refused before anything runs."""

import pytest

from deploy.processes import ClusterError
from deploy.services import Cluster


@pytest.mark.parametrize("name", ["trdsite", "test", "postgres", "trdsite_bench", "x_cluster"])
def test_another_database_is_refused(tmp_path, name):
    with pytest.raises(ClusterError, match="one of its own"):
        Cluster(run_dir=tmp_path, database=name)


@pytest.mark.parametrize(
    "name", ["trdsite_cluster", "trdsite_cluster_test_gw0", "trdsite_bench_cluster"]
)
def test_the_clusters_own_names_are_taken(tmp_path, name):
    assert Cluster(run_dir=tmp_path, database=name).database == name
