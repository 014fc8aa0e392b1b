"""ImportRecord bookkeeping: what happened to each source an editor imported,
including the ones that run in the background."""

import logging

from django.db import transaction
from django.utils import timezone

from factcheck.importing.pipeline import ImportResult
from factcheck.importing.sources import import_url
from factcheck.models import Article, Feed, ImportRecord

log = logging.getLogger(__name__)
Outcome = ImportRecord.Outcome


def record(result: ImportResult, *, source: str, user=None) -> ImportRecord:
    return ImportRecord.objects.create(
        source=source,
        label=result.label[:1000],
        outcome=result.outcome,
        message=result.message,
        article=result.article,
        suggestions=result.suggestions,
        requested_by=user if getattr(user, "is_authenticated", False) else None,
        finished_at=timezone.now(),
    )


def queue_url_import(url: str, *, user=None) -> ImportRecord:
    """Record the URL and fetch it in the background (at once with the
    immediate task backend)."""
    from factcheck import tasks

    entry = ImportRecord.objects.create(
        source=Article.Source.URL,
        label=url.strip()[:1000],
        requested_by=user if getattr(user, "is_authenticated", False) else None,
    )
    transaction.on_commit(lambda: tasks.import_url_task.enqueue(entry.pk))
    return entry


def subscribe_feed(url: str, *, outlet: str = "", user=None) -> Feed:
    """Register a feed (once per URL) and poll it in the background now."""
    from factcheck import tasks

    added_by = user if getattr(user, "is_authenticated", False) else None
    feed, _ = Feed.objects.get_or_create(url=url, defaults={"outlet": outlet, "added_by": added_by})
    transaction.on_commit(lambda: tasks.poll_feed_task.enqueue(feed.pk))
    return feed


def run_url_import(record_id: int) -> str:
    entry = ImportRecord.objects.select_related("requested_by").filter(pk=record_id).first()
    if entry is None or entry.outcome != Outcome.QUEUED:
        return "skipped"
    try:
        result = import_url(entry.label, user=entry.requested_by)
    except Exception:  # noqa: BLE001 - the record must not stay "queued" for ever
        log.exception("URL import %s crashed", record_id)
        result = ImportResult.failed(entry.label, "The import failed unexpectedly; the error was logged.")
    ImportRecord.objects.filter(pk=entry.pk, outcome=Outcome.QUEUED).update(
        outcome=result.outcome,
        message=result.message,
        article=result.article,
        suggestions=result.suggestions,
        finished_at=timezone.now(),
    )
    return result.outcome


def poll_and_record(feed_id: int) -> dict[str, int]:
    """Poll one feed; record what was imported or failed (not the entries
    skipped as already imported)."""
    from factcheck.importing.feeds import poll_feed
    from factcheck.importing.pipeline import DUPLICATE

    feed = Feed.objects.select_related("added_by").filter(pk=feed_id, active=True).first()
    if feed is None:
        return {}
    counts: dict[str, int] = {}
    try:
        results = poll_feed(feed)
    except Exception:  # noqa: BLE001 - record the failure on the feed instead of losing it
        log.exception("Polling feed %s crashed", feed_id)
        Feed.objects.filter(pk=feed.pk).update(last_error="Polling failed unexpectedly; the error was logged.")
        return {"failed": 1}
    for result in results:
        counts[result.outcome] = counts.get(result.outcome, 0) + 1
        if result.outcome != DUPLICATE or result.article is not None:
            record(result, source=Article.Source.FEED, user=feed.added_by)
    return counts
