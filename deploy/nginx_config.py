"""deploy/nginx.conf filled in, and the certificate it serves: for `make cluster`
(deploy/services.py) and bench/run.py --nginx."""

import json
import math
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NGINX_TEMPLATE = ROOT / "deploy" / "nginx.conf"
# Host names the certificate and ALLOWED_HOSTS cover; the first is the site's domain.
HOSTS = ("localhost", "127.0.0.1")
# An instance that fails a request is left out for 5 s, then tried again (deploy/nginx.conf).
UPSTREAM_OPTIONS = "max_fails=1 fail_timeout=5s"
# A multipart body's own bytes beside its fields and files (boundaries, each part's headers),
# which Django's limits don't count: ~200 bytes a part, for up to DATA_UPLOAD_MAX_NUMBER_FIELDS
# fields and DATA_UPLOAD_MAX_NUMBER_FILES files (1,100 by default).
MULTIPART_MARGIN = 1024 * 1024
READ_LIMITS = (
    "import json; from django.conf import settings as s; print(json.dumps(["
    "s.MARKDOWNX_UPLOAD_MAX_SIZE, s.DATA_UPLOAD_MAX_NUMBER_FILES, s.DATA_UPLOAD_MAX_MEMORY_SIZE]))"
)


def self_signed_certificate(folder, hosts=HOSTS):
    """A certificate and key for `hosts`, valid for a week, made with openssl."""
    folder.mkdir(parents=True, exist_ok=True)
    certificate, key = folder / "certificate.pem", folder / "key.pem"
    names = ",".join(
        f"IP:{host}" if host.replace(".", "").isdigit() else f"DNS:{host}" for host in hosts
    )
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "7"]
        + ["-keyout", str(key), "-out", str(certificate), "-subj", f"/CN={hosts[0]}"]
        + ["-addext", f"subjectAltName={names}"],
        check=True,
        capture_output=True,
        timeout=60,
    )
    key.chmod(0o600)
    return certificate, key


def nginx_config(**values):
    """deploy/nginx.conf with its placeholders filled in (plain replacement, not str.format:
    the file is nginx syntax, full of braces). Comments are left as they are: they name the
    placeholders, and a value of several lines would end a comment early."""
    lines = []
    for line in NGINX_TEMPLATE.read_text().splitlines(keepends=True):
        if not line.lstrip().startswith("#"):
            for name, value in values.items():
                line = line.replace("{" + name + "}", str(value))
        lines.append(line)
    return "".join(lines)


def upload_limits(env):
    """{admin_body_limit}, {upload_body_limit} and {upload_max_size} of deploy/nginx.conf, from
    the settings the instances run with (`env`): nginx must let through every request the site
    accepts, or editors get nginx's 413 page instead of the site's answer. The admin's largest
    is an article's form with as many figures as Django takes in one request
    (DATA_UPLOAD_MAX_NUMBER_FILES), each as large as the site stores (MARKDOWNX_UPLOAD_MAX_SIZE:
    a larger one still reaches the site, which says why it is refused), plus the form's fields
    (DATA_UPLOAD_MAX_MEMORY_SIZE) and the multipart framing; Insert image's, one image. A limit
    Django doesn't set (None) is none here either (0)."""
    read = subprocess.run(
        [sys.executable, "-c", READ_LIMITS],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    if read.returncode:
        raise RuntimeError(f"The site's settings could not be read: {read.stderr.strip()}")
    image, files, fields = json.loads(read.stdout)
    if image is None or fields is None:
        return {"admin_body_limit": 0, "upload_body_limit": 0, "upload_max_size": "its limit"}
    one = image + fields + MULTIPART_MARGIN
    return {
        "admin_body_limit": 0
        if files is None
        else megabytes(files * image + fields + MULTIPART_MARGIN),
        "upload_body_limit": megabytes(one),
        "upload_max_size": f"{image / 1024**2:g} MB",
    }


def megabytes(size):
    """nginx's size of at least `size` bytes, in whole megabytes."""
    return f"{math.ceil(size / 1024**2)}m"


def upstream_servers(ports):
    return "\n        ".join(f"server 127.0.0.1:{port} {UPSTREAM_OPTIONS};" for port in ports)
