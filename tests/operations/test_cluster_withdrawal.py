"""A page withdrawn while the cluster's Redis stalls for a moment (a failover, a slow fork, a
network blip: here `CLIENT PAUSE 2000 WRITE`) must still be gone for readers once Redis answers
again, on both instances and through nginx (README, "Cluster": "a withdrawn page goes away at
once"). Found through `make cluster`: the publisher's instance could not write the new
generation within its 0.5 s timeout, skipped it (and the one after commit) as a cache failure,
and both instances went on serving the withdrawn page from Redis, 200 to every reader, until the
old generation's 5-minute TTL ran out. Slow and PostgreSQL only, as test_cluster.py."""

import psycopg
import redis
import requests

from tests.support.cluster import Browser, cluster_marks, direct, token, until

TOOLS = ("nginx", "redis-server", "openssl")
# A seeded treatment, published, that no other cluster test reads (they share one cluster).
TREATMENT = "combination-therapy"

pytestmark = cluster_marks(TOOLS)


def status_in_database(cluster, slug):
    with psycopg.connect(cluster.database_url) as connection:
        return connection.execute(
            "SELECT id, status FROM articles_treatment WHERE slug = %s AND live_page_id IS NULL",
            [slug],
        ).fetchone()


def answers(cluster, path):
    """What readers get: straight from each instance, and through nginx."""
    through_nginx = requests.get(
        cluster.origin + path, verify=str(cluster.certificate), allow_redirects=False, timeout=10
    )
    return [direct(cluster, n, path).status_code for n in range(cluster.instances)] + [
        through_nginx.status_code
    ]


def test_a_page_withdrawn_while_redis_stalls_is_gone_once_redis_answers(cluster):
    path = f"/treatments/{TREATMENT}/"
    password = cluster.add_account("cluster-withdrawal-publisher", "Publishers")
    for _ in range(2):  # read, and so stored in the page cache, on both instances
        assert answers(cluster, path) == [200] * (cluster.instances + 1)
    treatment_id, _ = status_in_database(cluster, TREATMENT)
    publisher = Browser(cluster, "cluster-withdrawal-publisher", password)
    form = publisher.get(f"/admin/articles/treatment/{treatment_id}/change/")

    # Redis takes no write for 2 s: longer than the instances' 0.5 s socket timeout.
    redis.Redis.from_url(cluster.env["REDIS_URL"]).execute_command(
        "CLIENT", "PAUSE", "2000", "WRITE"
    )
    publisher.post(
        f"/admin/articles/treatment/{treatment_id}/unpublish/",
        {"csrfmiddlewaretoken": token(form)},
    )

    # Withdrawn, or refused while the cache could not be told: readers get what the database
    # says, once Redis answers again (2 s) and the instances ask it again (their 5 s back-off),
    # not minutes later.
    _, status = status_in_database(cluster, TREATMENT)
    expected = 200 if status == "published" else 404
    assert until(lambda: answers(cluster, path) == [expected] * (cluster.instances + 1), 20), (
        status,
        answers(cluster, path),
    )
