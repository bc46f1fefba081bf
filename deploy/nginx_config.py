"""deploy/nginx.conf filled in, and the certificate it serves: for `make cluster`
(deploy/services.py) and bench/run.py --nginx."""

import subprocess
from pathlib import Path

NGINX_TEMPLATE = Path(__file__).resolve().parent / "nginx.conf"
# Host names the certificate and ALLOWED_HOSTS cover; the first is the site's domain.
HOSTS = ("localhost", "127.0.0.1")
# An instance that fails a request is left out for 5 s, then tried again (deploy/nginx.conf).
UPSTREAM_OPTIONS = "max_fails=1 fail_timeout=5s"


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


def upstream_servers(ports):
    return "\n        ".join(f"server 127.0.0.1:{port} {UPSTREAM_OPTIONS};" for port in ports)
