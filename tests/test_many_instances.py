"""Several app instances share one Redis cache: an edit made through one is seen by the others
at once. Real processes: a gunicorn instance serves pages while another process edits."""

import os
import socket
import subprocess
import sys
import time
import urllib.request
import uuid

import pytest
from django.conf import settings

REDIS = ("127.0.0.1", 6379)
ARTICLE = "/articles/what-is-treatment-resistant-depression/"


def redis_is_up():
    try:
        socket.create_connection(REDIS, timeout=1).close()
        return True
    except OSError:
        return False


pytestmark = pytest.mark.skipif(not redis_is_up(), reason="needs Redis on 127.0.0.1:6379")


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def instance_env(tmp_path_factory):
    folder = tmp_path_factory.mktemp("instances")
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DEBUG", "DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="trdsite.settings",
        SECRET_KEY="tests-only-not-secret-" + "x" * 40,
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="0",
        DATABASE_URL=f"sqlite:///{folder / 'site.sqlite3'}",
        STATIC_ROOT=str(folder / "static"),
        MEDIA_ROOT=str(folder / "media"),
        CACHE_KEY_PREFIX=f"trdsite-test-{uuid.uuid4().hex}",
    )
    for command in (["migrate", "-v0"], ["collectstatic", "--noinput", "-v0"], ["seed", "-v0"]):
        manage(env, *command)
    return env


def manage(env, *args):
    subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=env,
        check=True,
        timeout=120,
        capture_output=True,
    )


def serve(env, port):
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--workers",
            "1",
            "--bind",
            f"127.0.0.1:{port}",
            "trdsite.wsgi",
        ],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            get(port, "/")
            return process
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError("gunicorn did not start")


def get(port, path):
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=10) as response:  # noqa: S310
        return response.read().decode()


def retitle(env, title):
    manage(
        env,
        "shell",
        "-c",
        "from articles.models import Article; a = Article.objects.get(number=1); "
        f"a.title = {title!r}; a.save()",
    )


@pytest.mark.parametrize(
    ("cache", "sees_edit"), [("redis", True), ("memory of each process", False)]
)
def test_an_edit_through_one_instance_reaches_another(instance_env, cache, sees_edit):
    env = dict(instance_env)
    if cache == "redis":
        env["REDIS_URL"] = "redis://{}:{}/15".format(*REDIS)
    title = f"Example title {uuid.uuid4().hex[:8]}"
    port = free_port()
    server = serve(env, port)
    try:
        before = get(port, ARTICLE)  # now in this instance's cache
        assert title not in before
        retitle(env, title)  # another process: the editor's instance
        # With a shared cache the new generation reaches this instance at once; each process's
        # own memory (the control) keeps serving what it had.
        assert (title in get(port, ARTICLE)) is sees_edit
    finally:
        server.terminate()
        server.wait(timeout=10)
