"""Settings for trdsite, read from the environment.

Production is the default: DEBUG is off unless set, and then SECRET_KEY and ALLOWED_HOSTS must be
given. `make run` sets DEBUG=1 for local development. See README.md for every variable.
"""

import os
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name):
    return [item.strip() for item in os.environ.get(name, "").split(",") if item.strip()]


def env_int(name, default):
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


DEBUG = env_bool("DEBUG")

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set the SECRET_KEY environment variable to a long random "
            "string (or DEBUG=1 for local development)."
        )
    SECRET_KEY = "django-insecure-local-development-only"  # noqa: S105 - DEBUG only

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
if not ALLOWED_HOSTS:
    if not DEBUG:
        raise ImproperlyConfigured(
            "ALLOWED_HOSTS is not set. Set it to the site's host names, comma-separated "
            "(e.g. ALLOWED_HOSTS=curingdepression.example)."
        )
    ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]"]
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
# The site's name, as readers see it in titles, feeds and structured data.
SITE_NAME = "Curing Depression"
# The public host name, used for absolute links in feeds, sitemaps and structured data.
SITE_DOMAIN = os.environ.get("SITE_DOMAIN") or ("127.0.0.1:8000" if DEBUG else ALLOWED_HOSTS[0])
# And its scheme. Absolute links come from these two settings, never from the request: a client
# or proxy header must not change what the page cache then serves to everyone.
SITE_SCHEME = os.environ.get("SITE_SCHEME") or ("http" if DEBUG else "https")
if SITE_SCHEME not in ("http", "https"):
    raise ImproperlyConfigured(f"SITE_SCHEME must be http or https, not {SITE_SCHEME!r}.")

INSTALLED_APPS = [
    # django.contrib.admin, with every registered admin safe against crafted values
    # (operations/admin_site.py).
    "operations.admin_site.CheckedAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.sites",
    "django.contrib.redirects",
    "django.contrib.sitemaps",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "markdownx",
    "adminsortable2",
    "reversion",
    "reversion_compare",
    "axes",
    "articles",
    "interchange",
    "operations",
]

SITE_ID = 1

MIDDLEWARE = [
    # /healthz and /readyz for load balancers, before the host check and the HTTPS redirect.
    "operations.health.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # 400 for a NUL in an admin page's query string (operations/request_values.py).
    "operations.request_values.RefuseNulCharactersMiddleware",
    # Policy headers go on every response, including pages served from the page cache.
    "operations.security.ContentSecurityPolicyMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # 304 Not Modified for a matching ETag, on cached and fresh pages alike.
    "django.middleware.http.ConditionalGetMiddleware",
    # Readers' pages straight from the cache, before sessions, auth and the database.
    "operations.page_cache.PageCacheMiddleware",
    # Scheduled updates of live pages go live on the first request after their time.
    "articles.middleware.ScheduledDraftsMiddleware",
    # Images sent in one request (an article's figures, the editor's upload) share one budget.
    "articles.middleware.ImageCleaningBudgetMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Old addresses of pages whose slug changed (articles.redirects); consulted on 404 only.
    "articles.redirects.RedirectFallback",
    # Last, as django-axes requires: it turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
    # The same for an address paused after many failures (operations.signin_pause).
    "operations.signin_pause.SigninPauseMiddleware",
]

AUTHENTICATION_BACKENDS = [
    # First, so a paused address's or a locked-out username's sign-in is refused before the
    # password is even checked.
    "operations.signin_pause.AddressPauseBackend",
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "trdsite.urls"
WSGI_APPLICATION = "trdsite.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "articles.context_processors.site",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Writers queue for the lock (up to 20 s) instead of failing at once with "database is
    # locked": a transaction takes the write lock when it starts, not half-way through.
    DATABASES["default"]["OPTIONS"] = {"timeout": 20, "transaction_mode": "IMMEDIATE"}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# "default" holds what every process that serves the site must agree on: the content's current
# generation (operations.page_cache) and shared fragments, so an edit made through one process is
# seen by all at once. Redis, shared by every instance, when REDIS_URL is set; else files on this
# machine, shared by its gunicorn workers. "pages" holds rendered pages under keys that carry the
# generation, so they can never be stale: Redis too when there is one, else each process's own
# memory (the fastest hit, and no page bytes on disk).
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            # Django's Redis backend; while Redis is down, pages come from the database.
            "BACKEND": "operations.cache_backend.FailSafeRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "trdsite"),
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5, "RETRY_AFTER": 5},
        }
    }
    CACHES["pages"] = CACHES["default"]
    # Rate limits' counts (feedback, failed sign-ins): in a Redis of their own when
    # THROTTLE_REDIS_URL names one that evicts nothing (maxmemory-policy noeviction). Beside
    # the pages, a Redis that must evict (allkeys-lru) may drop a count someone is paused by
    # when a flood of new pages (searches) fills it.
    CACHES["throttle"] = {
        **CACHES["default"],
        "LOCATION": os.environ.get("THROTTLE_REDIS_URL") or REDIS_URL,
        "KEY_PREFIX": CACHES["default"]["KEY_PREFIX"] + "-t",
    }
else:
    CACHES = {
        "default": {
            # Django's file cache, read faster: every readers' request reads the generation.
            "BACKEND": "operations.cache_backend.FileCache",
            "LOCATION": os.environ.get("CACHE_DIR", BASE_DIR / ".cache"),
        },
        "pages": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            # Bounds each worker's memory (pages of 5-50 KB), whatever searches readers make.
            "OPTIONS": {"MAX_ENTRIES": 1_000},
        },
    }
    # Rate limits' counts (readers' feedback), kept apart: a flood of them from many addresses
    # fills and culls this folder only, never the generation or callout in "default".
    CACHES["throttle"] = {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": Path(CACHES["default"]["LOCATION"]) / "throttle",
        "OPTIONS": {"MAX_ENTRIES": 20_000},
    }
# How long browsers and shared caches (CDN, nginx) may reuse a public page, in seconds. The
# site's own page cache is invalidated on every edit; theirs only expire.
PAGE_CACHE_MAX_AGE = env_int("PAGE_CACHE_MAX_AGE", 60)
PAGE_CACHE_TIMEOUT = env_int("PAGE_CACHE_TIMEOUT", 60 * 60 * 24)
# For benchmarks and tests only: a request carrying the header this names (e.g. X-Bench-Bypass)
# is neither answered from nor stored in the page cache, so it measures a full page build. Empty
# (off) unless set: never set it in production, where it would let anyone skip the cache.
PAGE_CACHE_BYPASS_HEADER = os.environ.get("PAGE_CACHE_BYPASS_HEADER", "")

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = os.environ.get("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Compressed, content-hashed files that WhiteNoise serves with far-future cache headers.
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Uploads in S3-compatible object storage (django-storages) when a bucket is configured; the
# rest of its settings (AWS_S3_ENDPOINT_URL, AWS_S3_CUSTOM_DOMAIN, credentials...) are read by
# django-storages and boto3 from the environment as usual.
AWS_STORAGE_BUCKET_NAME = os.environ.get("AWS_STORAGE_BUCKET_NAME", "")
if AWS_STORAGE_BUCKET_NAME:
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": AWS_STORAGE_BUCKET_NAME,
            "endpoint_url": os.environ.get("AWS_S3_ENDPOINT_URL") or None,
            "custom_domain": os.environ.get("AWS_S3_CUSTOM_DOMAIN") or None,
            "region_name": os.environ.get("AWS_S3_REGION_NAME") or None,
            "file_overwrite": False,
            "querystring_auth": env_bool("AWS_QUERYSTRING_AUTH", False),
            "object_parameters": {"CacheControl": "public, max-age=31536000, immutable"},
        },
    }

FIXTURE_DIRS = [BASE_DIR / "fixtures"]

# The editor's live preview and image upload. They are mounted under /admin/ and only answer
# signed-in staff (articles.admin.editor_endpoints); the preview uses the same pipeline as public
# pages.
MARKDOWNX_MARKDOWNIFY_FUNCTION = "articles.markdown.render_preview"
MARKDOWNX_URLS_PATH = "/admin/markdownx/markdownify/"
MARKDOWNX_UPLOAD_URLS_PATH = "/admin/markdownx/upload/"
MARKDOWNX_MEDIA_PATH = "uploads/"
MARKDOWNX_UPLOAD_MAX_SIZE = 5 * 1024 * 1024
MARKDOWNX_UPLOAD_CONTENT_TYPES = ["image/png", "image/jpeg", "image/gif", "image/webp"]
# The editor keeps a fixed height and scrolls, beside its preview (static/admin/css/
# editor_layout.css), instead of growing to the length of the text.
MARKDOWNX_EDITOR_RESIZABLE = False

# Security. Django's defaults already send nosniff, X-Frame-Options: DENY, a same-origin
# Referrer-Policy and Cross-Origin-Opener-Policy; the rest only makes sense over HTTPS, so it is
# on whenever DEBUG is off.
SESSION_COOKIE_HTTPONLY = True
# markdownx's editor reads the token from the form when the cookie is out of its reach.
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
if not DEBUG:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    if env_bool("SECURE_PROXY_SSL_HEADER"):
        # Only behind a proxy that sets X-Forwarded-Proto itself and strips it from clients.
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")


# Content-Security-Policy (django-csp). Readers' pages run no script of ours and no inline code
# at all; images come from this site (uploads included) or the media domain. The admin relaxes
# styles only: operations.security.
def media_origins():
    """Where uploaded images are served from, when that is not this site: object storage."""
    if not AWS_STORAGE_BUCKET_NAME:
        return []
    if custom_domain := os.environ.get("AWS_S3_CUSTOM_DOMAIN"):
        # The origin only: a domain with a path (`example.org/media`, uploads proxied by the
        # web server) would, as a CSP source, allow that exact path and no file under it.
        return ["https://" + urlsplit(f"https://{custom_domain}").netloc]
    if endpoint := os.environ.get("AWS_S3_ENDPOINT_URL"):
        return ["{0.scheme}://{0.netloc}".format(urlsplit(endpoint))]
    # AWS itself: the bucket's virtual-host name, with or without its region.
    region = os.environ.get("AWS_S3_REGION_NAME")
    hosts = [f"{AWS_STORAGE_BUCKET_NAME}.s3.amazonaws.com"]
    if region:
        hosts.append(f"{AWS_STORAGE_BUCKET_NAME}.s3.{region}.amazonaws.com")
    return [f"https://{host}" for host in hosts]


CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, *media_origins()],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "upgrade-insecure-requests": not DEBUG,
        "report-uri": env_list("CSP_REPORT_URI") or None,
    }
}
# Features no page of the site uses, refused to it and to anything it might embed.
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer", "autoplay", "camera", "display-capture", "geolocation", "gyroscope",
        "magnetometer", "microphone", "midi", "payment", "usb", "xr-spatial-tracking",
    )
}  # fmt: skip

# Sign-in throttling (django-axes): after AXES_FAILURE_LIMIT failed attempts for one username
# from one address, that pair is locked out for AXES_COOLOFF_HOURS. Staff unlock it sooner in
# the admin (Axes > Access attempts: delete the row) or with `manage.py axes_reset_username`.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_HOURS", 1)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# And any address after this many failures in AXES_COOLOFF_HOURS, whatever the usernames: each
# costs a password hash (operations.signin_pause).
SIGNIN_ADDRESS_LIMIT = env_int("SIGNIN_ADDRESS_LIMIT", 20)
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
# The client's address: the connection's (REMOTE_ADDR) unless CLIENT_IP_HEADER names the header
# a proxy in front sets to it (deploy/nginx.conf: X-Real-IP). Behind a proxy without it, every
# sign-in comes from the proxy's address, and anyone could pause an editor's sign-in.
CLIENT_IP_HEADER = os.environ.get("CLIENT_IP_HEADER", "")
AXES_CLIENT_IP_CALLABLE = "articles.readers.client_ip"
AXES_USERNAME_CALLABLE = "operations.signin_names.signin_username"
# Readers' feedback on a page (articles.reader_feedback): at most FEEDBACK_RATE_LIMIT sends from
# one address (the same client address as above) per FEEDBACK_RATE_PERIOD seconds. The count is
# kept in the "default" cache under a keyed hash of the address, and expires with the period;
# the address itself is stored nowhere.
FEEDBACK_RATE_LIMIT = env_int("FEEDBACK_RATE_LIMIT", 10)
FEEDBACK_RATE_PERIOD = env_int("FEEDBACK_RATE_PERIOD", 60 * 60)

# How long personal data is kept (`manage.py forget_personal_data`, run daily, deletes it; the
# privacy page states these figures): readers' feedback comments, in days. Outside reviewers'
# emails go when their review link ends.
FEEDBACK_RETENTION_DAYS = env_int("FEEDBACK_RETENTION_DAYS", 365)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
