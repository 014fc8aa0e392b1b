"""Speed of the fingerprint index at a newsroom's scale, beside the pure-Python reference.

    .venv/bin/python scripts/bench_media_index.py [--items 100000] [--queries 200]

Builds random fingerprint sets (seeded: the same every run; one item in ten a video of
several keyframes, a few hundred near-duplicates of the queries so that searches find
something), then times ``FingerprintIndex.search`` over the queries and
``brute_force_search`` (a Python loop over every item) over a few of them, in the same
run, and checks that both return the same ranking. Target: index search <= 50 ms median
at 100,000 items.
"""

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from factcheck.media import hashing  # noqa: E402
from factcheck.media.index import FingerprintIndex, brute_force_search  # noqa: E402

Prints = list[tuple[str, int]]


def _signed(value: int) -> int:
    return value - (1 << 64) if value >= 1 << 63 else value


def _picture(rng: random.Random, base: list[int] | None = None, flips: int = 0) -> Prints:
    values = base or [rng.getrandbits(64) for _ in hashing.KINDS]
    out = []
    for kind, value in zip(hashing.KINDS, values, strict=True):
        for _ in range(flips):
            value ^= 1 << rng.randrange(64)
        out.append((kind, _signed(value)))
    return out


def _build(count: int, queries: int, rng: random.Random) -> tuple[dict[int, Prints], list[Prints]]:
    bases = [[rng.getrandbits(64) for _ in hashing.KINDS] for _ in range(queries)]
    items: dict[int, Prints] = {}
    for item_id in range(1, count + 1):
        if item_id % 250 == 0:  # a near-duplicate of some query
            items[item_id] = _picture(rng, rng.choice(bases), flips=rng.randrange(1, 8))
        elif item_id % 10 == 0:  # a video: several keyframes
            items[item_id] = [entry for _ in range(rng.randrange(2, 7)) for entry in _picture(rng)]
        else:
            items[item_id] = _picture(rng)
    return items, [_picture(rng, base, flips=3) for base in bases]


def _ms(seconds: list[float]) -> tuple[float, float]:
    ordered = sorted(seconds)
    return statistics.median(ordered) * 1000, ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))] * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--brute-queries", type=int, default=5)
    args = parser.parse_args()
    rng = random.Random(20210906)
    items, queries = _build(args.items, args.queries, rng)
    pictures = sum(len(hashing.split_sets(prints)) for prints in items.values())
    print(f"{len(items):,} items ({pictures:,} pictures, {len(hashing.KINDS)} hashes each), {len(queries)} queries")

    started = time.perf_counter()
    index = FingerprintIndex()
    index.add_many((item_id, kind, value) for item_id, prints in items.items() for kind, value in prints)
    print(f"index built from database-like rows in {time.perf_counter() - started:.2f} s")

    for query in queries[:3]:  # warm-up
        index.search(query, limit=10)
    timings: list[float] = []
    found = 0
    for query in queries:
        started = time.perf_counter()
        result = index.search(query, limit=10, max_distance=hashing.MATCH_DISTANCE)
        timings.append(time.perf_counter() - started)
        found += bool(result)
    unbounded: list[float] = []
    for query in queries:
        started = time.perf_counter()
        index.search(query, limit=10)
        unbounded.append(time.perf_counter() - started)

    brute: list[float] = []
    for query in queries[: args.brute_queries]:
        started = time.perf_counter()
        expected = brute_force_search(items, query, limit=10, max_distance=None)
        brute.append(time.perf_counter() - started)
        assert index.search(query, limit=10) == expected, "the index and the reference disagree"

    index_median, index_p95 = _ms(timings)
    open_median, open_p95 = _ms(unbounded)
    brute_median, brute_p95 = _ms(brute)
    print(f"FingerprintIndex.search, max_distance={hashing.MATCH_DISTANCE}: median {index_median:.2f} ms, "
          f"p95 {index_p95:.2f} ms over {len(timings)} queries ({found} found a near-duplicate)")  # fmt: skip
    print(f"FingerprintIndex.search, no max_distance:  median {open_median:.2f} ms, p95 {open_p95:.2f} ms")
    print(f"brute_force_search (pure Python):         median {brute_median:.0f} ms, p95 {brute_p95:.0f} ms "
          f"over {len(brute)} queries (same results)")  # fmt: skip
    print(f"ratio (median): the index is {brute_median / index_median:.0f}x faster")
    print(f"target: index median <= 50 ms at 100,000 items: {'met' if index_median <= 50 else 'NOT met'}")


if __name__ == "__main__":
    main()
