"""Importing real news pages in-process (issue 14, goal 4), and where the time goes.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/factcheck_bench .venv/bin/python scripts/bench_import.py

The five saved pages in tests/fixtures/articles (226 KB of HTML on average), each imported ten times as
a distinct article (a sentence naming the copy is put into its first paragraph, so the desk does not
take it for the same article): 50 pages through ``importing.import_file``, as an upload is. Then the
stages on their own, in the same run: extraction (the sandboxed trafilatura reading), detection and
scoring, and storing. Creates and drops a throwaway test_… database."""

import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT)]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
os.environ.setdefault("DEBUG", "1")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/factcheck_bench")
os.environ.setdefault("LOG_LEVEL", "WARNING")
os.environ.setdefault("TASKS_BACKEND", "dummy")  # the library matching after import is not timed here

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import override_settings, setup_test_environment  # noqa: E402

PAGES = sorted((ROOT / "tests" / "fixtures" / "articles").glob("*.html"))
COPIES = int(os.environ.get("BENCH_COPIES", 10))
DUMMY = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend", "QUEUES": ["default"]}}
LABEL = 60


def line(label: str, value: str) -> None:
    print(f"{label:<{LABEL}} {value}", flush=True)


def copies(batch: str = "") -> list[tuple[str, bytes]]:
    """Each page COPIES times, each copy a distinct article (distinct from another batch's too)."""
    from factcheck.importing.html import extract_html

    made = []
    for page in PAGES:
        raw = page.read_text(encoding="utf-8", errors="replace")
        read = extract_html(raw)
        starts = [p[:30] for p in read.body.split("\n") if len(p) > 80]
        at = next((raw.find(p) for p in starts if raw.count(p) == 1), -1)  # a paragraph said once
        if at < 0:
            raise SystemExit(f"{page.name}: cannot find the first paragraph in the HTML to mark the copies")
        for n in range(COPIES):
            copy = raw[:at] + f"Copy {batch}{n} of the page. " + raw[at:]
            if read.url:  # its own address too, or the desk knows it by its URL
                copy = copy.replace(read.url.rstrip("/"), f"{read.url.rstrip('/')}-copy-{batch}{n}")
            made.append((f"{page.stem}-{batch}{n}.html", copy.encode()))
    return made


def main() -> None:
    from django.contrib.auth import get_user_model

    from factcheck import detection
    from factcheck.importing import import_file, import_files
    from factcheck.importing.html import extract_html
    from factcheck.importing.sources import read_ahead
    from factcheck.models import Article, Claim

    setup_test_environment()
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        user = get_user_model().objects.create_user("bench-importer")
        files = copies()
        average = sum(len(raw) for _, raw in files) / len(files) / 1024
        print(f"database: {connection.vendor}; {len(files)} pages, {average:.0f} KB of HTML on average")
        with override_settings(TASKS=DUMMY):
            start = time.perf_counter()
            for name, raw in files:
                [result] = import_file(name, raw, user=user)
                assert result.outcome == "created", (name, result.message)
            total = time.perf_counter() - start
        articles = Article.objects.count()
        line("import: one page at a time (import_file)", f"{total:8.2f} s   {articles / total:6.1f} pages/s")
        batch = copies("batch-")
        with override_settings(TASKS=DUMMY):
            start = time.perf_counter()
            for name, results in import_files(batch, user=user):
                assert [r.outcome for r in results] == ["created"], (name, results[0].message)
            batched = time.perf_counter() - start
        line(
            f"import: an upload of {len(batch)} pages (import_files, {read_ahead()} read ahead)",
            f"{batched:8.2f} s   {len(batch) / batched:6.1f} pages/s   (target >= 25)",
        )
        line("import: articles and suggestions stored", f"{Article.objects.count():8d} {Claim.objects.count():8d}")

        texts, extract = [], []
        for _, raw in files:
            start = time.perf_counter()
            texts.append(extract_html(raw).body)
            extract.append(time.perf_counter() - start)
        detect = []
        for body in texts:
            start = time.perf_counter()
            detection.suggest_claims(body)
            detect.append(time.perf_counter() - start)
        per_page = total / articles
        stages = {
            "extraction (sandboxed trafilatura)": statistics.mean(extract),
            "detection and scoring": statistics.mean(detect),
        }
        stages["the rest (storing, duplicates, records)"] = per_page - sum(stages.values())
        for name, seconds in stages.items():
            line(f"import: {name}, per page", f"{seconds * 1000:8.1f} ms   {seconds / per_page:5.0%} of a page")
    finally:
        connection.creation.destroy_test_db(connection.settings_dict["NAME"], verbosity=0)


if __name__ == "__main__":
    main()
