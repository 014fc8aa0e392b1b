"""Settings for the fact-check desk, all read from the environment.

See the README's "Configuration" section for every variable.
"""

from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from newsroom.env import email_settings_from_url, env_bool, env_float, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", False)

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. In production (DEBUG off) the desk refuses to start "
            "without one: set SECRET_KEY to a long random string, or set DEBUG=1 for local work."
        )
    SECRET_KEY = "django-insecure-local-development-only-never-use-in-production"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "factcheck.security.apps.DeskAdminConfig",  # django.contrib.admin, whose site asks for 2FA (README "Security")
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",  # full-text search and trigrams of the fact-check library (PostgreSQL only)
    "bootstrap",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_tasks",
    "django_tasks_db",
    "axes",  # login lockout (factcheck/security/)
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "factcheck",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "factcheck.security.middleware.SecurityHeadersMiddleware",  # above WhiteNoise: static files get it too
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "factcheck.middleware.RefuseOversizedUploadsMiddleware",  # before anything reads an upload's body
    "factcheck.middleware.RejectNulCharactersMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "factcheck.security.middleware.TwoFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",  # last: turns a locked-out login into the lockout page
]

ROOT_URLCONF = "newsroom.urls"
WSGI_APPLICATION = "newsroom.wsgi.application"

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
                "factcheck.context_processors.desk",
            ],
            "builtins": ["factcheck.templatetags.text"],  # |clip, a cheap truncatechars
        },
    },
]
# Inputs, selects and rows of checkboxes written in Python, the rest by Django's templates (factcheck/widgets.py).
FORM_RENDERER = "factcheck.widgets.QuickRenderer"

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Wait for a writer instead of failing at once when two requests write together.
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
    DATABASES["default"]["CONN_MAX_AGE"] = 0

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "factcheck:desk"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-us"
TIME_ZONE = env_str("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# Stored photos and videos (factcheck.media): local files by default; S3-compatible object
# storage (AWS S3, MinIO, Ceph, R2...) through django-storages when MEDIA_S3_BUCKET is set, so
# several web servers and workers share them. Files are served by the desk's own views (login,
# attachment, nosniff), never from a public URL of ours.
MEDIA_ROOT = Path(env_str("MEDIA_ROOT") or BASE_DIR / "media-files")
MEDIA_URL = "/media-files/"  # not served: the views stream files from the storage
MEDIA_S3_BUCKET = env_str("MEDIA_S3_BUCKET")
_media_storage: dict = {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": MEDIA_ROOT}}
if MEDIA_S3_BUCKET:
    _media_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": MEDIA_S3_BUCKET,
            "endpoint_url": env_str("MEDIA_S3_ENDPOINT_URL") or None,
            "region_name": env_str("MEDIA_S3_REGION") or None,
            "access_key": env_str("MEDIA_S3_ACCESS_KEY_ID") or None,
            "secret_key": env_str("MEDIA_S3_SECRET_ACCESS_KEY") or None,
            "location": env_str("MEDIA_S3_PREFIX", "factcheck"),
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
MEDIA_MAX_BYTES = env_int("MEDIA_MAX_BYTES", 20_000_000)  # a photo or video larger than this is refused
MEDIA_MAX_PIXELS = env_int("MEDIA_MAX_PIXELS", 50_000_000)  # width x height; decompression bombs stop here
MEDIA_MAX_FRAMES = env_int("MEDIA_MAX_FRAMES", 500)  # frames of an animated GIF or WebP
MEDIA_KEYFRAMES = env_int("MEDIA_KEYFRAMES", 6)  # keyframes kept per video (scene changes)

# Suggested claims (factcheck.detection, factcheck.checkworthiness): an article gets at most
# SUGGESTIONS_PER_ARTICLE suggestions scoring at least SUGGESTION_THRESHOLD (empty: the
# model's own "medium" threshold); the other candidates stay on the article's page.
SUGGESTIONS_PER_ARTICLE = env_int("SUGGESTIONS_PER_ARTICLE", 10)
SUGGESTION_THRESHOLD = env_float("SUGGESTION_THRESHOLD", None)
# Where `manage.py retrain_checkworthiness` writes the model it trains; used instead of the shipped one when present.
CHECKWORTHINESS_MODEL_PATH = Path(env_str("CHECKWORTHINESS_MODEL_PATH") or BASE_DIR / "var" / "checkworthiness.json")

STORAGES = {
    "default": _media_storage,
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Email: EMAIL_URL wins; otherwise the individual EMAIL_* variables.
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
if env_str("EMAIL_URL"):
    globals().update(email_settings_from_url(env_str("EMAIL_URL")))
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "factcheck-desk@localhost")
# Seconds an SMTP server may take: sending from the outbox must end well within its lease.
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Background work (django-tasks): "thread" (the default) runs a task in a pool of threads of the
# process that queued it, so requests never wait for fetching; "database" stores it for
# `manage.py db_worker` (production: survives restarts, any number of workers); "immediate"
# runs it in the request that queued it (the test suite).
_TASK_BACKENDS = {
    "thread": "factcheck.background.ThreadBackend",
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
    "database": "django_tasks_db.DatabaseBackend",
    "dummy": "django_tasks.backends.dummy.DummyBackend",
}
_tasks_backend = env_str("TASKS_BACKEND", "thread")
if _tasks_backend not in _TASK_BACKENDS and "." not in _tasks_backend:
    raise ImproperlyConfigured(
        f"TASKS_BACKEND={_tasks_backend!r} is unknown; use thread, database, immediate, dummy or a dotted path."
    )
TASKS = {"default": {"BACKEND": _TASK_BACKENDS.get(_tasks_backend, _tasks_backend), "QUEUES": ["default"]}}
TASKS_THREADS = env_int("TASKS_THREADS", 4)  # threads of the thread backend, per process
# A URL import still queued this many seconds after it was queued (or started) is queued again by
# `manage.py retry_imports` (and by the next URL import), at most IMPORT_MAX_ATTEMPTS times in
# all; then it is marked failed with the reason.
IMPORT_QUEUE_DEADLINE = env_int("IMPORT_QUEUE_DEADLINE", 900)
IMPORT_MAX_ATTEMPTS = env_int("IMPORT_MAX_ATTEMPTS", 3)

# Article import: the safe fetcher's limits (see factcheck/importing/fetch.py).
IMPORT_FETCH_TIMEOUT = env_int("IMPORT_FETCH_TIMEOUT", 10)
IMPORT_FETCH_MAX_BYTES = env_int("IMPORT_FETCH_MAX_BYTES", 5_000_000)
IMPORT_FETCH_MAX_REDIRECTS = env_int("IMPORT_FETCH_MAX_REDIRECTS", 5)
IMPORT_FETCH_ALLOWED_NETWORKS = env_list("IMPORT_FETCH_ALLOWED_NETWORKS")
# Untrusted HTML (factcheck/importing/bounds.py): refused past these limits before it is cleaned or
# read; then cleaned and read in a child process given IMPORT_HTML_TIMEOUT seconds (0: no budget).
IMPORT_HTML_MAX_DEPTH = env_int("IMPORT_HTML_MAX_DEPTH", 200)
IMPORT_HTML_MAX_ELEMENTS = env_int("IMPORT_HTML_MAX_ELEMENTS", 50_000)
IMPORT_HTML_TIMEOUT = env_int("IMPORT_HTML_TIMEOUT", 10)
# A batch of files (an upload of several, `manage.py import_articles`) reads this many files ahead of
# the one being stored, in threads whose HTML goes to the sandbox's children: 0 reads one at a time;
# unset, one per processor; at most the sandbox's 4 idle children (factcheck/importing/sources.py).
IMPORT_READ_AHEAD = env_int("IMPORT_READ_AHEAD", 0) if env_str("IMPORT_READ_AHEAD") else None
# The longest article the desk takes, in characters of text (every source: page, API, file, URL, feed).
ARTICLE_MAX_CHARS = env_int("ARTICLE_MAX_CHARS", 500_000)

# The cache every process shares (API rate limits): Redis when REDIS_URL is set, else a table in
# the database (created by `migrate`, see FactcheckConfig).
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL and not REDIS_URL.startswith(("redis://", "rediss://", "unix://")):
    raise ImproperlyConfigured(f"REDIS_URL={REDIS_URL!r} must start with redis://, rediss:// or unix://.")
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    if REDIS_URL
    else {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "factcheck_cache",
        # Culling (a third of the rows, past MAX_ENTRIES) would forget rate-limit counts: room for many clients.
        "OPTIONS": {"MAX_ENTRIES": 10_000},
    }
}

# Where people reach the desk; used for links in emails.
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_FILTER_BACKENDS": ["factcheck.api.filters.FilterBackend"],  # django-filter's, skipped when unused
    "EXCEPTION_HANDLER": "factcheck.api.errors.exception_handler",
    "DEFAULT_RENDERER_CLASSES": [  # orjson, DRF's bytes (factcheck/api/renderers.py)
        "factcheck.api.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "DEFAULT_PARSER_CLASSES": [
        "factcheck.api.parsers.JSONParser",  # refuses nesting past API_JSON_MAX_DEPTH with a 400
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_THROTTLE_CLASSES": [  # counted in the shared cache (CACHES), under a lock: factcheck/api/throttling.py
        "factcheck.api.throttling.AnonRateThrottle",
        "factcheck.api.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env_str("API_THROTTLE_ANON", "60/min"),
        "user": env_str("API_THROTTLE_USER", "1200/min"),
    },
    "DEFAULT_PAGINATION_CLASS": "factcheck.api.pagination.SyncCursorPagination",
    "PAGE_SIZE": 50,
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
API_MAX_PAGE_SIZE = env_int("API_MAX_PAGE_SIZE", 200)
API_JSON_MAX_DEPTH = env_int("API_JSON_MAX_DEPTH", 64)  # deeper JSON bodies are refused (400)
# The largest request body other than a file upload (JSON, forms), everywhere: larger ones get a
# 413 with a sentence (JSON under /api/). Room for an article at ARTICLE_MAX_CHARS, escaped.
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("REQUEST_MAX_BYTES", 10_000_000)
API_SYNC_SETTLE_SECONDS = env_int("API_SYNC_SETTLE_SECONDS", 2)

SPECTACULAR_SETTINGS = {
    "TITLE": "Fact-check desk API",
    "DESCRIPTION": (
        "Push articles in, pull published verdicts out (JSON and schema.org ClaimReview), and drive the "
        "claim workflow. Service accounts authenticate with `Authorization: Token <key>`; people with their "
        'session. Errors are JSON: `{"error": {"message": ..., "fields": {...}}}`.'
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # Two choice sets share the name "kind": a claim's kind and a media item's.
    "ENUM_NAME_OVERRIDES": {
        "ClaimKindEnum": "factcheck.models.claims.Claim.Kind",
        "MediaKindEnum": "factcheck.models.articles.Media.Kind",
    },
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# Production hardening: on whenever DEBUG is off, each switchable for setups
# that terminate TLS elsewhere (see README).
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
X_FRAME_OPTIONS = "DENY"
if env_bool("BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"stdout": {"class": "logging.StreamHandler", "stream": "ext://sys.stdout", "formatter": "plain"}},
    "root": {"handlers": ["stdout"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# --- ClaimReview (claimreview.py) ---
# Where readers find a published fact-check (ClaimReview's "url"): the public base URL plus a
# path template with {id}, the claim's id; and the newsroom named as the fact-check's author.
FACTCHECK_PUBLIC_URL = (env_str("FACTCHECK_PUBLIC_URL") or SITE_URL).rstrip("/")
FACTCHECK_URL_TEMPLATE = env_str("FACTCHECK_URL_TEMPLATE") or "/claims/{id}/"
try:
    _factcheck_path = FACTCHECK_URL_TEMPLATE.format(id=1)
except (KeyError, IndexError, ValueError):
    _factcheck_path = ""
if "{id}" not in FACTCHECK_URL_TEMPLATE or not _factcheck_path:
    raise ImproperlyConfigured(
        f"FACTCHECK_URL_TEMPLATE={FACTCHECK_URL_TEMPLATE!r} must contain {{id}} and no other placeholder, "
        "e.g. /claims/{id}/ or /fact-checks/{id}.html."
    )
FACTCHECK_ORGANIZATION_NAME = env_str("FACTCHECK_ORGANIZATION_NAME") or "Newsroom"
FACTCHECK_ORGANIZATION_URL = env_str("FACTCHECK_ORGANIZATION_URL") or SITE_URL

# --- Webhooks (webhooks.py) ---
# Signed POSTs to the CMS (see factcheck/webhooks.py and the README's "Webhooks").
WEBHOOK_TIMEOUT = env_int("WEBHOOK_TIMEOUT", 10)  # seconds to connect, and to wait for the answer
WEBHOOK_RETRY_BASE = env_int("WEBHOOK_RETRY_BASE", 30)  # seconds before the 2nd attempt; doubles after each
WEBHOOK_MAX_ATTEMPTS = env_int("WEBHOOK_MAX_ATTEMPTS", 8)  # then the delivery is failed (redeliver from the admin)

# --- Sign-in (lockout, two-factor, OpenID Connect) and response headers (CSP, Permissions-Policy) ---
# Read from the environment in newsroom/security_settings.py; README, "Security".
from newsroom.security_settings import *  # noqa: E402,F403
