"""Seen before: the stored photos and video keyframes near-identical to an item, ranked
by perceptual distance, with the claims and verdicts they carry.

The fingerprints of every stored item live in an in-memory index in each process
(``FingerprintIndex``: numpy, XOR and popcount over 64-bit hashes), loaded once and
then brought up to date with the rows added since, by one indexed MAX(id) per search.
Deletions are noticed by a count at most once a minute (the index is then loaded again);
meanwhile a deleted item is skipped when the results are read."""

import threading
import time
from dataclasses import dataclass

from django.db.models import Max

from factcheck.media import hashing
from factcheck.media.index import FingerprintIndex
from factcheck.models import Article, Claim, FactCheck, Fingerprint, Media, Verdict


@dataclass(frozen=True)
class Similar:
    media: Media
    distance: int
    claim: Claim | None
    article: Article | None
    verdict: Verdict | None  # the verdict in force on that claim, if any
    fact_check: FactCheck | None = None  # a fact-check in the library that carries this photo


class _Loaded:
    # How often a search also counts the rows, to notice deletions (a full reload then).
    RECOUNT_SECONDS = 60.0

    def __init__(self) -> None:
        self.index = FingerprintIndex()
        self.last_id = 0
        self.rows = 0
        self.counted_at = 0.0
        self.lock = threading.Lock()

    def refresh(self) -> FingerprintIndex:
        """Add the rows stored since the last look (one indexed MAX(id) per search); once a
        minute also count them, and load everything again when some were deleted."""
        with self.lock:
            last = Fingerprint.objects.aggregate(last=Max("id"))["last"] or 0
            if last < self.last_id or time.monotonic() - self.counted_at > self.RECOUNT_SECONDS:
                self.counted_at = time.monotonic()
                if last < self.last_id or Fingerprint.objects.filter(id__lte=self.last_id).count() != self.rows:
                    self.index, self.last_id, self.rows = FingerprintIndex(), 0, 0
            if last > self.last_id:
                new = list(self._rows_after(self.last_id))
                if new:
                    self.index.add_many((media_id, kind, value) for _, media_id, kind, value in new)
                    self.last_id, self.rows = new[-1][0], self.rows + len(new)
            return self.index

    @staticmethod
    def _rows_after(last_id: int):
        rows = Fingerprint.objects.filter(id__gt=last_id).order_by("id")
        return rows.values_list("id", "media_id", "kind", "value").iterator(chunk_size=10_000)


_LOADED = _Loaded()


def reset() -> None:
    """Forget the loaded index (tests; after a bulk delete)."""
    global _LOADED
    _LOADED = _Loaded()


def prints_of(media: Media) -> list[tuple[str, int]]:
    # In row order: a video's keyframes are told apart by it.
    return list(media.fingerprints.order_by("id").values_list("kind", "value"))


def search(prints: list[tuple[str, int]], *, exclude: set[int] | None = None, limit: int = 10) -> list[tuple[int, int]]:
    """(media id, distance) of the stored items near-identical to these fingerprints."""
    if not prints:
        return []
    index = _LOADED.refresh()
    return index.search(prints, limit=limit, max_distance=hashing.MATCH_DISTANCE, exclude=exclude or set())


def similar_to(media: Media, *, limit: int = 10) -> list[Similar]:
    """Near-identical items across the desk (other articles, earlier uploads), closest first;
    each with its latest claim and that claim's verdict in force."""
    found = search(prints_of(media), exclude={media.pk}, limit=limit)
    return describe(found)


def describe(found: list[tuple[int, int]]) -> list[Similar]:
    """Load the items of a search with their claims and verdicts, in a fixed number of queries."""
    if not found:
        return []
    items = Media.objects.select_related("article").in_bulk([pk for pk, _ in found])
    claims: dict[int, Claim] = {}
    latest = Claim.objects.filter(media_id__in=items).prefetch_related("verdicts__rating").order_by("media_id", "-id")
    for claim in latest:
        if claim.media_id is not None:
            claims.setdefault(claim.media_id, claim)
    checks: dict[int, FactCheck] = {}
    others = FactCheck.objects.filter(media_id__in=items, own=False)  # ours show as the claim's verdict
    for fact_check in others.select_related("rating").order_by("-id"):
        if fact_check.media_id is not None:
            checks.setdefault(fact_check.media_id, fact_check)
    results = []
    for pk, distance in found:
        if pk not in items:
            continue  # deleted since the index was loaded
        found_claim = claims.get(pk)
        verdict = found_claim.verdict_in_force() if found_claim is not None else None
        results.append(Similar(items[pk], distance, found_claim, items[pk].article, verdict, checks.get(pk)))
    return results
