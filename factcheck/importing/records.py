"""ImportRecord bookkeeping: what happened to each source an editor imported,
including the ones that run in the background."""

import logging
from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings
from django.db.models import F, Q
from django.utils import timezone
from django_tasks import TaskResult

from factcheck import background
from factcheck.importing.pipeline import ImportResult
from factcheck.importing.sources import import_files, import_text, import_url
from factcheck.models import Article, Feed, ImportRecord

log = logging.getLogger(__name__)
Outcome = ImportRecord.Outcome

# The background tasks, registered under these names when the app starts (factcheck.background).
IMPORT_URL_TASK = "import_url"  # run_url_import(record_id)
POLL_FEED_TASK = "poll_feed"  # poll_and_record(feed_id)


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


def import_pasted(
    *, title: str, body: str, url: str = "", outlet: str = "", byline: str = "", published_at=None, user=None
) -> list[ImportRecord]:
    """Pasted text, recorded: one ImportRecord. published_at is a datetime or an ISO 8601 string."""
    result = import_text(
        title=title, body=body, url=url, outlet=outlet, byline=byline, published_at=published_at, user=user
    )
    return [record(result, source=Article.Source.PASTE, user=user)]


def import_uploads(files: Iterable[tuple[str, bytes]], *, user=None) -> list[ImportRecord]:
    """Uploaded files as (name, content) pairs, recorded: one ImportRecord per article
    (a .json/.jsonl file may hold many), in the order given. The next files are read while one
    is stored (``import_files``)."""
    return [
        record(result, source=Article.Source.UPLOAD, user=user)
        for _, results in import_files(files, user=user)
        for result in results
    ]


def queue_url_import(url: str, *, user=None) -> ImportRecord:
    """Record the URL and fetch it in the background: the request returns at once with the
    default (thread) and database backends; the immediate one fetches before it returns."""
    entry = ImportRecord.objects.create(
        source=Article.Source.URL,
        label=url.strip()[:1000],
        requested_by=user if getattr(user, "is_authenticated", False) else None,
        queued_at=timezone.now(),
        attempts=1,
    )
    background.enqueue_on_commit(IMPORT_URL_TASK, entry.pk)
    return entry


def queue_url_imports(urls: Iterable[str], *, user=None) -> list[ImportRecord]:
    """Record each URL and fetch it in the background: one (queued) ImportRecord a URL. Imports
    left behind by a stopped process are taken care of first (``retry_stale_imports``)."""
    retry_stale_imports()
    return [queue_url_import(url, user=user) for url in urls]


def _stale(now) -> Q:
    """Queued, and neither started nor finished within IMPORT_QUEUE_DEADLINE of its queueing or start."""
    cutoff = now - timedelta(seconds=settings.IMPORT_QUEUE_DEADLINE)
    queued_before = Q(queued_at__lt=cutoff) | Q(queued_at__isnull=True, created_at__lt=cutoff)
    never_started = Q(started_at__isnull=True) & queued_before
    return Q(outcome=Outcome.QUEUED) & (never_started | Q(started_at__lt=cutoff))


def retry_stale_imports(now=None) -> dict[str, int]:
    """Queue again each URL import that outlived IMPORT_QUEUE_DEADLINE (its worker stopped, or no
    worker runs), up to IMPORT_MAX_ATTEMPTS times in all; then mark it failed, saying why. Run by
    `manage.py retry_imports` (cron, or --every) and before each new URL import."""
    now = now or timezone.now()
    minutes = max(round(settings.IMPORT_QUEUE_DEADLINE / 60), 1)
    counts = {"retried": 0, "failed": 0}
    for entry in ImportRecord.objects.filter(_stale(now)).only("pk", "started_at", "attempts")[:500]:
        was = Q(pk=entry.pk, outcome=Outcome.QUEUED, started_at=entry.started_at, attempts=entry.attempts)
        if entry.attempts >= settings.IMPORT_MAX_ATTEMPTS:
            if entry.started_at is None:
                why = "no task worker picked it up (is `manage.py db_worker` running?)"
            else:
                why = "it started but did not finish (the process running it stopped)"
            message = (
                f"The import was given up after {entry.attempts} attempt(s) of {minutes} min each: {why}. "
                "Import the URL again."
            )
            done = ImportRecord.objects.filter(was).update(outcome=Outcome.FAILED, message=message, finished_at=now)
            counts["failed"] += done
        # The conditional update makes one sweep the one that requeues, however many run at once.
        elif ImportRecord.objects.filter(was).update(queued_at=now, started_at=None, attempts=F("attempts") + 1):
            background.enqueue_on_commit(IMPORT_URL_TASK, entry.pk)
            counts["retried"] += 1
    return counts


def subscribe_feed(url: str, *, outlet: str = "", user=None) -> Feed:
    """Register a feed (once per URL) and poll it in the background now."""
    added_by = user if getattr(user, "is_authenticated", False) else None
    feed, _ = Feed.objects.get_or_create(url=url, defaults={"outlet": outlet, "added_by": added_by})
    background.enqueue_on_commit(POLL_FEED_TASK, feed.pk)
    return feed


def active_feeds() -> list[Feed]:
    return list(Feed.objects.filter(active=True))


def poll_feed_now(feed: Feed) -> TaskResult:
    """Queue a poll of the feed at once (not on commit). With the immediate backend it has
    run when this returns: the result's return_value is poll_and_record's counts."""
    return background.task(POLL_FEED_TASK).enqueue(feed.pk)


def run_url_import(record_id: int) -> str:
    now = timezone.now()
    cutoff = now - timedelta(seconds=settings.IMPORT_QUEUE_DEADLINE)
    # Start it unless another run has (a task queued twice: the original and a retry).
    claimed = ImportRecord.objects.filter(
        Q(started_at__isnull=True) | Q(started_at__lt=cutoff), pk=record_id, outcome=Outcome.QUEUED
    ).update(started_at=now)
    entry = ImportRecord.objects.select_related("requested_by").filter(pk=record_id).first()
    if not claimed or entry is None:
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
