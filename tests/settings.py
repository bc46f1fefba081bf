"""Test configuration: production settings plus what only tests need."""

import os
import tempfile

os.environ.setdefault("SECRET_KEY", "tests-only-not-secret")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
# A cache folder for this process alone: parallel workers (`make test-fast`) inherit the first
# one's environment, and sharing it would let one clear another's cache mid-test.
os.environ["CACHE_DIR"] = tempfile.mkdtemp(prefix="trdsite-test-cache-")

from trdsite.settings import *  # noqa: E402, F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Tests render templates without running collectstatic first.
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = tempfile.mkdtemp(prefix="trdsite-test-media-")
STATIC_ROOT = tempfile.mkdtemp(prefix="trdsite-test-static-")
# The test client speaks plain HTTP.
SECURE_SSL_REDIRECT = False
SITE_DOMAIN = "testserver"
SITE_SCHEME = "http"
