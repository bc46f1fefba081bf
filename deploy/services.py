"""What `make cluster` runs (deploy/cluster.py), as one object that tests (tests/operations/
test_cluster.py) and the benchmark (bench/cluster.py) drive too: a PostgreSQL database, Redis,
moto's S3 server and its bucket, gunicorn instances and nginx, on this machine."""

import contextlib
import functools
import json
import os
import re
import secrets
import shlex
import shutil
import signal
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import boto3

from deploy import run_folder
from deploy.database import DEFAULT_SERVER, ClusterDatabase, own_database
from deploy.nginx_config import (
    HOSTS,
    nginx_config,
    self_signed_certificate,
    upload_limits,
    upstream_servers,
)
from deploy.processes import ROOT, ClusterError, Processes, answers, wait_until
from deploy.run_folder import forget
from tests.support.servers import PYTHON, free_port, is_up, manage, site_env

RUN_DIR = ROOT / ".cluster"
STORE_REGION = "us-east-1"
# The cluster's Redis holds caches only, every key with an expiry: pages (every distinct search
# is one), the content's generation (evicted: a new one starts) and the rate limits' counts
# (articles.rate_limits: evicted, an address gets its allowance again). Bounded, it evicts the
# least recently used: a count in use is recently used; pages nobody reads go first (README,
# "Running at scale": the counts in a Redis of their own where that is not enough).
REDIS_MEMORY = "maxmemory 256mb\nmaxmemory-policy allkeys-lru\n"


@dataclass
class Ports:
    https: int = 8443
    http: int = 8480
    instances: tuple = (8481, 8482)
    redis: int = 8479
    store: int = 8478

    @classmethod
    def free(cls, instances=2):
        """Ports the system has free now: for tests, beside a cluster on the defaults."""
        return cls(
            https=free_port(),
            http=free_port(),
            instances=tuple(free_port() for _ in range(instances)),
            redis=free_port(),
            store=free_port(),
        )


def public_read(bucket):
    """A bucket policy letting anyone read (never list or write) the bucket's objects."""
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "ReadersReadUploads",
                "Effect": "Allow",
                "Principal": "*",
                "Action": "s3:GetObject",
                "Resource": f"arn:aws:s3:::{bucket}/*",
            }
        ],
    }


class Cluster(ClusterDatabase):
    """Everything `make cluster` runs; tests and bench/cluster.py drive it too."""

    def __init__(
        self,
        run_dir=RUN_DIR,
        ports=None,
        instances=2,
        workers=2,
        database=None,
        bucket="trdsite-cluster",
        database_server=None,
    ):
        self.run_dir = Path(run_dir)
        self.ports = ports or Ports()
        if instances > len(self.ports.instances):
            raise ClusterError(f"{instances} instances need as many ports")
        self.instances = instances
        self.workers = workers
        database = database or own_database(self.run_dir)
        # The cluster drops its database at every start and stop (WITH FORCE): a name of its
        # own only, never `--database trdsite` or any other site's data.
        if not re.fullmatch(r"trdsite_(bench_)?cluster\w*", database):
            raise ClusterError(
                f"The cluster drops its database at start and stop, so it must be one of its own "
                f"(trdsite_cluster…), not {database!r}."
            )
        self.database = database
        self.bucket = bucket
        self.database_server = (
            database_server
            or os.environ.get("DATABASE_URL", "").rsplit("/", 1)[0]
            or DEFAULT_SERVER
        )
        self.processes = Processes(self.run_dir / "pids")
        self.logs = self.run_dir / "logs"
        self.certificate = self.run_dir / "tls" / "certificate.pem"
        # Cache values are pickled: whoever can write to this Redis runs code in the instances.
        self.redis_password = secrets.token_urlsafe(32)
        self.env = self.instance_env()

    # What the instances, manage.py and readers need to know

    @property
    def origin(self):
        return f"https://{HOSTS[0]}:{self.ports.https}"

    @property
    def database_url(self):
        return f"{self.database_server}/{self.database}"

    @property
    def store_url(self):
        return f"http://127.0.0.1:{self.ports.store}"

    def instance_env(self):
        https = self.ports.https
        return site_env(
            self.run_dir,
            SECRET_KEY=secrets.token_urlsafe(50),
            ALLOWED_HOSTS=",".join(HOSTS),
            SITE_DOMAIN=f"{HOSTS[0]}:{https}",
            # nginx passes the host without its port; a form's Origin has it.
            CSRF_TRUSTED_ORIGINS=",".join(f"https://{host}:{https}" for host in HOSTS),
            SECURE_SSL_REDIRECT="1",
            SECURE_PROXY_SSL_HEADER="1",
            SECURE_HSTS_PRELOAD="0",
            CLIENT_IP_HEADER="X-Real-IP",
            DATABASE_URL=self.database_url,
            REDIS_URL=f"redis://:{self.redis_password}@127.0.0.1:{self.ports.redis}/0",
            AWS_STORAGE_BUCKET_NAME=self.bucket,
            AWS_S3_ENDPOINT_URL=self.store_url,
            AWS_S3_REGION_NAME=STORE_REGION,
            # Pages link uploads under this site's /media/, which nginx takes from the bucket.
            AWS_S3_CUSTOM_DOMAIN=f"{HOSTS[0]}:{https}/media",
            # moto accepts any credentials; these only have to be present.
            AWS_ACCESS_KEY_ID="cluster",
            AWS_SECRET_ACCESS_KEY="cluster-not-secret",  # noqa: S106
            # Redis is the cluster's own: no other run's keys to keep apart from.
            CACHE_KEY_PREFIX="trdsite-cluster",
        )

    def s3(self):
        return boto3.client(
            "s3",
            endpoint_url=self.store_url,
            region_name=STORE_REGION,
            aws_access_key_id=self.env["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=self.env["AWS_SECRET_ACCESS_KEY"],
        )

    # Starting and stopping

    def start(self, empty=False):
        """Everything, with the seed's content; `empty`: a migrated database with no content
        and no account, and an empty bucket, for `make restore`."""
        if running := self.processes.recorded():
            raise ClusterError(
                f"A cluster is already running from {self.run_dir} ({', '.join(running)}): "
                "stop it first (make cluster-stop)."
            )
        for tool in ("nginx", "redis-server", "openssl"):
            if not shutil.which(tool):
                raise ClusterError(f"{tool} is not installed (make cluster installs it).")
        for option, port in self.port_options():
            if is_up(("127.0.0.1", port)):
                raise ClusterError(
                    f"Port {port} is in use already: stop what uses it, or choose another "
                    f"with {option}."
                )
        # Nothing from an earlier run that was killed: no page nginx kept, no old secret.
        forget(self.run_dir)
        run_folder.prepare(self.run_dir)
        try:
            self_signed_certificate(self.certificate.parent)
            self.start_redis()
            self.start_store()
            self.create_bucket()
            self.create_database()
            self.manage("migrate", "--noinput", "-v0")
            self.manage("collectstatic", "--noinput", "-v0")
            if not empty:
                self.manage("seed", "-v0")
            for number in range(self.instances):
                self.start_instance(number)
            self.start_nginx()
        except BaseException:
            self.stop()
            raise
        self.write_env_file()

    def manage(self, *command, env=None):
        """manage.py with the instances' settings; a failure says what it printed."""
        try:
            manage(env or self.env, *command, timeout=600)
        except subprocess.CalledProcessError as error:
            said = (error.stderr or b"").decode(errors="replace").strip().splitlines()[-5:]
            raise ClusterError(
                f"manage.py {' '.join(command)} failed: " + "\n".join(said)
            ) from None

    def port_options(self):
        """(the command's option, port) of every port the cluster listens on."""
        return [
            ("--https-port", self.ports.https),
            ("--http-port", self.ports.http),
            *(("--instance-ports", port) for port in self.ports.instances[: self.instances]),
            ("--redis-port", self.ports.redis),
            ("--store-port", self.ports.store),
        ]

    def stop(self, drop_database=True):
        """Stop every process (the proxy first, so nothing new reaches the instances), remove
        the secrets, then drop the database: with the bucket gone, its uploads would be broken
        links."""
        for name in ["nginx", *(f"instance-{n + 1}" for n in range(self.instances))]:
            self.processes.stop(name)
        self.processes.stop("store")
        self.processes.stop("redis")
        forget(self.run_dir)
        if drop_database:
            with contextlib.suppress(ClusterError):
                self.drop_database(self.database)

    def start_redis(self):
        """Redis on loopback only, answering only with the cluster's password: given in a file
        of the owner's, as a command line is anyone's to read (ps)."""
        log = self.logs / "redis.log"
        run_folder.write_private(
            self.run_dir / "redis.conf", f"requirepass {self.redis_password}\n{REDIS_MEMORY}"
        )
        config = self.run_dir / "redis.conf"
        process = self.processes.spawn(
            "redis",
            ["redis-server", str(config), "--bind", "127.0.0.1", "--port", str(self.ports.redis)]
            + ["--save", "", "--appendonly", "no", "--dir", str(self.run_dir)],
            log=log,
        )
        wait_until(lambda: is_up(("127.0.0.1", self.ports.redis)), "redis-server", process, log)

    def stop_redis(self):
        self.processes.stop("redis")

    def start_store(self):
        log = self.logs / "store.log"
        process = self.processes.spawn(
            "store",
            [PYTHON, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(self.ports.store)],
            log=log,
        )
        wait_until(lambda: answers(self.store_url), "moto's S3 server", process, log)

    def create_bucket(self):
        """The bucket, readable by anyone (nginx fetches uploads for readers unsigned), written
        only with credentials: uploads are public images, as on the site."""
        s3 = self.s3()
        s3.create_bucket(Bucket=self.bucket)
        s3.put_bucket_policy(Bucket=self.bucket, Policy=json.dumps(public_read(self.bucket)))

    def instance_port(self, number):
        return self.ports.instances[number]

    def start_instance(self, number):
        port = self.instance_port(number)
        name = f"instance-{number + 1}"
        log = self.logs / f"{name}.log"
        gunicorn = [PYTHON, "-m", "gunicorn", "--workers", str(self.workers)]
        process = self.processes.spawn(
            name,
            [*gunicorn, "--bind", f"127.0.0.1:{port}"]
            + ["--access-logfile", str(self.access_log(number)), "trdsite.wsgi"],
            env=self.env,
            log=log,
        )
        wait_until(
            lambda: answers(f"http://127.0.0.1:{port}/healthz"), f"gunicorn {name}", process, log
        )

    def kill_instance(self, number):
        """SIGKILL to the instance and its workers, as a machine dying does."""
        self.processes.stop(f"instance-{number + 1}", sig=signal.SIGKILL)

    def access_log(self, number):
        return self.logs / f"instance-{number + 1}.access.log"

    def start_nginx(self, instances=None):
        folder = self.run_dir / "nginx"
        folder.mkdir(exist_ok=True)
        # nginx's workers drop root for an unprivileged user that must reach the static files
        # (and its buffers' folders in nginx/), never list or read the rest.
        for path in (self.run_dir, folder):
            path.chmod(0o711)
        self.write_nginx_config(instances or self.instances)
        log = folder / "error.log"
        process = self.processes.spawn(
            "nginx",
            ["nginx", "-c", str(folder / "nginx.conf"), "-e", str(log), "-g", "daemon off;"],
            log=self.logs / "nginx.log",
        )
        wait_until(lambda: is_up(("127.0.0.1", self.ports.https)), "nginx", process, log)

    def write_nginx_config(self, instances):
        folder = self.run_dir / "nginx"
        config = nginx_config(
            listen=f"127.0.0.1:{self.ports.https} ssl",
            certificate=self.certificate,
            certificate_key=self.certificate.with_name("key.pem"),
            redirect_listen=f"127.0.0.1:{self.ports.http}",
            https_port=f":{self.ports.https}",
            server_name=HOSTS[0],
            servers=upstream_servers(self.ports.instances[:instances]),
            static_root=self.env["STATIC_ROOT"],
            media_source=f"proxy_pass {self.store_url}/{self.bucket}/",
            pid=folder / "nginx.pid",
            error_log=folder / "error.log",
            temp=folder,
            **self.upload_limits,
        )
        (folder / "nginx.conf").write_text(config)

    @functools.cached_property
    def upload_limits(self):
        return upload_limits(self.env)

    def reload_nginx(self, instances):
        """nginx with `instances` of the instances; the old workers finish their requests while
        new ones start."""
        self.write_nginx_config(instances)
        os.kill(self.processes.recorded()["nginx"], signal.SIGHUP)
        time.sleep(1)  # nginx gives no signal that its new workers are up; they take < 1 s

    def write_env_file(self):
        """The settings the cluster gives its instances (those not already in this
        environment), for the shell: `set -a; . .cluster/env; set +a`. Owner only: it holds
        SECRET_KEY."""
        given = {name: value for name, value in self.env.items() if os.environ.get(name) != value}
        run_folder.write_private(
            self.run_dir / "env",
            "".join(f"{name}={shlex.quote(value)}\n" for name, value in given.items()),
        )

    def add_account(self, username, group):
        """A staff account in `group` (Editors or Publishers) with a new random password,
        returned. The password reaches manage.py through its environment, never its arguments."""
        password = secrets.token_urlsafe(12)
        script = (
            "import os; from django.contrib.auth.models import Group, User\n"
            f"user = User.objects.create_user({username!r}, is_staff=True,"
            " password=os.environ['CLUSTER_ACCOUNT_PASSWORD'])\n"
            f"user.groups.add(Group.objects.get(name={group!r}))\n"
        )
        self.manage("shell", "-c", script, env={**self.env, "CLUSTER_ACCOUNT_PASSWORD": password})
        return password

    def urls(self):
        lines = [
            f"Site:    {self.origin}/  (self-signed certificate: {self.certificate})",
            f"Admin:   {self.origin}/admin/",
            f"HTTP:    http://{HOSTS[0]}:{self.ports.http}/  (redirects to HTTPS)",
        ]
        lines += [
            f"Instance {n + 1}: http://127.0.0.1:{self.instance_port(n)}/readyz"
            for n in range(self.instances)
        ]
        lines += [
            f"S3 (moto): {self.store_url}/{self.bucket}  "
            f"Redis: 127.0.0.1:{self.ports.redis} (its password: REDIS_URL in the settings)",
            f"PostgreSQL: {self.database_url}",
            f"Settings for manage.py / make backup: set -a; . {self.run_dir / 'env'}; set +a",
        ]
        return "\n".join(lines)
