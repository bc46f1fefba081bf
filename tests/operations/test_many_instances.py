"""Several app instances share one Redis cache: an edit made through one is seen by the others
at once. Real processes: a gunicorn instance serves pages while another process edits. Without
Redis, the processes of one machine (gunicorn's workers) share its file cache."""

import uuid

import pytest

from tests.support.servers import free_port, get, is_up, manage, serve, site_env, stop

REDIS = ("127.0.0.1", 6379)
ARTICLE = "/articles/what-is-treatment-resistant-depression/"


pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not is_up(REDIS), reason="needs Redis on 127.0.0.1:6379"),
]


@pytest.fixture(scope="module")
def instance_env(tmp_path_factory):
    folder = tmp_path_factory.mktemp("instances")
    env = site_env(folder)
    env["DATABASE_URL"] = f"sqlite:///{folder / 'site.sqlite3'}"
    for command in (["migrate", "-v0"], ["collectstatic", "--noinput", "-v0"], ["seed", "-v0"]):
        manage(env, *command)
    return env


def retitle(env, title):
    manage(
        env,
        "shell",
        "-c",
        "from articles.models import Article; a = Article.objects.get(number=1); "
        f"a.title = {title!r}; a.save()",
    )


@pytest.mark.parametrize(
    ("cache", "sees_edit"),
    [("redis", True), ("files on this machine", True), ("a cache the editor doesn't share", False)],
)
def test_an_edit_through_one_instance_reaches_another(instance_env, cache, sees_edit, tmp_path):
    env = dict(instance_env)
    if cache == "redis":
        env["REDIS_URL"] = "redis://{}:{}/15".format(*REDIS)
    editor_env = dict(env)
    if not sees_edit:  # the control: proves the check below can fail
        editor_env["CACHE_DIR"] = str(tmp_path / "elsewhere")
    title = f"Example title {uuid.uuid4().hex[:8]}"
    port = free_port()
    server = serve(env, port)
    try:
        before = get(port, ARTICLE)  # now in this instance's cache
        assert title not in before
        retitle(editor_env, title)  # another process: the editor's instance
        # A shared cache carries the new generation to this instance at once; a cache it
        # doesn't share (the control) leaves it serving what it had.
        assert (title in get(port, ARTICLE)) is sees_edit
    finally:
        stop(server)
