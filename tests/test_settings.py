"""Settings come from the environment; production mode is locked down."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from newsroom.env import email_settings_from_url, env_bool, env_int

ROOT = Path(__file__).resolve().parent.parent


def _manage(*args, **env):
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"SECRET_KEY", "DEBUG", "ALLOWED_HOSTS", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    clean.update(DJANGO_SETTINGS_MODULE="newsroom.settings", **env)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=clean, capture_output=True, text=True, timeout=120
    )


def test_check_deploy_is_clean_in_production_mode():
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="desk.example.org",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_mode_refuses_to_start_without_a_secret():
    result = _manage("check", DEBUG="0")
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_a_bad_boolean_fails_loudly():
    result = _manage("check", DEBUG="maybe")
    assert result.returncode != 0
    assert "DEBUG='maybe' is not a boolean" in result.stderr


def test_env_helpers(monkeypatch):
    monkeypatch.setenv("FLAG", "Yes")
    monkeypatch.setenv("COUNT", "12")
    assert env_bool("FLAG") is True and env_int("COUNT", 0) == 12
    assert env_bool("UNSET_FLAG", True) is True
    monkeypatch.setenv("COUNT", "twelve")
    with pytest.raises(ImproperlyConfigured, match="whole number"):
        env_int("COUNT", 0)


def test_email_url_is_translated_to_django_settings():
    smtp = email_settings_from_url("smtp://desk%40example.org:p%40ss@mail.example.org:587?tls=1")
    assert smtp["EMAIL_HOST"] == "mail.example.org" and smtp["EMAIL_PORT"] == 587
    assert smtp["EMAIL_HOST_USER"] == "desk@example.org" and smtp["EMAIL_HOST_PASSWORD"] == "p@ss"
    assert smtp["EMAIL_USE_TLS"] is True and smtp["EMAIL_USE_SSL"] is False
    assert email_settings_from_url("console:")["EMAIL_BACKEND"].endswith("console.EmailBackend")
    with pytest.raises(ImproperlyConfigured, match="not supported"):
        email_settings_from_url("carrier-pigeon://coop")


def test_media_go_to_s3_compatible_storage_when_a_bucket_is_set():
    """django-storages' S3 backend, private objects, at the configured endpoint (nothing is contacted)."""
    script = (
        "from django.core.files.storage import storages; s = storages['default']; "
        "print(type(s).__module__, s.bucket_name, s.endpoint_url, s.default_acl, s.location)"
    )
    env = {"MEDIA_S3_BUCKET": "desk-media", "MEDIA_S3_ENDPOINT_URL": "http://127.0.0.1:9000", "DEBUG": "1"}
    result = _manage("shell", "--no-imports", "-c", script, **env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "storages.backends.s3",
        "desk-media",
        "http://127.0.0.1:9000",
        "private",
        "factcheck",
    ]
    local = _manage(
        "shell",
        "--no-imports",
        "-c",
        "from django.core.files.storage import storages; print(type(storages['default']).__name__)",
        DEBUG="1",
    )
    assert local.stdout.strip() == "FileSystemStorage"


def test_import_read_ahead_is_unset_a_whole_number_or_refused():
    """IMPORT_READ_AHEAD (issue 14): unset means one per processor; anything but a whole number stops start-up."""
    show = ["shell", "--no-imports", "-c", "from django.conf import settings; print(settings.IMPORT_READ_AHEAD)"]
    assert _manage(*show, DEBUG="1").stdout.strip() == "None"
    assert _manage(*show, DEBUG="1", IMPORT_READ_AHEAD="3").stdout.strip() == "3"
    refused = _manage("check", DEBUG="1", IMPORT_READ_AHEAD="two")
    assert refused.returncode != 0 and "IMPORT_READ_AHEAD='two' is not a whole number" in refused.stderr
