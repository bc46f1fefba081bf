"""The site as users run it on many machines, on this one (`make cluster`, deploy/cluster.py):
PostgreSQL, its own Redis, S3 (moto's server), two gunicorn instances with production settings
and nginx with HTTPS in front. Real processes, so slow, and on PostgreSQL only: CI runs these
once, in its PostgreSQL pass. One cluster serves the whole file, on ports free when it starts
and with a database named for its own folder, so it never meets another run's or checkout's."""

import io
import mimetypes
import os
import re
import stat
import subprocess
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
import redis
import requests
from PIL import Image

from tests.support.admin_forms import form_data
from tests.support.cluster import (
    BYPASS_HEADER,
    Browser,
    cluster_marks,
    direct,
    failures,
    handled_by,
    png,
    requests_in,
    stored,
    token,
    until,
    wrk,
)
from tests.support.servers import ROOT

TOOLS = ("nginx", "redis-server", "openssl", "wrk")
ARTICLE = "/articles/what-is-treatment-resistant-depression/"
# `manage.py seed` stores it through the storage: in the bucket, here.
SEED_FIGURE = "figures/trd-hills-sunrise.png"
READERS_PAGES = [
    "/",
    ARTICLE,
    "/treatments/",
    "/treatments/ketamine/",
    "/series/curing-depression/",
    "/search/?q=treatment",
    "/feed/atom/",
    "/sitemap.xml",
]
# The site's page cache steps aside for this header (the cluster's PAGE_CACHE_BYPASS_HEADER;
# nginx keeps no page): every request is then rendered by an instance, from the database.
BYPASS = {BYPASS_HEADER: "1"}

pytestmark = cluster_marks(TOOLS)


@pytest.fixture(scope="module")
def accounts(cluster):
    return {
        "editor": cluster.add_account("cluster-editor", "Editors"),
        "publisher": cluster.add_account("cluster-publisher", "Publishers"),
    }


def test_plain_http_redirects_to_https_and_instances_answer_only_for_https(cluster):
    response = requests.get(
        f"http://localhost:{cluster.ports.http}{ARTICLE}?q=1", allow_redirects=False, timeout=10
    )
    assert response.status_code == 301
    assert response.headers["Location"] == f"{cluster.origin}{ARTICLE}?q=1"
    # To the site's own name, whatever Host the request came with.
    elsewhere = requests.get(
        f"http://127.0.0.1:{cluster.ports.http}/x",
        headers={"Host": "evil.example"},
        allow_redirects=False,
        timeout=10,
    )
    assert elsewhere.headers["Location"] == f"{cluster.origin}/x"
    # Without the proxy's X-Forwarded-Proto, an instance redirects as production must.
    assert direct(cluster, 0, ARTICLE, **{"X-Forwarded-Proto": ""}).status_code == 301
    page = requests.get(cluster.origin + ARTICLE, verify=str(cluster.certificate), timeout=10)
    assert page.status_code == 200
    assert "max-age" in page.headers["Strict-Transport-Security"]


def reader(cluster, path, method="GET"):
    """A reader's request through nginx, signed out."""
    return requests.request(
        method,
        cluster.origin + path,
        verify=str(cluster.certificate),
        allow_redirects=False,
        timeout=10,
    )


def test_the_seeds_figure_is_stored_in_the_bucket_and_reaches_readers(cluster):
    page = requests.get(cluster.origin + ARTICLE, verify=str(cluster.certificate), timeout=10)
    figure = f"{cluster.origin}/media/{SEED_FIGURE}"
    assert f'src="{figure}"' in page.text
    served = requests.get(figure, verify=str(cluster.certificate), timeout=10)
    assert served.status_code == 200
    assert served.content == stored(cluster)[SEED_FIGURE]
    assert served.headers["X-Content-Type-Options"] == "nosniff"


def test_an_upload_and_its_sign_off_reach_readers_on_the_other_instance(cluster, accounts):
    for number in range(cluster.instances):  # each has the live page before the change
        assert direct(cluster, number, ARTICLE).status_code == 200
    for _ in range(2):  # and readers through nginx have read it, as they do all day
        assert reader(cluster, ARTICLE).status_code == 200
    editor = Browser(cluster, "cluster-editor", accounts["editor"])
    image = png()
    address = editor.upload(image)
    media = f"{cluster.origin}/media/"
    assert address.startswith(media + "uploads/")
    key = address.removeprefix(media)
    # Stored in the bucket as uploaded images are: re-encoded, never the uploaded bytes.
    objects = stored(cluster)
    assert key in objects
    served = editor.fetch(address)
    assert served.status_code == 200
    assert served.headers["Content-Type"] == "image/png"
    assert served.content == objects[key]

    change = "/admin/articles/article/1/change/"
    response = editor.post(
        change.replace("/change/", "/draft/"), {"csrfmiddlewaretoken": token(editor.get(change))}
    )
    assert response.status_code == 302
    draft = response.headers["Location"]
    fields = form_data(editor.get(draft))
    sentence = f"Cluster test paragraph {uuid.uuid4().hex[:8]}."
    body = fields["body"].replace("\r\n", "\n")
    editor.post_form(
        draft,
        body=f"{body}\n\n![A square of one colour]({address})\n\n{sentence}\n",
        status="review",
        _continue="Save",
    )
    publisher = Browser(cluster, "cluster-publisher", accounts["publisher"])
    signoff = draft.replace("/change/", "/signoff/")
    publisher.post_form(signoff, action="publish")

    # gunicorn logs a request once its answer is sent: the line may follow the answer.
    assert until(lambda: handled_by(cluster, f"POST {signoff}"), seconds=5)
    (publishing,) = handled_by(cluster, f"POST {signoff}")
    other = 1 - publishing
    page = direct(cluster, other, ARTICLE)
    assert page.status_code == 200
    assert sentence in page.text
    assert f'src="{address}"' in page.text
    # The image's origin is allowed by the page's Content-Security-Policy.
    image_sources = re.search(r"img-src ([^;]+)", page.headers["Content-Security-Policy"])[1]
    assert cluster.origin in image_sources.split()
    # Through nginx too, on the next request: nginx keeps no page of its own.
    through_nginx = reader(cluster, ARTICLE)
    assert sentence in through_nginx.text
    assert "X-Cache" not in through_nginx.headers


def test_a_backup_restored_into_an_empty_database_and_bucket_serves_the_same(
    cluster, accounts, tmp_path
):
    editor = Browser(cluster, "cluster-editor", accounts["editor"])
    editor.upload(png())
    pages = {path: direct(cluster, 0, path).content for path in READERS_PAGES}
    objects = stored(cluster)
    assert any(key.startswith("uploads/") for key in objects)
    archive = tmp_path / "cluster.tar.gz"
    make = ["make", "--no-print-directory"]
    subprocess.run([*make, "backup", f"FILE={archive}"], cwd=ROOT, env=cluster.env, check=True)

    # Everything lost: a new, empty database, and not one object left in the bucket.
    cluster.create_database()
    s3 = cluster.s3()
    for key in objects:
        s3.delete_object(Bucket=cluster.bucket, Key=key)
    assert stored(cluster) == {}
    assert direct(cluster, 0, ARTICLE, **BYPASS).status_code != 200

    subprocess.run([*make, "restore", f"FILE={archive}"], cwd=ROOT, env=cluster.env, check=True)
    assert stored(cluster) == objects
    for number in range(cluster.instances):
        for path, content in pages.items():
            response = direct(cluster, number, path)
            assert response.status_code == 200, path
            assert response.content == content, path
    for key, content in objects.items():
        # From the bucket as nginx fetches it (unsigned), and through nginx.
        assert (
            requests.get(f"{cluster.store_url}/{cluster.bucket}/{key}", timeout=10).content
            == content
        )
        served = editor.fetch(f"{cluster.origin}/media/{key}")
        assert (served.status_code, served.content) == (200, content)
        # Stored again as images, not as anonymous bytes a browser would refuse to show.
        assert served.headers["Content-Type"] == mimetypes.guess_type(key)[0]


def test_no_reader_request_fails_when_an_instance_is_killed(cluster):
    logs = [cluster.access_log(number) for number in range(cluster.instances)]
    served = [requests_in(log) for log in logs]
    # Bypassing the page caches, every request reaches an instance.
    load = wrk(cluster.origin + ARTICLE, 8, f"{BYPASS_HEADER}: 1")
    # Killed once the load is under way on both instances.
    assert until(
        lambda: all(requests_in(log) > n + 20 for log, n in zip(logs, served, strict=True))
    )
    cluster.kill_instance(0)
    output, _ = load.communicate(timeout=60)
    assert failures(output) == {"non_2xx_3xx": 0, "socket_errors": 0}

    cluster.start_instance(0)
    log = cluster.access_log(0)
    before = requests_in(log)

    def reaches_it_again():
        requests.get(
            cluster.origin + "/",
            verify=str(cluster.certificate),
            headers=BYPASS,
            timeout=10,
        ).raise_for_status()
        return requests_in(log) > before

    # nginx leaves a failed instance out for fail_timeout (5 s), then tries it again.
    assert until(reaches_it_again)


def test_readers_get_pages_from_the_database_while_redis_is_down(cluster):
    def ready(number):
        response = direct(cluster, number, "/readyz")
        return response.status_code, response.json()["status"]

    assert ready(0) == (200, "ok")
    cluster.stop_redis()
    try:
        for number in range(cluster.instances):
            assert ready(number) == (200, "degraded")
            for path in READERS_PAGES:
                assert direct(cluster, number, path).status_code == 200, path
        # Readers under load, straight to an instance: its page cache is Redis.
        port = cluster.instance_port(1)
        load = wrk(
            f"http://127.0.0.1:{port}{ARTICLE}", 3, "Host: localhost", "X-Forwarded-Proto: https"
        )
        output, _ = load.communicate(timeout=60)
        assert failures(output) == {"non_2xx_3xx": 0, "socket_errors": 0}
    finally:
        cluster.start_redis()

    assert until(lambda: all(ready(n) == (200, "ok") for n in range(cluster.instances)))
    # The page cache works again: pages are stored in Redis once more.
    for path in READERS_PAGES:
        assert direct(cluster, 0, path).status_code == 200
    assert redis.Redis.from_url(cluster.env["REDIS_URL"]).dbsize() > 0


def test_media_reads_objects_only_never_the_bucket(cluster):
    figure = stored(cluster)[SEED_FIGURE]
    # The bucket itself, listed or asked for its settings: not found, whatever the query.
    for path in ("/media/", "/media/?list-type=2", "/media/?acl", "/media/?policy", "/media//"):
        response = reader(cluster, path)
        assert response.status_code == 404, path
        assert "<?xml" not in response.text, path
    # No query reaches the store: an object's ACL or another content type is the object.
    for query in ("?acl", "?tagging", "?response-content-type=text/html"):
        response = reader(cluster, f"/media/{SEED_FIGURE}{query}")
        assert (response.status_code, response.content) == (200, figure), query
        assert response.headers["Content-Type"] == "image/png"
    # Written or removed through here: refused, even where the store would take it unsigned.
    for method in ("PUT", "POST", "DELETE", "PATCH"):
        for path in (f"/media/{SEED_FIGURE}", "/media/uploads/planted.html"):
            assert reader(cluster, path, method).status_code == 405, (method, path)
    assert set(stored(cluster)) >= {SEED_FIGURE}
    assert "uploads/planted.html" not in stored(cluster)
    assert reader(cluster, f"/media/{SEED_FIGURE}", "HEAD").status_code == 200


def test_readiness_is_for_the_load_balancer_only(cluster):
    # /readyz says what is down, and writes to the cache: instances answer it on their own
    # addresses, never to readers through nginx.
    for path in ("/readyz", "/readyz?x=1", "//readyz", "/%72eadyz"):
        response = reader(cluster, path)
        assert response.status_code == 404, path
        assert "database" not in response.text, path
    assert direct(cluster, 0, "/readyz").json()["status"] == "ok"
    assert reader(cluster, "/healthz").text == "ok\n"


def test_the_clusters_redis_answers_only_with_its_password(cluster):
    with pytest.raises(redis.AuthenticationError):
        redis.Redis(port=cluster.ports.redis).ping()
    assert "@" in cluster.env["REDIS_URL"]
    assert redis.Redis.from_url(cluster.env["REDIS_URL"]).ping()


def test_an_editors_image_over_nginxs_default_megabyte_gets_through(cluster, accounts):
    # Noise does not compress: a PNG of ~2 MB, under the site's 5 MB.
    buffer = io.BytesIO()
    Image.frombytes("RGB", (820, 820), os.urandom(820 * 820 * 3)).save(buffer, "PNG")
    assert 1024**2 < len(buffer.getvalue()) < 5 * 1024**2
    editor = Browser(cluster, "cluster-editor", accounts["editor"])
    assert editor.upload(buffer.getvalue()).startswith(f"{cluster.origin}/media/uploads/")


def test_a_sign_in_flood_gets_429s_while_readers_get_their_pages(cluster):
    page = reader(cluster, "/admin/login/")
    form = {"csrfmiddlewaretoken": token(page), "username": "made-up-name", "password": "x"}

    def sign_in(number):
        return requests.post(
            cluster.origin + "/admin/login/",
            data={**form, "username": f"made-up-name-{number}"},
            cookies=page.cookies,
            headers={"Origin": cluster.origin, "Referer": cluster.origin + "/admin/login/"},
            verify=str(cluster.certificate),
            allow_redirects=False,
            timeout=30,
        ).status_code

    with ThreadPoolExecutor(8) as pool:
        flood = pool.map(sign_in, range(40))
        readers = [reader(cluster, path).status_code for path in READERS_PAGES]
        answers = list(flood)
    assert answers.count(429) >= 40 - 11  # a burst of 10, then one every 6 s
    assert readers == [200] * len(READERS_PAGES)
    assert reader(cluster, "/admin/login/").status_code == 200  # a GET is never limited


def test_a_missing_upload_is_a_plain_404_with_the_uploads_headers(cluster):
    response = reader(cluster, "/media/uploads/never-uploaded.png")
    assert response.status_code == 404
    assert "<?xml" not in response.text
    assert "never-uploaded" not in response.text
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response.headers["Content-Security-Policy"]


def test_the_logs_are_the_owners_only(cluster):
    logs = [cluster.logs, *cluster.logs.iterdir(), *(cluster.run_dir / "nginx").glob("*.log")]
    assert len(logs) > 5
    for path in logs:
        assert stat.S_IMODE(path.stat().st_mode) & 0o077 == 0, path
