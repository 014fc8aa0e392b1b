"""API rate limits counted in the shared cache, so every web process sees the same count.

DRF's throttles read a client's recent requests from the cache and write them back: two
processes doing that at once both read N and both write N+1, and a request goes uncounted.
Here the read and the write happen under a lock every process respects: a row lock in the
database (the default cache, ``DatabaseCache``), a Redis lock (``RedisCache``, REDIS_URL), or a
process-local lock for a local-memory cache (tests, one process)."""

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
    def allow_request(self, request, view):
        if self.rate is None:  # type: ignore[attr-defined]
            return True
        key = self.get_cache_key(request, view)  # type: ignore[attr-defined]
        if key is None:
            return True
        with shared_lock(self.cache, key):  # type: ignore[attr-defined]
            return super().allow_request(request, view)  # type: ignore[misc]


class AnonRateThrottle(_Shared, throttling.AnonRateThrottle):
    """API_THROTTLE_ANON per client address, across every process."""


class UserRateThrottle(_Shared, throttling.UserRateThrottle):
    """API_THROTTLE_USER per account (a token's or a session's), across every process."""
