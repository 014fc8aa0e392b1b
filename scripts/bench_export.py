"""The desk at 100,000 published claims (issue 14): the CMS export and the pages, each figure beside its
limit or peer, measured in the same run. ``make bench`` runs it.

The export (goal 1), each variant side by side:

- the product: a full walk of ``GET /api/v1/claims/?page_size=200`` and of ``/api/v1/claimreview/`` as the
  CMS, following ``next`` (in-process, handed to the WSGI application as gunicorn hands it: the whole
  request, middleware included);
  its time is the sum of its requests' times, as the limit's is the sum of its pages' (the walk's parsing of
  each answer to find ``next`` is the client's work, not the product's);
- the limit: raw psycopg plus orjson building the same JSON (checked equal to the product's first page);
- a naive peer: DRF ModelSerializers with nested serializers and page-number pagination, on sampled pages
  (a full walk would take minutes).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/factcheck_bench .venv/bin/python scripts/bench_export.py

The pages (goal 3): the editor's desk, the article list, the claims page, a claim's page and an article's
page, median server time in-process (the WSGI application: middleware, view, template), beside
``/healthz`` (the request cycle alone) in the same run.

The shared cache is Redis when one answers on 127.0.0.1:6379, as in the README's deployment
(scripts/bench_env.py), else the database table; the first line says which. It creates and drops a
throwaway test_… database. BENCH_CLAIMS (100,000) sets the size; the data set is
scripts/bench_data.py's, built in bulk."""

import gc
import io
import os
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

import orjson

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "scripts")]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
# Production settings (DEBUG off: no template debugging, no query log), on a throwaway database.
os.environ["DEBUG"] = "0"
os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz")
os.environ["ALLOWED_HOSTS"] = "testserver"
os.environ["SECURE_SSL_REDIRECT"] = "0"
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/factcheck_bench")
os.environ["API_THROTTLE_USER"] = "100000000/min"
os.environ.setdefault("LOG_LEVEL", "WARNING")
import bench_env  # noqa: E402

CACHE = bench_env.use_redis_if_there()

import django  # noqa: E402
from django.conf import settings  # noqa: E402

django.setup()
# Static files from the apps as they are (no collectstatic manifest needed for a benchmark).
settings.STORAGES = {
    **settings.STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

CLAIMS = int(os.environ.get("BENCH_CLAIMS", 100_000))
PAGE = 200
LABEL = 60


def line(label: str, value: str) -> None:
    print(f"{label:<{LABEL}} {value}", flush=True)


class Wsgi:
    """GET requests handed to the WSGI application as gunicorn hands them (newsroom.wsgi: the whole
    request cycle, middleware included). Not Django's test client: it connects and disconnects a
    signal receiver on every request, and the weak references that leaves behind (three a request)
    make each full garbage collection slower as a walk goes on — its cost, not the product's."""

    def __init__(self, **headers: str):
        from newsroom.wsgi import application  # freezes start-up's objects, as in a server

        self.application, self.headers = application, headers

    def get(self, url: str) -> tuple[int, bytes]:
        path, _, query = url.partition("?")
        environ = {
            "REQUEST_METHOD": "GET", "PATH_INFO": path, "QUERY_STRING": query, "SCRIPT_NAME": "",
            "SERVER_NAME": "testserver", "SERVER_PORT": "80", "SERVER_PROTOCOL": "HTTP/1.1", "HTTP_HOST": "testserver",
            "REMOTE_ADDR": "127.0.0.1", "wsgi.version": (1, 0), "wsgi.url_scheme": "http", "wsgi.input": io.BytesIO(),
            "wsgi.errors": sys.stderr, "wsgi.multithread": False, "wsgi.multiprocess": True, "wsgi.run_once": False,
            **self.headers,
        }  # fmt: skip
        status = []
        chunks = self.application(environ, lambda code, headers, exc_info=None: status.append(code))
        try:
            body = b"".join(chunks)
        finally:
            chunks.close()
        return int(status[0].split()[0]), body


def walk(client: Wsgi, path: str) -> tuple[list[float], int, list[str]]:
    """Follow ``next`` from ``path``: each page's time, the items seen, and every page's URL."""
    times, items, urls, url = [], 0, [], path
    while url:
        urls.append(url)
        start = time.perf_counter()
        code, content = client.get(url)
        times.append(time.perf_counter() - start)
        assert code == 200, content[:300]
        body = orjson.loads(content)
        items += len(body.get("results", body.get("@graph", [])))
        url = (body.get("next") or "").removeprefix("http://testserver")
    return times, items, urls


def page_memory(client: Wsgi, url: str) -> float:
    tracemalloc.start()
    client.get(url)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 2**20


def thirds(times: list[float]) -> str:
    n = len(times) // 3 or 1
    parts = [times[:n], times[n : 2 * n], times[2 * n :]]
    return " / ".join(f"{statistics.median(p) * 1000:.1f}" for p in parts if p) + " ms"


def pages(who: dict) -> None:
    from django.conf import settings

    from factcheck.models import Claim

    login = Client()
    login.force_login(who["editor"])
    client = Wsgi(HTTP_COOKIE=f"{settings.SESSION_COOKIE_NAME}={login.cookies[settings.SESSION_COOKIE_NAME].value}")
    claim = Claim.objects.order_by("-id").values("pk", "article_id")[CLAIMS // 20]
    for label, path in (
        ("/healthz (the request cycle alone)", "/healthz"),
        ("the editor's desk /", "/"),
        ("the article list /articles/", "/articles/"),
        ("the claims page /claims/", "/claims/"),
        ("a claim's page /claims/<id>/", f"/claims/{claim['pk']}/"),
        ("an article's page /articles/<id>/", f"/articles/{claim['article_id']}/"),
    ):
        assert client.get(path)[0] == 200, path
        times = []
        for _ in range(15):
            start = time.perf_counter()
            client.get(path)
            times.append(time.perf_counter() - start)
        target = "" if path in ("/healthz",) or "articles/" in path and path != "/articles/" else "   (target <= 30 ms)"
        line(f"page: {label}", f"{statistics.median(times) * 1000:8.1f} ms median{target}")


def main() -> None:
    import bench_data
    import export_peers
    from rest_framework.authtoken.models import Token

    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        print(f"database: {connection.vendor}; python {sys.version.split()[0]}; {CLAIMS:,} published claims; {CACHE}")
        start = time.perf_counter()
        who = bench_data.build(CLAIMS)
        line("build the data set (bulk)", f"{time.perf_counter() - start:8.1f} s   (target <= 120 s)")
        if connection.vendor == "postgresql":  # vacuumed too: autovacuum has nothing left to do while timed
            connection.cursor().execute("VACUUM ANALYZE")
        gc.collect()  # the data set's leftovers (newsroom.wsgi then freezes what is left, as in a server)

        token = Token.objects.create(user=who["cms"]).key
        client = Wsgi(HTTP_AUTHORIZATION=f"Token {token}")
        first = f"/api/v1/claims/?page_size={PAGE}"
        peers = export_peers.Peers(connection)
        product_page = orjson.loads(client.get(first)[1])
        peers.check_same(product_page)

        results = {}
        for name, run in (
            ("claims: product", lambda: walk(client, first)),
            ("claims: raw psycopg + orjson", peers.walk_claims),
            ("claimreview: product", lambda: walk(client, f"/api/v1/claimreview/?page_size={PAGE}")),
            ("claimreview: raw psycopg + orjson", peers.walk_claimreview),
        ):
            times, items, urls = run()
            total = sum(times)  # serving the pages; the walk's own reading of each page is not the product's
            results[name] = (total, times, items, urls)
            line(
                f"{name}: full walk ({len(times)} pages)",
                f"{total:8.2f} s   {items / total:9,.0f} claims/s   page thirds {thirds(times)}",
            )
        for kind in ("claims", "claimreview"):
            product, limit = results[f"{kind}: product"][0], results[f"{kind}: raw psycopg + orjson"][0]
            line(f"{kind}: product / raw limit", f"{product / limit:8.2f}x   (target <= 1.5x)")

        urls = results["claims: product"][3]
        memory = [page_memory(client, urls[i]) for i in (0, len(urls) // 2, len(urls) - 1)]
        line(
            "claims: peak Python memory per page (first / middle / last)",
            " / ".join(f"{m:.1f}" for m in memory) + " MiB",
        )

        product_per_claim = results["claims: product"][0] / results["claims: product"][2]
        for prefetch, name in ((False, "naive ModelSerializer"), (True, "ModelSerializer + prefetch")):
            naive_times = peers.naive_sample(who["cms"], pages=len(urls), prefetch=prefetch)
            ratio = statistics.mean(naive_times) / PAGE / product_per_claim
            line(f"claims: {name}, sampled pages", f"{statistics.median(naive_times) * 1000:8.1f} ms/page")
            line(
                f"claims: {name} / product (per claim)",
                f"{ratio:8.1f}x" + ("   (target >= 20x)" if not prefetch else ""),
            )
        peers.close()
        pages(who)
    finally:
        connection.creation.destroy_test_db(connection.settings_dict["NAME"], verbosity=0)


if __name__ == "__main__":
    main()
