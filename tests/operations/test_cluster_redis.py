"""The cluster's own Redis (deploy/services.py) bounds its memory, as the README tells production
to ("Running at scale": `maxmemory 256mb`, `maxmemory-policy allkeys-lru`). Every distinct
search is a page stored in it for PAGE_CACHE_TIMEOUT (a day): through the cluster's nginx, 300
searches for made-up words added 300 keys and ~2 MB, with `maxmemory 0` (no limit) and
`noeviction`, so anyone who can reach the site fills the machine's memory at its pace. Every
key the site writes has an expiry (the rate limits' counts too), so volatile-* policies would
protect nothing more: least recently used goes first."""

import re
import shutil

import pytest
import redis

from deploy.services import Cluster, Ports
from tests.support.servers import ROOT

pytestmark = pytest.mark.skipif(not shutil.which("redis-server"), reason="needs redis-server")


def test_the_clusters_redis_has_a_memory_limit_and_evicts_as_the_readme_advises(tmp_path):
    cluster = Cluster(tmp_path, Ports.free())
    cluster.logs.mkdir(parents=True)
    cluster.start_redis()
    try:
        settings = redis.Redis.from_url(cluster.env["REDIS_URL"]).config_get("maxmemory*")
    finally:
        cluster.stop_redis()
    assert int(settings["maxmemory"]) == 256 * 1024**2
    assert settings["maxmemory-policy"] == "allkeys-lru"
    readme = (ROOT / "README.md").read_text()
    assert re.search(r"`maxmemory 256mb`,\s+`maxmemory-policy allkeys-lru`", readme)
