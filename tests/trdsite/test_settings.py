import os
import subprocess
import sys

import pytest
from django.conf import settings

PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "trdsite.settings",
    "SECRET_KEY": "an-example-production-secret-key-that-is-long-and-random-0123456789",
    "ALLOWED_HOSTS": "curingdepression.example",
}


def manage(*args, **env):
    clean_env = {
        k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS"}
    }
    clean_env.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=clean_env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_deploy_check_is_clean_with_production_settings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_missing_secret_key_fails_loudly_when_debug_is_off():
    env = {**PRODUCTION_ENV, "SECRET_KEY": ""}
    result = manage("check", **env)
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_missing_allowed_hosts_fails_loudly_when_debug_is_off():
    env = {**PRODUCTION_ENV, "ALLOWED_HOSTS": ""}
    result = manage("check", **env)
    assert result.returncode != 0
    assert "ALLOWED_HOSTS is not set" in result.stderr


def test_debug_mode_needs_no_secrets():
    result = manage("check", DJANGO_SETTINGS_MODULE="trdsite.settings", DEBUG="1")
    assert result.returncode == 0, result.stderr


def test_object_storage_for_uploads_when_a_bucket_is_configured():
    script = (
        "import django; django.setup();"
        "from django.core.files.storage import storages; s = storages['default'];"
        "print(type(s).__name__, s.bucket_name, s.endpoint_url)"
    )
    env = {
        **PRODUCTION_ENV,
        "AWS_STORAGE_BUCKET_NAME": "example-bucket",
        "AWS_S3_ENDPOINT_URL": "http://127.0.0.1:9/",
        "AWS_ACCESS_KEY_ID": "example",
        "AWS_SECRET_ACCESS_KEY": "example",
    }
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=settings.BASE_DIR,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.stdout.split() == ["S3Storage", "example-bucket", "http://127.0.0.1:9/"], (
        result.stderr
    )
    without = subprocess.run(
        [sys.executable, "-c", script.replace(", s.bucket_name, s.endpoint_url", "")],
        cwd=settings.BASE_DIR,
        env={**os.environ, **PRODUCTION_ENV},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert without.stdout.strip() == "FileSystemStorage", without.stderr


@pytest.mark.parametrize(
    ("storage_env", "origins"),
    [
        ({}, ["https://example-bucket.s3.amazonaws.com"]),
        ({"AWS_S3_CUSTOM_DOMAIN": "media.example.org"}, ["https://media.example.org"]),
        # Uploads proxied by the site's web server under /media/ (make cluster).
        ({"AWS_S3_CUSTOM_DOMAIN": "example.org:8443/media"}, ["https://example.org:8443"]),
        ({"AWS_S3_ENDPOINT_URL": "https://s3.example.net/x"}, ["https://s3.example.net"]),
        (
            {"AWS_S3_REGION_NAME": "eu-west-2"},
            [
                "https://example-bucket.s3.amazonaws.com",
                "https://example-bucket.s3.eu-west-2.amazonaws.com",
            ],
        ),
    ],
)
def test_images_in_object_storage_are_allowed_by_the_policy(storage_env, origins):
    script = (
        "import django; django.setup(); from django.conf import settings;"
        "print(*settings.CONTENT_SECURITY_POLICY['DIRECTIVES']['img-src'])"
    )
    env = {**os.environ, **PRODUCTION_ENV, "AWS_STORAGE_BUCKET_NAME": "example-bucket"}
    for name in ("AWS_S3_CUSTOM_DOMAIN", "AWS_S3_ENDPOINT_URL", "AWS_S3_REGION_NAME"):
        env.pop(name, None)
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=settings.BASE_DIR,
        env={**env, **storage_env},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.stdout.split() == [
        "'self'",
        *(origins or ["https://example-bucket.s3.amazonaws.com"]),
    ], result.stderr


def test_absolute_links_default_to_https_in_production_and_refuse_other_schemes():
    shown = "from django.conf import settings; print(settings.SITE_SCHEME)"
    result = manage("shell", "-c", shown, **PRODUCTION_ENV)
    assert result.stdout.splitlines()[-1] == "https", result.stderr
    result = manage("check", **PRODUCTION_ENV, SITE_SCHEME="ftp")
    assert result.returncode != 0
    assert "SITE_SCHEME must be http or https" in result.stderr


@pytest.mark.parametrize(
    ("extra", "throttle"),
    [
        ({}, "redis://127.0.0.1:9/1"),
        ({"THROTTLE_REDIS_URL": "redis://127.0.0.1:9/2"}, "redis://127.0.0.1:9/2"),
    ],
)
def test_rate_limit_counts_can_live_in_a_redis_of_their_own(extra, throttle):
    # Beside the pages, a Redis that must evict may drop a count someone is paused by.
    script = (
        "from django.conf import settings;"
        "print(settings.CACHES['pages']['LOCATION'], settings.CACHES['throttle']['LOCATION'])"
    )
    env = {**PRODUCTION_ENV, "REDIS_URL": "redis://127.0.0.1:9/1", **extra}
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup();" + script],
        cwd=settings.BASE_DIR,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.stdout.split() == ["redis://127.0.0.1:9/1", throttle], result.stderr
