"""The cluster's processes (deploy/cluster.py), by name, in pid files that another process can
stop safely."""

import contextlib
import os
import signal
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STARTUP_SECONDS = 30


class ClusterError(Exception):
    """Something the cluster needs is missing or did not start: said as it is."""


def wait_until(check, what, process=None, log=None, seconds=STARTUP_SECONDS):
    """Until `check()` is true; refused at once if `process` (starting) has exited."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return
        if process is not None and process.poll() is not None:
            raise ClusterError(
                f"{what} stopped as it started (exit code {process.returncode}); see {log}"
            )
        time.sleep(0.2)  # a real process starting: no clock to fake
    raise ClusterError(f"{what} did not start within {seconds} s; see {log}")


def answers(url):
    try:
        with urllib.request.urlopen(url, timeout=2):  # noqa: S310 - our own loopback address
            return True
    except urllib.error.HTTPError:
        return True  # an error status is an answer
    except OSError:
        return False


class Processes:
    """The cluster's processes by name. Each leads a session of its own, so its workers go
    with it, and is recorded in a pid file with its start time: `stop` from another process
    never signals a pid the system has since given to something else."""

    def __init__(self, folder):
        self.folder = folder
        self.children = {}

    def spawn(self, name, command, env=None, log=None):
        self.folder.mkdir(parents=True, exist_ok=True)
        # The logs hold readers' searches and review links' tokens: the owner's only, as is
        # every file the processes make (umask): nginx's logs and buffers, gunicorn's logs.
        with open(log or os.devnull, "ab", opener=private) as output:
            process = subprocess.Popen(
                command,
                cwd=ROOT,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                umask=0o077,
            )
        self.children[name] = process
        (self.folder / f"{name}.pid").write_text(f"{process.pid} {start_time(process.pid)}\n")
        return process

    def recorded(self):
        """{name: pid} of the recorded processes still running (the same processes)."""
        running = {}
        for pid_file in sorted(self.folder.glob("*.pid")):
            with contextlib.suppress(ValueError, OSError):
                pid, started = pid_file.read_text().split()
                if start_time(int(pid)) == started:
                    running[pid_file.stem] = int(pid)
        return running

    def stop(self, name, sig=signal.SIGTERM, seconds=10, group=True):
        """Signal the process and its session (`group`), wait; SIGKILL what is left."""
        pid_file = self.folder / f"{name}.pid"
        pid = self.recorded().get(name)
        if pid is not None:
            kill = os.killpg if group else os.kill
            with contextlib.suppress(ProcessLookupError):
                kill(pid, sig)
            if not self.wait(name, pid, seconds):
                with contextlib.suppress(ProcessLookupError):
                    kill(pid, signal.SIGKILL)
                self.wait(name, pid, seconds)
        self.children.pop(name, None)
        pid_file.unlink(missing_ok=True)

    def wait(self, name, pid, seconds):
        child = self.children.get(name)
        if child is not None:  # ours: waiting also reaps it
            try:
                child.wait(timeout=seconds)
                return True
            except subprocess.TimeoutExpired:
                return False
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if start_time(pid) is None:
                return True
            time.sleep(0.1)
        return False


def private(path, flags):
    """open()'s opener for a file only its owner reads (if it makes the file)."""
    return os.open(path, flags, 0o600)


def start_time(pid):
    """The process's start time in clock ticks since boot (None once it is gone, or a zombie)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (FileNotFoundError, IndexError):
        return None
    return None if fields[0] == "Z" else fields[19]
