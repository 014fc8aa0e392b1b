"""API rate limits counted in the shared cache, so every web process sees the same count.

DRF's throttles read a client's recent requests from the cache and write them back: two
processes doing that at once both read N and both write N+1, and a request goes uncounted.
Here the read and the write happen under a lock every process respects: a row lock in the
database (the default cache, ``DatabaseCache``), or a process-local lock for a local-memory cache
(tests, one process); with Redis (``RedisCache``, REDIS_URL) a script does both at once."""

import threading
import zlib
from collections.abc import Iterator
from contextlib import contextmanager

from django.core.cache.backends.db import DatabaseCache
from django.core.cache.backends.redis import RedisCache
from django.db import connections, router, transaction
from django.utils.connection import ConnectionProxy
from rest_framework import throttling

_local_lock = threading.Lock()


@contextmanager
def _database_lock(cache: DatabaseCache, key: str) -> Iterator[None]:
    db = router.db_for_write(cache.cache_model_class)
    connection = connections[db]
    with transaction.atomic(using=db), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Held until the transaction ends; the key's row may not exist yet, so lock the key itself.
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [zlib.crc32(key.encode()) - 2**31])
        else:
            # SQLite has one writer at a time: a write (even one that changes nothing) makes this
            # transaction that writer until it ends, and the others wait for it (busy timeout).
            table = connection.ops.quote_name(cache._table)  # type: ignore[attr-defined]  # the cache's table
            cursor.execute(f"UPDATE {table} SET expires = expires WHERE cache_key = %s", [key])  # noqa: S608
        yield


@contextmanager
def shared_lock(cache, key: str) -> Iterator[None]:
    """Serialise read-modify-write of ``key`` across every process using ``cache``."""
    if isinstance(cache, ConnectionProxy):  # django.core.cache.cache, which DRF's throttles use
        cache = cache._connections[cache._alias]
    if isinstance(cache, DatabaseCache):
        with _database_lock(cache, cache.make_and_validate_key(key)):
            yield
    elif isinstance(cache, RedisCache):
        client = cache._cache.get_client(key, write=True)
        with client.lock(f"{cache.make_and_validate_key(key)}:lock", timeout=10, blocking_timeout=10):
            yield
    else:
        with _local_lock:
            yield


class _Shared:
    """A client's count for the current window, read and written under the shared lock.

    The window opens at the client's first request and lasts the rate's period; the value kept is
    (when it opened, how many so far). DRF's throttles keep the time of every request instead: at
    1,200 a minute that is 1,200 floats pickled, written and read back per request, 3.7 ms on the
    database cache against 1.1 ms for the count (issue 14). Within a window the limit is exact;
    like any fixed window, a client may spend one window's allowance at its end and the next one's
    at the start of the next."""

    def allow_request(self, request, view):
        if self.rate is None:  # type: ignore[attr-defined]
            return True
        self.key = self.get_cache_key(request, view)  # type: ignore[attr-defined]
        if self.key is None:
            return True
        self.now = self.timer()  # type: ignore[attr-defined]
        duration, limit = self.duration, self.num_requests  # type: ignore[attr-defined]
        redis = _redis(self.cache)  # type: ignore[attr-defined]
        if redis is not None:
            opened, allowed = _count_in_redis(redis, self.key, self.now, duration, limit)
            self.closes = opened + duration
            return allowed
        with shared_lock(self.cache, self.key):  # type: ignore[attr-defined]
            value = self.cache.get(self.key)  # type: ignore[attr-defined]
            opened, count = value if _current(value, self.now, duration) else (self.now, 0)
            self.closes = opened + duration
            if count >= limit:
                return False
            self.cache.set(self.key, (opened, count + 1), max(int(self.closes - self.now) + 1, 1))  # type: ignore[attr-defined]
        return True

    def wait(self):
        """Seconds until the window closes (the Retry-After header)."""
        return max(self.closes - self.now, 0)


# The same window in one round trip: Redis runs a script atomically, so no lock is needed. The count
# lives in a hash of its own (opened, count) beside the cache's keys: 1 ms with the lock, get and set
# against 0.2 ms (issue 14).
_WINDOW_SCRIPT = """
local now, duration, limit = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local kept = redis.call('HMGET', KEYS[1], 'opened', 'count')
local opened, count = tonumber(kept[1]), tonumber(kept[2])
if not opened or not count or now - opened >= duration then opened, count = now, 0 end
local exact = string.format('%.17g', opened)  -- tostring() keeps 14 digits: a time would lose its last ones
if count >= limit then return {exact, 0} end
redis.call('HSET', KEYS[1], 'opened', exact, 'count', count + 1)
redis.call('EXPIRE', KEYS[1], math.max(math.ceil(opened + duration - now) + 1, 1))
return {exact, 1}
"""


def _redis(cache) -> RedisCache | None:
    if isinstance(cache, ConnectionProxy):
        cache = cache._connections[cache._alias]
    return cache if isinstance(cache, RedisCache) else None


def window_key(cache: RedisCache, key: str) -> str:
    """The Redis hash holding a client's window (the cache's key for it, and ``:window``)."""
    return f"{cache.make_and_validate_key(key)}:window"


def _count_in_redis(cache: RedisCache, key: str, now: float, duration: float, limit: int) -> tuple[float, bool]:
    """Count one request in the client's window, opening a new one when the last has closed:
    (when the window opened, whether the request is within the limit)."""
    full = window_key(cache, key)
    client = cache._cache.get_client(full, write=True)
    opened, allowed = client.eval(_WINDOW_SCRIPT, 1, full, repr(now), repr(duration), limit)
    return float(opened), bool(allowed)


def _current(value, now: float, duration: float) -> bool:
    return (
        isinstance(value, tuple) and len(value) == 2 and all(isinstance(v, int | float) for v in value)
        and now - value[0] < duration
    )  # fmt: skip


class AnonRateThrottle(_Shared, throttling.AnonRateThrottle):
    """API_THROTTLE_ANON per client address, across every process."""


class UserRateThrottle(_Shared, throttling.UserRateThrottle):
    """API_THROTTLE_USER per account (a token's or a session's), across every process."""
