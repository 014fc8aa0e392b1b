"""How well the perceptual fingerprints find a re-shared photo, and how often they match a wrong one.

    .venv/bin/python scripts/media_match_eval.py [--distractors DIR]

The set: every real photo among the test fixtures (tests/fixtures/images) through every
transformation of ``tests/media_samples.transformations()`` (resizes, JPEG recompression,
crops, caption bands, grayscale and combinations). The index holds the originals and
synthetic distractors (``tests/media_samples.distractors``: each photo's tiles shuffled,
mirrored, upside down, turned; random shapes; gradients; blurred noise), plus the pictures
in DIR if given. Transformed copies are queries only, never indexed: two copies of one
photo are the same photo, not distractors for each other.

Figures, per transformation family and overall:
  recall@1       the original ranks first
  found          the original ranks first and is within MATCH_DISTANCE ("near-identical")
  false (orig.)  the best match within MATCH_DISTANCE is another item, the original being indexed
  false (absent) the same search with the original left out: anything within MATCH_DISTANCE is
                 wrong (a photo the desk never saw must not be "seen before")
and the pairs of different indexed items within MATCH_DISTANCE.
Nothing is downloaded; everything is generated deterministically.
"""

import argparse
import collections
import statistics
import sys
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from PIL import Image  # noqa: E402

from factcheck.media import hashing  # noqa: E402
from factcheck.media.index import FingerprintIndex  # noqa: E402
from tests.media_samples import PHOTOS, distractors, load_photo, stress_transformations, transformations  # noqa: E402

warnings.simplefilter("ignore", UserWarning)  # sugarshack's broken MPO header; Pillow's warning, not ours


def _indexed(extra: Path | None) -> tuple[dict[str, Image.Image], dict[str, str]]:
    """Pictures to index (name -> picture) and the photo each was made from (name -> photo or "")."""
    photos = {name: load_photo(name) for name in PHOTOS}
    pictures: dict[str, Image.Image] = dict(photos)
    source = {name: name for name in photos}
    for name, (origin, picture) in distractors(photos).items():
        pictures[name], source[name] = picture, origin
    if extra:
        for path in sorted(extra.iterdir()):
            try:
                with Image.open(path) as image:
                    pictures[f"{extra.name}/{path.name}"] = image.convert("RGB")
                    source[f"{extra.name}/{path.name}"] = ""
            except (OSError, ValueError):
                continue
    return pictures, source


def _pct(part: int, whole: int) -> str:
    return f"{part}/{whole} ({100 * part / whole:.1f}%)" if whole else "0/0"


class _Evaluation:
    """Queries against the index, counted per family."""

    def __init__(self, names: list[str], prints: dict[str, list[tuple[str, int]]], index: FingerprintIndex) -> None:
        self.names, self.prints, self.index = names, prints, index
        self.stats: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
        self.own: dict[str, list[int]] = collections.defaultdict(list)
        self.other: dict[str, list[int]] = collections.defaultdict(list)
        self.failures: list[str] = []
        self.width = 10

    def query(self, family: str, label: str, photo: str, picture: Image.Image) -> None:
        threshold, query = hashing.MATCH_DISTANCE, hashing.fingerprints(picture)
        own = self.names.index(photo)
        (best, best_distance), *_ = self.index.search(query, limit=1)
        absent = self.index.search(query, limit=1, exclude={own})
        other_id, other_distance = absent[0] if absent else (own, hashing.INCOMPARABLE)
        row = self.stats[family]
        row["queries"] += 1
        row["recall@1"] += best == own
        row["found"] += best == own and best_distance <= threshold
        row["false (orig.)"] += best != own and best_distance <= threshold
        row["false (absent)"] += other_distance <= threshold
        self.own[family].append(hashing.distance(query, self.prints[photo]))
        self.other[family].append(other_distance)
        if best != own or best_distance > threshold or other_distance <= threshold:
            self.failures.append(
                f"  {photo} / {label}: own distance {self.own[family][-1]}, "
                f"best {self.names[best]} at {best_distance}, best other {self.names[other_id]} at {other_distance}"
            )

    def _line(self, family: str, row: collections.Counter[str], own: list[int], other: list[int]) -> str:
        n = row["queries"]
        return (
            f"{family:<{self.width}} {n:>7}  {_pct(row['recall@1'], n):<17} {_pct(row['found'], n):<17} "
            f"{_pct(row['false (orig.)'], n):<14} {_pct(row['false (absent)'], n):<14} {max(own):>4} / {min(other):>3}"
        )

    def report(self, title: str) -> None:
        print(f"\n{title}")
        self.width = max(10, *(len(family) for family in self.stats))
        print(
            f"{'family':<{self.width}} {'queries':>7}  {'recall@1':<17} {'found':<17} {'false (orig.)':<14} "
            f"{'false (absent)':<14} own max / other min"
        )
        total: collections.Counter[str] = collections.Counter()
        for family, row in self.stats.items():
            total.update(row)
            print(self._line(family, row, self.own[family], self.other[family]))
        everything = [d for ds in self.own.values() for d in ds]
        if len(self.stats) > 1:
            print(self._line("overall", total, everything, [d for ds in self.other.values() for d in ds]))
        ordered = sorted(everything)
        print(f"own distance: median {statistics.median(ordered)}, 95th percentile {ordered[int(0.95 * len(ordered))]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--distractors", type=Path, help="a folder of more pictures to index as distractors")
    args = parser.parse_args()
    started = time.perf_counter()
    pictures, source = _indexed(args.distractors)
    names = list(pictures)
    prints = {name: hashing.fingerprints(picture) for name, picture in pictures.items()}
    index = FingerprintIndex()
    for item_id, name in enumerate(names):
        index.add(item_id, prints[name])
    threshold = hashing.MATCH_DISTANCE
    print(f"MATCH_DISTANCE = {threshold} (of {hashing.BITS} bits)")
    print(f"indexed: {len(PHOTOS)} photos + {len(names) - len(PHOTOS)} distractors (synthetic, generated here)")

    required = _Evaluation(names, prints, index)
    for family, label, transform in transformations():
        for photo in PHOTOS:
            required.query(family, label, photo, transform(pictures[photo]))
    required.report(f"The transformation set ({len(PHOTOS)} photos x {len(transformations())} transformations)")
    if required.failures:
        print("misses and false matches:\n" + "\n".join(required.failures))

    pair_distances = []
    close = []
    for i, a in enumerate(names):
        for b in names[i + 1 :]:
            d = hashing.distance(prints[a], prints[b])
            pair_distances.append(d)
            if d <= threshold:
                kind = "same photo's derivatives" if source[a] and source[a] == source[b] else "unrelated"
                close.append(f"  {a} ~ {b}: {d} ({kind})")
    pairs = len(pair_distances)
    photo_pairs = sum(
        hashing.distance(prints[a], prints[b]) <= threshold for i, a in enumerate(PHOTOS) for b in PHOTOS[i + 1 :]
    )
    print(
        f"\npairs of different originals within MATCH_DISTANCE: {photo_pairs} of {len(PHOTOS) * (len(PHOTOS) - 1) // 2}"
    )
    print(f"pairs of different indexed items within MATCH_DISTANCE: {_pct(len(close), pairs)}")
    print("\n".join(close))
    ordered = sorted(pair_distances)
    print(
        f"distance between different indexed items: min {ordered[0]}, 1st percentile {ordered[pairs // 100]}, "
        f"median {statistics.median(ordered)}"
    )

    beyond = _Evaluation(names, prints, index)
    for _, label, transform in stress_transformations():
        for photo in PHOTOS:
            beyond.query(label, label, photo, transform(pictures[photo]))
    beyond.report("Beyond the set (not required; where the method stops), per transformation")
    print(f"\n{time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
