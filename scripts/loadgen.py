"""A bounded load generator for the desk under gunicorn (issue 14, goal 2). Loopback only.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/factcheck_bench .venv/bin/python scripts/loadgen.py

It builds the benchmark's data set (scripts/bench_data.py: BENCH_CLAIMS, 100,000 published claims) in a
throwaway test_… database, starts gunicorn (2 workers, production settings) on a free port of
127.0.0.1 against it, then for each path keeps CONNECTIONS (16) keep-alive connections busy for
SECONDS (10) and prints requests per second, the median and p95 latency, and the share of
``/healthz``'s rate. It refuses any host but 127.0.0.1 and stops after the time given: it cannot
be pointed at somebody else's site."""

import http.client
import os
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "scripts")]
import bench_env  # noqa: E402

CONNECTIONS = int(os.environ.get("LOAD_CONNECTIONS", 16))
SECONDS = min(float(os.environ.get("LOAD_SECONDS", 10)), 60.0)  # bounded
HOST = "127.0.0.1"
ENV = {
    "DEBUG": "0",
    "SECRET_KEY": os.environ.get("SECRET_KEY", "load-test-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz"),
    "ALLOWED_HOSTS": HOST,
    "SECURE_SSL_REDIRECT": "0",
    "API_THROTTLE_USER": "100000000/min",
    "LOG_LEVEL": "WARNING",
}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def setup() -> str:
    """Django, a throwaway database with the data set, the static files collected (production
    settings serve them from STATIC_ROOT); the database's URL, for gunicorn."""
    os.environ.update(ENV)
    print(bench_env.use_redis_if_there(), flush=True)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
    import django

    django.setup()
    from django.db import connection

    sys.path.insert(0, str(ROOT / "scripts"))
    import bench_data
    from django.core.management import call_command

    call_command("collectstatic", interactive=False, verbosity=0)
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    start = time.perf_counter()
    bench_data.build(int(os.environ.get("BENCH_CLAIMS", 100_000)))
    if connection.vendor == "postgresql":  # vacuumed too: autovacuum has nothing left to do while timed
        connection.cursor().execute("VACUUM ANALYZE")
    print(f"data set built in {time.perf_counter() - start:.0f} s", flush=True)
    db = connection.settings_dict
    return f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def credentials() -> dict[str, str]:
    """A session cookie for the benchmark's editor and a token for its CMS account."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
    from django.contrib.sessions.backends.db import SessionStore
    from rest_framework.authtoken.models import Token

    User = get_user_model()
    editor, cms = User.objects.get(username="bench-editor"), User.objects.get(username="bench-cms")
    session = SessionStore()
    session[SESSION_KEY], session[BACKEND_SESSION_KEY] = str(editor.pk), "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = editor.get_session_auth_hash()
    session.create()
    token, _ = Token.objects.get_or_create(user=cms)
    return {
        "desk": f"{settings.SESSION_COOKIE_NAME}={session.session_key}",
        "api": f"Token {token.key}",
    }


def hammer(port: int, path: str, headers: dict[str, str]) -> tuple[int, list[float], int]:
    deadline = time.perf_counter() + SECONDS
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()

    def one() -> None:
        connection = http.client.HTTPConnection(HOST, port, timeout=30)
        mine: list[float] = []
        while time.perf_counter() < deadline:
            start = time.perf_counter()
            try:
                connection.request("GET", path, headers=headers)
                response = connection.getresponse()
                response.read()
                if response.status != 200:
                    errors[0] += 1
            except (OSError, http.client.HTTPException):
                errors[0] += 1
                connection.close()
                connection = http.client.HTTPConnection(HOST, port, timeout=30)
                continue
            mine.append(time.perf_counter() - start)
        connection.close()
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=one) for _ in range(CONNECTIONS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return len(latencies), latencies, errors[0]


def main() -> None:
    database = setup()
    secrets = credentials()
    port = free_port()
    env = {**os.environ, **ENV, "DATABASE_URL": database}
    server = subprocess.Popen(  # noqa: S603 - our own gunicorn, fixed arguments
        [sys.executable, "-m", "gunicorn", "newsroom.wsgi", "--workers", "2", "--bind", f"{HOST}:{port}",
         "--log-level", "warning", "--keep-alive", "30"],
        cwd=ROOT, env=env,
    )  # fmt: skip
    try:
        for _ in range(100):
            try:
                socket.create_connection((HOST, port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        from factcheck.models import Claim

        claim = Claim.objects.order_by("-id").values_list("pk", flat=True)[1000]
        desk = {"Cookie": secrets["desk"], "Host": HOST}
        plan = [
            ("/healthz", {"Host": HOST}),
            ("/api/v1/claims/?page_size=50", {"Authorization": secrets["api"], "Host": HOST}),
            ("/", desk),
            ("/articles/", desk),
            ("/claims/", desk),
            (f"/claims/{claim}/", desk),
        ]
        print(f"gunicorn, 2 workers; {CONNECTIONS} connections for {SECONDS:g} s each, loopback")
        base = None
        for path, headers in plan:
            hammer(port, path, headers) if base is None else None  # warm the workers once
            count, latencies, errors = hammer(port, path, headers)
            rate = count / SECONDS
            base = base or rate
            share = "" if path == "/healthz" else f"   {rate / base:6.1%} of /healthz   (target >= 25%)"
            latencies.sort()
            p95 = latencies[int(len(latencies) * 0.95) - 1] if latencies else 0.0
            print(
                f"load: {path.split('?')[0] if 'api' not in path else path:<34} {rate:8.1f} req/s   "
                f"p50 {statistics.median(latencies) * 1000 if latencies else 0:7.1f} ms   p95 {p95 * 1000:7.1f} ms   "
                f"errors {errors}{share}",
                flush=True,
            )
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
        from django.db import connection

        connection.close()
        connection.creation.destroy_test_db(connection.settings_dict["NAME"], verbosity=0)


if __name__ == "__main__":
    main()
