"""Real processes for tests that need them: gunicorn instances of the site, manage.py runs, and
a TCP proxy that can cut a service (PostgreSQL, Redis) off and bring it back."""

import contextlib
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

# No Django settings here: bench/ uses these helpers from outside pytest.
ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
# What a real instance never takes from the environment it is started from.
INHERITED_NOT = {
    "DEBUG",
    "DATABASE_URL",
    "REDIS_URL",
    "DJANGO_SETTINGS_MODULE",
    "PAGE_CACHE_MAX_AGE",
}


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def is_up(address):
    try:
        socket.create_connection(address, timeout=1).close()
        return True
    except OSError:
        return False


def site_env(folder, **overrides):
    """Production settings for a real instance, its files under folder; a private cache prefix
    so instances of different runs never share pages. DATABASE_URL and REDIS_URL are the
    caller's (in `overrides`), never inherited."""
    env = {key: value for key, value in os.environ.items() if key not in INHERITED_NOT}
    env.update(
        DJANGO_SETTINGS_MODULE="trdsite.settings",
        SECRET_KEY="tests-only-not-secret-" + "x" * 40,
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="0",
        STATIC_ROOT=str(folder / "static"),
        MEDIA_ROOT=str(folder / "media"),
        CACHE_DIR=str(folder / "cache"),
        CACHE_KEY_PREFIX=f"trdsite-test-{uuid.uuid4().hex}",
    )
    env.update(overrides)
    return env


def manage(env, *args, timeout=180, quiet=True):
    subprocess.run(
        [PYTHON, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=timeout,
        capture_output=quiet,
    )


def start(command, env, port, path="/healthz"):
    """Start a server (`command` gets `--bind 127.0.0.1:port`) in a session of its own; it
    answers `path` before this returns. Stop it with `stop()`."""
    process = subprocess.Popen(
        [*command, "--bind", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            fetch(port, path)
            return process
        except OSError:
            time.sleep(0.2)  # a real process starting: no clock to fake
    stop(process)
    raise RuntimeError(f"server on port {port} did not start")


def stop(process):
    """Stop a server started by `start()`, its workers with it."""
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=10)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)


def serve(env, port, workers=1):
    """A gunicorn of the site on 127.0.0.1:port, answering before this returns."""
    return start([PYTHON, "-m", "gunicorn", "--workers", str(workers), "trdsite.wsgi"], env, port)


def fetch(port, path):
    """(status, body) of a GET; error statuses are answers too."""
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=10) as response:  # noqa: S310
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def get(port, path):
    status, body = fetch(port, path)
    assert status == 200, (path, status)
    return body


class TcpProxy:
    """Forwards 127.0.0.1:port to a service. cut() closes the listener and every open
    connection, as a service going down does; restore() listens again on the same port."""

    def __init__(self, target):
        self.target = target
        self.port = free_port()
        self.connections = []
        self.listener = None

    def restore(self):
        self.listener = socket.create_server(("127.0.0.1", self.port))
        threading.Thread(target=self._accept, args=(self.listener,), daemon=True).start()

    def cut(self):
        # shutdown() first: close() alone leaves a thread blocked in accept() still listening.
        with contextlib.suppress(OSError):
            self.listener.shutdown(socket.SHUT_RDWR)
        self.listener.close()
        for sock in self.connections:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()
        self.connections.clear()

    def _accept(self, listener):
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return  # cut
            upstream = socket.create_connection(self.target)
            self.connections += [client, upstream]
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(source, sink), daemon=True).start()

    @staticmethod
    def _pipe(source, sink):
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (source, sink):
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)


def redis_cache_through(proxy, retry_after):
    """The shared cache as with REDIS_URL (operations.cache_backend.FailSafeRedisCache), reached
    through `proxy` (a TcpProxy to Redis, so a test can cut it), in a key space of its own."""
    return {
        "BACKEND": "operations.cache_backend.FailSafeRedisCache",
        "LOCATION": f"redis://127.0.0.1:{proxy.port}/15",
        "KEY_PREFIX": f"trdsite-test-{uuid.uuid4().hex}",
        "OPTIONS": {
            "socket_connect_timeout": 0.5,
            "socket_timeout": 0.5,
            "RETRY_AFTER": retry_after,
        },
    }
