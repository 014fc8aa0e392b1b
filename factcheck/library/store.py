"""Keeping fact-checks: each record becomes one FactCheck row unless the library has it
already (same URL, or the same claim text from the same publisher). One bad item never
stops the others; every item gets a result saying what happened to it."""

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone

from factcheck import background
from factcheck.importing.pipeline import FETCH_MEDIA_TASK
from factcheck.library.parsing import FactCheckRecord, Refused
from factcheck.models import FactCheck, LibraryFeed, Media, Rating
from factcheck.models.library import claim_key

CREATED, DUPLICATE, FAILED = "created", "duplicate", "failed"
BATCH = 500  # items stored in one transaction


@dataclass(frozen=True)
class ItemResult:
    outcome: str  # created, duplicate or failed
    position: str  # "item 3", "line 12", "row 7"
    message: str  # for people
    fact_check_id: int | None = None
    url: str = ""

    def as_json(self) -> dict:
        return {
            "outcome": self.outcome, "position": self.position, "message": self.message, "id": self.fact_check_id,
            "url": self.url,
        }  # fmt: skip


def summary(results: list[ItemResult]) -> dict[str, int]:
    counts = {CREATED: 0, DUPLICATE: 0, FAILED: 0}
    for result in results:
        counts[result.outcome] += 1
    return counts


def _existing(record: FactCheckRecord) -> FactCheck | None:
    by_url = FactCheck.objects.filter(url=record.url).first()
    return by_url or FactCheck.objects.filter(key=claim_key(record.claim_reviewed, record.publisher)).first()


def _ratings() -> dict[str, Rating]:
    return {rating.slug: rating for rating in Rating.objects.all()}


def keep(
    items: Iterable[FactCheckRecord | Refused], *, origin: str, feed: LibraryFeed | None = None
) -> list[ItemResult]:
    """Store the records (each in its own transaction); a result per item, in order."""
    ratings, results = _ratings(), []
    batch: list[tuple[int, FactCheckRecord | Refused]] = []
    for number, item in enumerate(items, start=1):
        batch.append((number, item))
        if len(batch) == BATCH:
            results += _keep_batch(batch, origin=origin, feed=feed, ratings=ratings)
            batch = []
    return results + _keep_batch(batch, origin=origin, feed=feed, ratings=ratings)


def _keep_batch(batch, *, origin: str, feed: LibraryFeed | None, ratings: dict[str, Rating]) -> list[ItemResult]:
    """One transaction a batch (one disk flush, not one an item); each item in its own savepoint,
    so a refused one rolls back alone."""
    results = []
    with transaction.atomic():
        for number, item in batch:
            if isinstance(item, Refused):
                results.append(ItemResult(FAILED, item.position or f"item {number}", item.reason))
            else:
                results.append(_keep_one(item, f"item {number}", origin=origin, feed=feed, ratings=ratings))
    return results


def _image(record: FactCheckRecord) -> Media | None:
    """A fact-check's image is fetched and fingerprinted in the background, so that a photo
    claim finds the fact-checked photo ("Seen before")."""
    if not record.image_url:
        return None
    media = Media.objects.create(article=None, url=record.image_url, state=Media.State.PENDING)
    background.enqueue_on_commit(FETCH_MEDIA_TASK, media.pk)
    return media


def _keep_one(
    record: FactCheckRecord, position: str, *, origin: str, feed: LibraryFeed | None, ratings: dict[str, Rating]
) -> ItemResult:
    existing = _existing(record)
    if existing is not None:
        return ItemResult(DUPLICATE, position, f"Already in the library: {existing.url}", existing.pk, existing.url)
    try:
        with transaction.atomic():
            fact_check = FactCheck.objects.create(
                url=record.url, claim_reviewed=record.claim_reviewed, title=record.title[:500],
                publisher=record.publisher[:300], publisher_url=record.publisher_url[:1000],
                claimant=record.claimant[:500], rating_text=record.rating_text[:300], rating_value=record.rating_value,
                rating_best=record.rating_best, rating_worst=record.rating_worst,
                rating=ratings.get(record.rating_slug or ""), date_published=record.date_published,
                language=record.language[:20], image_url=record.image_url[:1000], origin=origin, feed=feed,
                item=record.item, updated_at=timezone.now(), media=_image(record),
            )  # fmt: skip
    except IntegrityError:
        # The same URL stored a moment ago by another import: one of us keeps it.
        existing = _existing(record)
        if existing is None:
            return ItemResult(FAILED, position, "It could not be stored: it conflicts with one already there.")
        return ItemResult(DUPLICATE, position, f"Already in the library: {existing.url}", existing.pk, existing.url)
    return ItemResult(CREATED, position, f"Added: {fact_check.url}", fact_check.pk, fact_check.url)
