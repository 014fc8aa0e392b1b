"""'Seen before' through the database at 100,000 stored items: the product's search
(factcheck.media.similar.search: one MAX(id) query, then the in-memory numpy index)
side by side with a brute-force scan of the same fingerprints, in the same run.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/factcheck_bench .venv/bin/python scripts/bench_media_search.py

It creates and drops a throwaway test_… database. One item in ten is a video with 2-6
keyframes. Prints each figure with its ratio; target: <= 50 ms median per search."""

import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
os.environ.setdefault("DEBUG", "1")
os.environ.setdefault("DATABASE_URL", "sqlite:////tmp/factcheck-bench.sqlite3")
os.environ.setdefault("LOG_LEVEL", "WARNING")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

from factcheck.media import hashing, similar  # noqa: E402
from factcheck.media.index import brute_force_search  # noqa: E402
from factcheck.models import Article, Fingerprint, Media  # noqa: E402

ITEMS, QUERIES = int(os.environ.get("BENCH_ITEMS", 100_000)), 50


def signed(value: int) -> int:
    return value - (1 << 64) if value >= 1 << 63 else value


def picture(rng: random.Random, base: list[int] | None = None, flips: int = 0) -> list[tuple[str, int]]:
    values = base or [rng.getrandbits(64) for _ in hashing.KINDS]
    out = []
    for kind, value in zip(hashing.KINDS, values, strict=True):
        for _ in range(flips):
            value ^= 1 << rng.randrange(64)
        out.append((kind, signed(value)))
    return out


def ms(values: list[float]) -> str:
    ordered = sorted(values)
    median, p95 = statistics.median(ordered) * 1000, ordered[int(0.95 * len(ordered)) - 1] * 1000
    return f"median {median:8.2f} ms   p95 {p95:8.2f} ms"


def main() -> None:
    setup_test_environment()
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        rng = random.Random(7)
        article = Article.objects.create(title="Bench", body="A body for the benchmark's media.")
        start = time.perf_counter()
        media = Media.objects.bulk_create(Media(article=article, position=n) for n in range(ITEMS))
        bases = [[rng.getrandbits(64) for _ in hashing.KINDS] for _ in range(QUERIES)]
        rows, items = [], {}
        for n, item in enumerate(media):
            if n % 250 == 0:
                prints = picture(rng, rng.choice(bases), flips=rng.randrange(1, 6))
            elif n % 10 == 0:
                prints = [p for _ in range(rng.randrange(2, 7)) for p in picture(rng)]
            else:
                prints = picture(rng)
            items[item.pk] = prints
            rows += [Fingerprint(media=item, kind=kind, value=value) for kind, value in prints]
        Fingerprint.objects.bulk_create(rows, batch_size=20_000)
        print(f"database: {connection.vendor}; {ITEMS:,} items, {len(rows):,} fingerprints stored in "
              f"{time.perf_counter() - start:.1f} s")  # fmt: skip
        queries = [picture(rng, base, flips=3) for base in bases]

        similar.reset()
        start = time.perf_counter()
        similar.search(queries[0])
        loaded = (time.perf_counter() - start) * 1000
        print(f"{'first search (loads the index from the database)':<52} {loaded:8.0f} ms")
        product, found = [], []
        for prints in queries:
            start = time.perf_counter()
            found.append(similar.search(prints, limit=10))
            product.append(time.perf_counter() - start)
        brute, expected = [], []
        for prints in queries[:5]:
            start = time.perf_counter()
            expected.append(brute_force_search(items, prints, limit=10, max_distance=hashing.MATCH_DISTANCE))
            brute.append(time.perf_counter() - start)
        assert found[:5] == expected, "the index and the brute-force scan disagree"
        print(f"{'search (MAX(id) query + numpy index)':<52} {ms(product)}")
        print(f"{'brute-force scan of the same fingerprints (Python)':<52} {ms(brute)}")
        ratio = statistics.median(brute) / statistics.median(product)
        print(f"{'ratio brute force / product':<52} {ratio:8.0f} x   (target: <= 50 ms median per search)")
    finally:
        connection.creation.destroy_test_db(connection.settings_dict["NAME"], verbosity=0)


if __name__ == "__main__":
    main()
