"""Speed and memory of the desk's hot paths, on a throwaway database.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/factcheck_bench python scripts/benchmark.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/factcheck_bench python scripts/benchmark.py --library

Prints one line per figure; nothing here asserts (targets belong in the README). ``--library`` runs the
fact-check library's benchmark instead (scripts/bench_library.py: a 10,000-item ClaimReview feed, searches
over 100,000 fact-checks, matching an article's suggestions), on its own throwaway database."""

import os
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
os.environ.setdefault("DEBUG", "1")
os.environ.setdefault("DATABASE_URL", "sqlite:////tmp/factcheck-bench.sqlite3")
os.environ["API_THROTTLE_USER"] = "1000000/min"
os.environ.setdefault("EMAIL_URL", "locmem:")  # notifications are not printed
os.environ.setdefault("LOG_LEVEL", "WARNING")

import django  # noqa: E402

django.setup()

if __name__ == "__main__" and "--library" in sys.argv[1:]:
    sys.path.insert(0, str(ROOT / "scripts"))
    import bench_library

    bench_library.main()
    sys.exit(0)

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

setup_test_environment()
connection.creation.create_test_db(verbosity=0, autoclobber=True)

from django.contrib.auth import get_user_model  # noqa: E402

from factcheck import detection, importing, workflow  # noqa: E402
from factcheck.models import Article, Claim, Rating  # noqa: E402

PANJSHIR = (ROOT / "factcheck" / "demo" / "panjshir-article.txt").read_text(encoding="utf-8")


def timed(label: str, runs: int, call) -> None:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        call()
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    print(f"{label:<58} median {statistics.median(times):8.1f} ms   p95 {times[int(len(times) * 0.95) - 1]:8.1f} ms")


def main() -> None:
    print(f"database: {connection.vendor}; python {sys.version.split()[0]}")
    call_command("load_demo", stdout=open(os.devnull, "w"))
    User = get_user_model()
    editor, reviewer = User.objects.get(username="editor"), User.objects.get(username="reviewer")
    editor2 = User.objects.create_user("editor-bench", password="x")  # noqa: S106 - a throwaway database
    editor2.groups.add(*editor.groups.all())
    body = PANJSHIR.split("\n", 1)[1]

    timed("detection on the Panjshir article (27 sentences)", 20, lambda: detection.suggest_claims(body))
    long_text = " ".join(body.split("\n")) * 20
    timed(f"detection on one {len(long_text):,}-character paragraph", 3, lambda: detection.suggest_claims(long_text))
    counter = iter(range(10**6))
    timed(
        "import pipeline: paste the article (store + 18 suggestions)",
        20,
        lambda: importing.import_text(
            title=f"Copy {next(counter)}", body=f"{body}\n\nCopy {next(counter)}.", user=editor
        ),
    )

    # Publish 1,000 claims for the list endpoints.
    article = Article.objects.first()
    rating = Rating.objects.get(slug="false")
    start = time.perf_counter()
    for n in range(1000):
        claim = workflow.claim_flag(article=article, actor=editor, text=article.body[:40], span_start=0, span_end=40)
        workflow.claim_assign(claim, actor=editor, reviewer=reviewer)
        workflow.verdict_submit(claim, actor=reviewer, rating=rating, summary=f"Verdict {n}.")
        workflow.verdict_approve(claim, actor=editor2)
    per_claim = (time.perf_counter() - start) * 1000 / 1000
    print(f"{'workflow: flag + assign + submit + approve, per claim':<58} mean   {per_claim:8.1f} ms")

    api = Client()
    api.force_login(editor)
    timed("GET /api/v1/claims/?page_size=200 (1,000+ claims)", 20, lambda: api.get("/api/v1/claims/?page_size=200"))
    timed("GET /api/v1/claimreview/?page_size=200", 20, lambda: api.get("/api/v1/claimreview/?page_size=200"))
    claim_id = Claim.objects.filter(status="published").values_list("pk", flat=True).first()
    timed("GET /claims/<id>/ (claim page)", 20, lambda: api.get(f"/claims/{claim_id}/"))
    timed(
        "GET /articles/<id>/ (article with 1,000+ claims highlighted)", 5, lambda: api.get(f"/articles/{article.pk}/")
    )
    timed("GET / (editor's desk)", 20, lambda: api.get("/"))

    tracemalloc.start()
    api.get("/api/v1/claims/?page_size=200")
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"{'peak Python memory for one 200-claim API page':<58} {peak / 2**20:8.1f} MiB")
    connection.creation.destroy_test_db(connection.settings_dict["NAME"], verbosity=0)


if __name__ == "__main__":
    main()
