"""API rate limits hold across processes (issue 13): they are counted in the shared cache —
the database by default, Redis with REDIS_URL — under a lock every process respects."""

import json
import os
import socket
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.cache import caches
from django.db import connection
from django.test import override_settings
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from factcheck.api import throttling

from .factories import editor

ROOT = Path(__file__).resolve().parent.parent
LIMIT = 10
DATABASE_CACHE = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "factcheck_cache"}}
REDIS_TEST_URL = "redis://127.0.0.1:6379/15"


def _redis_up() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.5).close()
    except OSError:
        return False
    return True


def _database_url(tmp_path: Path) -> str:
    """The test database, reachable from another process: PostgreSQL's own test database, or
    a file copy of SQLite's in-memory one (taken after the token was written)."""
    settings = connection.settings_dict
    if connection.vendor == "postgresql":
        password = f":{settings['PASSWORD']}" if settings["PASSWORD"] else ""
        host = f"{settings['HOST'] or '127.0.0.1'}:{settings['PORT'] or 5432}"
        return f"postgres://{settings['USER']}{password}@{host}/{settings['NAME']}"
    copy = tmp_path / "shared.sqlite3"
    connection.ensure_connection()
    with sqlite3.connect(copy) as target:
        connection.connection.backup(target)
    return f"sqlite:///{copy}"


def _workers(token: str, database_url: str, redis_url: str = "", count: int = 2) -> list[dict]:
    env = {
        **os.environ, "DJANGO_SETTINGS_MODULE": "newsroom.settings", "DEBUG": "1", "DATABASE_URL": database_url,
        "REDIS_URL": redis_url, "API_THROTTLE_USER": f"{LIMIT}/min", "LOG_LEVEL": "WARNING",
    }  # fmt: skip
    script = str(ROOT / "tests" / "throttle_client.py")
    processes = [
        subprocess.Popen([sys.executable, script, token, str(LIMIT)], env=env, stdout=subprocess.PIPE, text=True)
        for _ in range(count)
    ]
    outputs = [process.communicate(timeout=120)[0] for process in processes]
    assert all(process.returncode == 0 for process in processes), outputs
    return [json.loads(output.strip().splitlines()[-1]) for output in outputs]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("cache", ["database", "redis"])
def test_two_worker_processes_with_one_token_share_one_limit(cache, tmp_path):
    if cache == "redis":
        if not _redis_up():
            pytest.skip("no Redis on 127.0.0.1:6379")
        import redis

        redis.Redis.from_url(REDIS_TEST_URL).flushdb()
    token = Token.objects.create(user=editor("throttled")).key
    database_url = _database_url(tmp_path)
    try:
        answers = _workers(token, database_url, REDIS_TEST_URL if cache == "redis" else "")
    finally:
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("DELETE FROM factcheck_cache")  # not a model's table: no flush empties it
    # Each process alone would have let all its LIMIT requests through (2 x LIMIT in all).
    assert sum(a.get("200", 0) for a in answers) == LIMIT, answers
    assert sum(a.get("429", 0) for a in answers) == LIMIT, answers


@override_settings(CACHES=DATABASE_CACHE)
def test_the_database_cache_counts_each_request_and_answers_429_past_the_limit(monkeypatch, django_assert_num_queries):
    # (DRF reads the rates once, when the throttle classes are defined.)
    monkeypatch.setattr(throttling.UserRateThrottle, "THROTTLE_RATES", {"user": "2/min"})
    client = APIClient()
    client.force_authenticate(editor("counted"))
    # Expect 11: the user's permissions (1, factcheck/security/permissions.py) and the ratings (1);
    # the throttle's 5 statements — the lock, the read, and the cache's write (count, select,
    # insert or update) — and its two transactions' 4 (savepoints here; BEGIN/COMMIT in
    # production). With Redis: none.
    with django_assert_num_queries(2 + 5 + 4):
        assert client.get("/api/v1/ratings/").status_code == 200
    assert client.get("/api/v1/ratings/").status_code == 200
    answer = client.get("/api/v1/ratings/")
    assert answer.status_code == 429
    assert answer.json()["error"]["code"] == "throttled"


def test_the_throttles_use_the_shared_lock_for_each_kind_of_cache():
    assert issubclass(throttling.UserRateThrottle, throttling._Shared)
    with throttling.shared_lock(caches["default"], "k"):  # local memory: a process-local lock
        pass


def _cache_backend(**env) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "DJANGO_SETTINGS_MODULE"}}
    script = "from django.core.cache import caches; print(type(caches['default']).__name__)"
    return subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", script],
        cwd=ROOT, env={**clean, "DEBUG": "1", **env}, capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def test_the_shared_cache_is_the_database_unless_redis_url_is_set():
    assert _cache_backend().stdout.strip() == "DatabaseCache"
    assert _cache_backend(REDIS_URL=REDIS_TEST_URL).stdout.strip() == "RedisCache"
    refused = _cache_backend(REDIS_URL="localhost:6379")
    assert refused.returncode != 0 and "REDIS_URL='localhost:6379' must start with redis://" in refused.stderr


def _clocked(monkeypatch, username: str):
    """A throttle of 3 a minute for a new editor's request, on a clock the test sets (clock[0])."""
    from rest_framework.request import Request
    from rest_framework.test import APIRequestFactory

    monkeypatch.setattr(throttling.UserRateThrottle, "THROTTLE_RATES", {"user": "3/min"})
    clock = [1000.0]
    monkeypatch.setattr(throttling.UserRateThrottle, "timer", lambda self: clock[0])
    request = Request(APIRequestFactory().get("/"))
    request.user = editor(username)
    return throttling.UserRateThrottle(), request, clock


def _answers(throttle, request, clock, times) -> list[bool]:
    answers = []
    for at in times:
        clock[0] = at
        answers.append(throttle.allow_request(request, None))
    return answers


def test_a_window_keeps_a_count_not_every_request_and_reopens_after_its_period(monkeypatch):
    """Issue 14: the value kept per client is (window opened, count), whatever the rate."""
    throttle, request, clock = _clocked(monkeypatch, "windowed")
    caches["default"].delete(throttle.get_cache_key(request, None))
    answers = _answers(throttle, request, clock, (1000.0, 1010.0, 1020.0, 1030.0))
    assert answers == [True, True, True, False]
    assert throttle.wait() == 30.0  # the window opened at 1000 and closes at 1060
    assert caches["default"].get(throttle.get_cache_key(request, None)) == (1000.0, 3)
    clock[0] = 1060.5
    assert throttle.allow_request(request, None) is True
    assert caches["default"].get(throttle.get_cache_key(request, None)) == (1060.5, 1)


def test_a_value_left_by_drf_s_own_throttle_starts_a_new_window(monkeypatch):
    from rest_framework.request import Request
    from rest_framework.test import APIRequestFactory

    monkeypatch.setattr(throttling.UserRateThrottle, "THROTTLE_RATES", {"user": "1/min"})
    request = Request(APIRequestFactory().get("/"))
    request.user = editor("migrated")
    throttle = throttling.UserRateThrottle()
    caches["default"].set(throttle.get_cache_key(request, None), [1.0, 2.0, 3.0])
    assert throttle.allow_request(request, None) is True
    assert throttle.allow_request(request, None) is False


REDIS_CACHE = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_TEST_URL}}


@override_settings(CACHES=REDIS_CACHE)
def test_in_redis_a_window_is_counted_by_one_script(monkeypatch, db):
    """Issue 14: with Redis the window is read and written by one atomic script (no lock, one
    round trip), with the same rule as under the lock: a count per window, reopened after its period."""
    if not _redis_up():
        pytest.skip("no Redis on 127.0.0.1:6379")
    import redis

    throttle, request, clock = _clocked(monkeypatch, "windowed-in-redis")
    server = redis.Redis.from_url(REDIS_TEST_URL)
    key = throttling.window_key(caches["default"], throttle.get_cache_key(request, None))
    server.delete(key)
    caches["default"].set(throttle.get_cache_key(request, None), [1.0, 2.0])  # DRF's own value: left alone
    answers = _answers(throttle, request, clock, (1000.0, 1010.0, 1020.0, 1030.0))
    assert answers == [True, True, True, False]
    assert throttle.wait() == 30.0
    assert server.hgetall(key) == {b"opened": b"1000", b"count": b"3"}
    assert 0 < server.ttl(key) <= 61
    assert caches["default"].get(throttle.get_cache_key(request, None)) == [1.0, 2.0]  # left alone
    clock[0] = 1712345678.123456  # a real time keeps every digit
    assert throttle.allow_request(request, None) is True
    assert float(server.hget(key, "opened")) == 1712345678.123456
    assert throttle.wait() == 60.0
    server.delete(key)
