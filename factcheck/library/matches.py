"""Has this been checked before? Every claim (and any text) is ranked against the library
by the matcher (``factcheck.library.matching``: BM25 first stage, a learned reranker),
held in memory in each process and brought up to date by one indexed query per search.

The scores are the reranker's probability that the fact-check answers the claim. The
lists of the pages (suggestions, desk cards) read the matches stored for each claim
(``ClaimMatch``), computed in the background after an import or a flag; a claim's own
page and the API ask the matcher afresh."""

import threading
import time
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from factcheck.importing.pipeline import MATCH_CLAIMS_TASK
from factcheck.library.matching import Document, Matcher, load_default
from factcheck.models import Claim, ClaimMatch, FactCheck

MATCH_TASK = MATCH_CLAIMS_TASK  # the background task that stores a batch of claims' matches (factcheck.tasks)
SHOWN = 5  # matches kept per claim
MIN_SCORE = 0.05  # below it a fact-check is not worth showing


@dataclass(frozen=True)
class Found:
    fact_check: FactCheck
    score: float


class _Loaded:
    RECOUNT_SECONDS = 60.0

    def __init__(self) -> None:
        self.matcher: Matcher = load_default()
        self.last_id = 0
        self.rows = 0
        self.counted_at = 0.0
        self.lock = threading.Lock()

    def refresh(self) -> Matcher:
        """Index the fact-checks added since the last look; reload all after a deletion."""
        with self.lock:
            last = FactCheck.objects.aggregate(last=Max("id"))["last"] or 0
            if last < self.last_id or time.monotonic() - self.counted_at > self.RECOUNT_SECONDS:
                self.counted_at = time.monotonic()
                if last < self.last_id or FactCheck.objects.filter(id__lte=self.last_id).count() != self.rows:
                    self.matcher.reset()
                    self.last_id, self.rows = 0, 0
            if last > self.last_id:
                new = list(
                    FactCheck.objects.filter(id__gt=self.last_id)
                    .order_by("id")
                    .values_list("id", "claim_reviewed", "title", "language")
                )
                self.matcher.add(Document(pk, claim, title, language or "en") for pk, claim, title, language in new)
                self.last_id, self.rows = new[-1][0], self.rows + len(new)
            return self.matcher


_LOADED = _Loaded()


def reset() -> None:
    """Forget the loaded index (tests; after a bulk delete)."""
    global _LOADED
    _LOADED = _Loaded()


def search_many(
    texts: list[str], *, limit: int = SHOWN, skip_claims: list[int | None] | None = None
) -> list[list[Found]]:
    """The library ranked for each text, best first. ``skip_claims``: for each text, a claim of
    ours whose own published verdict is not a match for it (it is the same claim)."""
    if not texts:
        return []
    matcher = _LOADED.refresh()
    extra = 1 if skip_claims else 0
    found = [[(m.id, m.score) for m in matches] for matches in matcher.search_many(texts, limit=limit + extra)]
    ids = {pk for matches in found for pk, _ in matches}
    rows = FactCheck.objects.select_related("rating").defer("item").in_bulk(ids) if ids else {}  # not the JSON
    results = []
    for n, matches in enumerate(found):
        skip = skip_claims[n] if skip_claims else None
        kept = [
            Found(rows[pk], score)
            for pk, score in matches
            if pk in rows and (skip is None or rows[pk].claim_id != skip)
        ]
        results.append(kept[:limit])
    return results


def search(text: str, *, limit: int = SHOWN) -> list[Found]:
    return search_many([" ".join((text or "").split())[:5000]], limit=limit)[0]


def for_claim(claim: Claim, *, limit: int = SHOWN) -> list[Found]:
    return search_many([claim.text], limit=limit, skip_claims=[claim.pk])[0]


def store_for(claim_ids: list[int]) -> int:
    """Compute and keep the matches of these claims (the background task's body); how many were kept."""
    claims = list(Claim.objects.filter(pk__in=claim_ids).order_by("id"))
    if not claims:
        return 0
    found = search_many([c.text for c in claims], skip_claims=[c.pk for c in claims])
    now = timezone.now()
    rows = [
        ClaimMatch(claim=claim, fact_check=f.fact_check, score=f.score, rank=rank, computed_at=now)
        for claim, matches in zip(claims, found, strict=True)
        for rank, f in enumerate((f for f in matches if f.score >= MIN_SCORE), start=1)
    ]
    with transaction.atomic():
        ClaimMatch.objects.filter(claim__in=claims).delete()
        ClaimMatch.objects.bulk_create(rows)
    return len(rows)
