"""A bounded soak: the site at saturation for minutes while an editor keeps saving.

    make soak                        # 10 minutes, SQLite
    make soak ARGS="--minutes 2"
    DATABASE_URL=postgres://... make soak

gunicorn (production settings, 2 workers) serves a mix of readers' pages that wrk requests as
fast as it can; meanwhile an editor signed in to the admin saves article #1 every few seconds
through its change form (so every save starts a new cache generation and readers' pages are
rebuilt). Reported: requests and any non-2xx/3xx answers or socket errors, the editor's saves,
and each worker's memory (RSS) after the first minute and at the end. Everything it starts is
stopped by PID.
"""

import argparse
import http.client
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parent), str(Path(__file__).resolve().parent.parent)]

import run as bench  # noqa: E402 - bench/run.py, beside this file

from tests.support.admin_forms import form_data  # noqa: E402

MIX = [
    "/",
    "/articles/what-is-treatment-resistant-depression/",
    "/treatments/",
    "/treatments/ketamine/",
    "/treatments/electroconvulsive-therapy/",
    "/series/curing-depression/",
    "/search/?q=treatment",
    "/search/?q=ketamine",
    "/feed/atom/",
    "/sitemap.xml",
]
EDITOR, PASSWORD = "soak-editor", "soak-only-password-" + os.urandom(6).hex()


class Page:
    """Enough of a response for tests.support.admin_forms.form_data."""

    def __init__(self, content):
        self.content = content


class Editor:
    """An editor's browser: cookies kept by hand (the site marks them Secure, and this talks
    plain HTTP on loopback), forms posted as the admin renders them."""

    def __init__(self, port):
        self.port = port
        self.cookies = {}

    def request(self, method, path, fields=None):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if fields is not None:
            body = urllib.parse.urlencode(fields)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        content = response.read()
        for header in response.headers.get_all("Set-Cookie") or []:
            name, value = header.split(";", 1)[0].split("=", 1)
            self.cookies[name] = value
        connection.close()
        return response.status, response.headers, content

    def sign_in(self):
        _, _, content = self.request("GET", "/admin/login/")
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', content)[1].decode()
        status, headers, _ = self.request(
            "POST",
            "/admin/login/?next=/admin/",
            {"csrfmiddlewaretoken": token, "username": EDITOR, "password": PASSWORD},
        )
        if status != 302:
            raise RuntimeError(f"the editor could not sign in ({status})")

    def post_form(self, path, **changes):
        """Submit the form on `path` as rendered, with `changes`; the response's status and
        where it redirects to."""
        status, _, content = self.request("GET", path)
        if status != 200:
            return status, None
        fields = {**form_data(Page(content)), **changes}
        status, headers, _ = self.request("POST", path, fields)
        return status, headers.get("Location")

    def save(self, path, number):
        """Change the live page at `path` as the site allows: its draft, edited and then signed
        off (this user is a superuser, so both editor and publisher). 302 when all went well."""
        status, headers, content = self.request("GET", path)
        if status == 302:  # it has a draft already
            draft = headers["Location"]
        else:
            token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', content)[1]
            status, headers, _ = self.request(
                "POST", path.replace("/change/", "/draft/"), {"csrfmiddlewaretoken": token}
            )
            if status != 302:
                return status
            draft = headers["Location"]
        status, _, content = self.request("GET", draft)
        if status != 200:
            return status
        fields = form_data(Page(content))
        body = re.sub(r"\n\nSoak edit \d+\.\s*$", "", fields["body"].replace("\r\n", "\n"))
        fields.update(body=f"{body}\n\nSoak edit {number}.", status="review", _continue="Save")
        status, _, _ = self.request("POST", draft, fields)
        if status != 302:  # a form with errors answers 200
            return status
        status, _ = self.post_form(draft.replace("/change/", "/signoff/"), action="publish")
        return status


def rss_mib(pid):
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def workers(server):
    children = Path(f"/proc/{server.pid}/task/{server.pid}/children")
    return [int(pid) for pid in children.read_text().split()] if children.exists() else []


def soak(env, workdir, minutes, connections, edit_every):
    script = workdir / "mix.lua"
    script.write_text(
        "local paths = {" + ", ".join(json.dumps(path) for path in MIX) + "}\n"
        "local i = 0\n"
        "request = function()\n"
        "  i = i % #paths + 1\n"
        '  return wrk.format("GET", paths[i])\n'
        "end\n"
    )
    server = bench.start([*bench.GUNICORN, "trdsite.wsgi"], env, bench.SITE_PORT)
    try:
        editor = Editor(bench.SITE_PORT)
        editor.sign_in()
        seconds = int(minutes * 60)
        load = subprocess.Popen(
            ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", str(script)]
            + [f"http://127.0.0.1:{bench.SITE_PORT}/"],
            stdout=subprocess.PIPE,
            text=True,
        )
        saves, failed, samples = 0, [], {}
        started = time.monotonic()
        change = "/admin/articles/article/1/change/"
        while load.poll() is None and time.monotonic() - started < seconds + 60:
            status = editor.save(change, saves + 1)
            if status == 302:
                saves += 1
            else:
                failed.append(status)
            elapsed = time.monotonic() - started
            for pid in workers(server):
                samples.setdefault(pid, []).append((elapsed, rss_mib(pid)))
            time.sleep(edit_every)
        output, _ = load.communicate(timeout=60)
    finally:
        bench.stop(server)
    return report(output, saves, failed, samples, minutes)


def report(output, saves, failed, samples, minutes):
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    socket_errors = re.search(r"Socket errors: (.*)", output)
    memory = {}
    for pid, points in samples.items():
        after_warm_up = [rss for elapsed, rss in points if elapsed >= 60] or [points[0][1]]
        memory[pid] = {
            "after_1_min_mib": round(after_warm_up[0], 1),
            "half_time_mib": round(after_warm_up[len(after_warm_up) // 2], 1),
            "end_mib": round(points[-1][1], 1),
            "peak_mib": round(max(rss for _, rss in points), 1),
        }
    return {
        "minutes": minutes,
        "requests": int(re.search(r"(\d+) requests in", output)[1]),
        "requests_per_second": float(re.search(r"Requests/sec:\s+([\d.]+)", output)[1]),
        "p99_ms": bench.latency(output, "99%"),
        "non_2xx_3xx": int(non_2xx[1]) if non_2xx else 0,
        "socket_errors": socket_errors[1] if socket_errors else "none",
        "editor_saves": saves,
        "editor_failures": failed,
        "worker_memory": memory,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--edit-every", type=float, default=3, help="seconds between saves")
    parser.add_argument("--json", help="also write the report here")
    args = parser.parse_args()
    database_url = os.environ.get("DATABASE_URL")
    with tempfile.TemporaryDirectory(prefix="trdsite-soak-") as folder:
        workdir = Path(folder)
        env = bench.production_env(workdir, bench.fresh_database(database_url))
        bench.manage(env, "migrate", "-v0")
        bench.manage(env, "collectstatic", "--noinput", "-v0")
        bench.manage(env, "seed", "-v0")
        bench.manage(
            env | {"DJANGO_SUPERUSER_PASSWORD": PASSWORD},
            "createsuperuser", "--noinput", "--username", EDITOR, "--email", "soak@example.com",
        )  # fmt: skip
        result = soak(env, workdir, args.minutes, args.connections, args.edit_every)
    print(json.dumps(result, indent=2))
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2))
    ok = result["non_2xx_3xx"] == 0 and result["socket_errors"] == "none"
    ok = ok and not result["editor_failures"] and result["editor_saves"] > 0
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
