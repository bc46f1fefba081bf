"""Someone using the cluster of deploy/services.py (`make cluster`) from a test: a signed-in
browser through nginx, a reader sent straight to one instance, the bucket's objects, wrk runs
(tests/operations/test_cluster*.py)."""

import io
import os
import re
import shutil
import subprocess
import time
from pathlib import Path

import pytest
import requests
from PIL import Image

from deploy.services import Cluster, Ports
from tests.support.admin_forms import form_data

# The header (settings.PAGE_CACHE_BYPASS_HEADER) the tests' cluster is started with: a request
# sending it is built by an instance, from the database. A session cookie no longer does that.
BYPASS_HEADER = "X-Cluster-Test-Bypass"


def processes(cluster):
    """The pids of the cluster's processes and of all their descendants."""
    found = []
    pending = list(cluster.processes.recorded().values())
    while pending:
        pid = pending.pop()
        found.append(pid)
        children = Path(f"/proc/{pid}/task/{pid}/children")
        if children.exists():
            pending += [int(child) for child in children.read_text().split()]
    return found


class Browser:
    """Someone signed in through nginx over HTTPS, trusting the cluster's own certificate."""

    def __init__(self, cluster, username, password):
        self.origin = cluster.origin
        self.certificate = str(cluster.certificate)
        self.session = requests.Session()
        # nginx admits a sign-in POST from an address once every 6 s after a burst: another
        # test's flood (from this same address) may have used the burst up.
        deadline = time.monotonic() + 20
        while True:
            page = self.get("/admin/login/")
            response = self.post(
                "/admin/login/?next=/admin/",
                {"csrfmiddlewaretoken": token(page), "username": username, "password": password},
            )
            if response.status_code != 429 or time.monotonic() > deadline:
                break
            time.sleep(1)
        assert response.status_code == 302, f"{username} could not sign in"

    def get(self, path):
        return self.fetch(self.origin + path)

    def fetch(self, url):
        # verify on each request: a session's own is overridden by REQUESTS_CA_BUNDLE.
        return self.session.get(url, verify=self.certificate, allow_redirects=False, timeout=30)

    def post(self, path, data, files=None):
        # Django checks a secure request's Origin against the site (CSRF_TRUSTED_ORIGINS).
        headers = {"Origin": self.origin, "Referer": self.origin + path}
        return self.session.post(
            self.origin + path,
            data=data,
            files=files,
            headers=headers,
            verify=self.certificate,
            allow_redirects=False,
            timeout=30,
        )

    def upload(self, image):
        """The editor's Insert image: the address the editor's Markdown gets."""
        page = self.get("/admin/articles/article/")
        response = self.post(
            "/admin/markdownx/upload/",
            {"csrfmiddlewaretoken": token(page)},
            files={"image": ("photo.png", image, "image/png")},
        )
        assert response.status_code == 200, response.text
        return re.fullmatch(r"!\[\]\((.+)\)", response.json()["image_code"])[1]

    def post_form(self, path, **changes):
        response = self.post(path, {**form_data(self.get(path)), **changes})
        assert response.status_code == 302, (path, response.status_code)
        return response.headers["Location"]


def token(response):
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.text)[1]


def png():
    """A small image of a colour of its own, as a phone's photo would be."""
    buffer = io.BytesIO()
    Image.new("RGB", (48, 32), tuple(os.urandom(3))).save(buffer, "PNG")
    return buffer.getvalue()


def direct(cluster, number, path, **headers):
    """A reader's request sent straight to one instance, as nginx passes it on."""
    return requests.get(
        f"http://127.0.0.1:{cluster.instance_port(number)}{path}",
        headers={"Host": "localhost", "X-Forwarded-Proto": "https", **headers},
        allow_redirects=False,
        timeout=30,
    )


def stored(cluster):
    """{key: bytes} of every object in the cluster's bucket, read through boto3."""
    s3 = cluster.s3()
    listing = s3.list_objects_v2(Bucket=cluster.bucket).get("Contents", [])
    return {
        item["Key"]: s3.get_object(Bucket=cluster.bucket, Key=item["Key"])["Body"].read()
        for item in listing
    }


def handled_by(cluster, request_line):
    """Which instance's access log has the request."""
    return [
        number
        for number in range(cluster.instances)
        if request_line in cluster.access_log(number).read_text()
    ]


def requests_in(access_log):
    return access_log.read_text().count("\n")


def wrk(url, seconds, *headers):
    command = ["wrk", "-t1", "-c8", f"-d{seconds}s"]
    for header in headers:
        command += ["-H", header]
    return subprocess.Popen([*command, url], stdout=subprocess.PIPE, text=True)


def failures(output):
    """What wrk counted as failed: non-2xx/3xx answers and socket errors (0 when none)."""
    assert re.search(r"(\d+) requests in", output), output
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    socket_errors = re.search(r"Socket errors: (.*)", output)
    return {
        "non_2xx_3xx": int(non_2xx[1]) if non_2xx else 0,
        "socket_errors": socket_errors[1] if socket_errors else 0,
    }


def until(check, seconds=20):
    """Whether `check()` came true within `seconds`: real processes, no clock to fake."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.25)
    return False


def filled_config(run_dir):
    """deploy/nginx.conf as `make cluster` fills it in, in `run_dir`, without starting nginx."""
    cluster = Cluster(run_dir, Ports.free())
    (run_dir / "nginx").mkdir()
    cluster.write_nginx_config(2)
    return (run_dir / "nginx" / "nginx.conf").read_text()


def block(config, opening):
    """The text of the last block that starts with `opening` (`location /`: the HTTPS
    server's, after the plain HTTP one's)."""
    start = config.rindex(opening + " {") + len(opening) + 2
    depth, end = 1, start
    while depth:
        depth += {"{": 1, "}": -1}.get(config[end], 0)
        end += 1
    return config[start : end - 1]


def directives(text):
    """Its directives, comments left out."""
    return "\n".join(line.split("#", 1)[0] for line in text.splitlines())


def cluster_marks(tools):
    """A cluster test file's marks: slow; PostgreSQL and `tools` needed; one worker for every
    such file (`make test` distributes by group), so one cluster starts."""
    database_url = os.environ.get("DATABASE_URL", "")
    return [
        pytest.mark.slow,
        pytest.mark.xdist_group("cluster"),
        pytest.mark.skipif(
            not database_url.startswith("postgres"), reason="the cluster runs on PostgreSQL"
        ),
        pytest.mark.skipif(
            not all(shutil.which(tool) for tool in tools), reason=f"needs {', '.join(tools)}"
        ),
    ]
