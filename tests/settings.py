"""Settings for the test suite: the real settings, with a throwaway secret,
fast password hashing and an in-memory mailbox."""

import os
import tempfile
from pathlib import Path

os.environ.setdefault("SECRET_KEY", "tests-only-" + "x" * 60)

from newsroom.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend", "QUEUES": ["default"]}}
SECURE_SSL_REDIRECT = False
# Pinned query counts measure the desk's own queries: the suite keeps the rate limits' counts in
# memory. tests/test_throttling.py runs them on the database cache (and Redis) across processes.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    # Not used by default; here so that `migrate` creates the table of the production default.
    "database": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "factcheck_cache"},
}
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}  # noqa: F405
WHITENOISE_AUTOREFRESH = True  # no collectstatic before tests
# Stored media go to a throwaway folder per test run (tests that check files use the `media_root` fixture).
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="factcheck-test-media-"))
STORAGES = {**STORAGES, "default": {"BACKEND": "django.core.files.storage.FileSystemStorage",
                                    "OPTIONS": {"location": MEDIA_ROOT}}}  # fmt: skip
# A retrained check-worthiness model never leaks into the suite: the shipped one is used
# unless a test retrains into its own folder.
CHECKWORTHINESS_MODEL_PATH = Path(tempfile.mkdtemp(prefix="factcheck-test-model-")) / "checkworthiness.json"
# Older tests name suggestions of the Panjshir article that are not all among the best ten:
# the suite keeps every candidate as a suggestion; tests of the ranking set these themselves.
SUGGESTIONS_PER_ARTICLE = 100
SUGGESTION_THRESHOLD = 0.0
