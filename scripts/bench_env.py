"""What the benchmarks share before Django starts: the deployment the README describes uses Redis for
the shared cache (REDIS_URL: the API's rate limits), so the benchmarks do too when a Redis server
answers on 127.0.0.1:6379 (database 14, which nothing else uses); without one, the database table."""

import os
import socket

BENCH_REDIS_URL = "redis://127.0.0.1:6379/14"


def use_redis_if_there() -> str:
    """Set REDIS_URL (unless given) when Redis answers; say which shared cache the run uses."""
    if "REDIS_URL" not in os.environ:
        try:
            socket.create_connection(("127.0.0.1", 6379), timeout=0.5).close()
            os.environ["REDIS_URL"] = BENCH_REDIS_URL
        except OSError:
            pass
    url = os.environ.get("REDIS_URL", "")
    return f"shared cache: Redis ({url})" if url else "shared cache: the database table (no Redis answered)"
