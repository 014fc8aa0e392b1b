"""Where fact-checks come from: a fact-check page's address (its JSON-LD), a ClaimReview
feed (a schema.org DataFeed, one-off or subscribed and polled), a file, or an API body.
Pages and feeds are fetched through the desk's SSRF-safe fetcher."""

import logging
from pathlib import Path

from django.utils import timezone

from factcheck import background
from factcheck.importing.fetch import FetchError, fetch_url
from factcheck.library import store
from factcheck.library.parsing import (
    FactCheckRecord,
    Refused,
    records_from_file,
    records_from_html,
    records_from_jsonld,
)
from factcheck.models import FactCheck, LibraryFeed

log = logging.getLogger(__name__)
POLL_TASK = "poll_library_feed"  # the background task that polls a subscription (factcheck.tasks)
MAX_BYTES = 50_000_000  # a feed of 100,000 ClaimReviews fits


def records_from_url(url: str) -> list[FactCheckRecord | Refused]:
    """A fact-check page (its JSON-LD) or a ClaimReview feed, by what the server sends."""
    try:
        fetched = fetch_url(url, max_bytes=MAX_BYTES)
    except FetchError as error:
        return [Refused(error.message, url, "")]
    looks_like_json = fetched.content.lstrip()[:1] in (b"{", b"[")
    if "json" in fetched.content_type or (looks_like_json and "html" not in fetched.content_type):
        # As a file: BOMs, UTF-16, JSON lines and a gzipped feed are read too.
        return records_from_file("feed.json", fetched.content)
    return records_from_html(fetched.content, fetched.url)


def import_url(url: str, *, origin: str = FactCheck.Origin.URL) -> list[store.ItemResult]:
    return store.keep(records_from_url(url), origin=origin)


def import_file(name: str, content: bytes) -> list[store.ItemResult]:
    return store.keep(records_from_file(name, content), origin=FactCheck.Origin.FILE)


def import_path(path: Path) -> list[store.ItemResult]:
    try:
        content = path.read_bytes()
    except OSError as error:
        return [store.ItemResult(store.FAILED, str(path), f"The file cannot be read: {error.strerror or error}.")]
    return import_file(path.name, content)


def import_body(data) -> list[store.ItemResult]:
    """An API body: a ClaimReview, a list of them, or a DataFeed."""
    return store.keep(records_from_jsonld(data), origin=FactCheck.Origin.API)


def subscribe(url: str, *, name: str = "", user=None) -> LibraryFeed:
    """Follow a ClaimReview feed (once per address) and poll it now, in the background."""
    added_by = user if getattr(user, "is_authenticated", False) else None
    feed, _ = LibraryFeed.objects.get_or_create(url=url, defaults={"name": name, "added_by": added_by})
    background.enqueue_on_commit(POLL_TASK, feed.pk)
    return feed


def poll(feed_id: int) -> dict[str, int]:
    """Read a subscribed feed; new fact-checks are added, the ones already here skipped."""
    feed = LibraryFeed.objects.filter(pk=feed_id, active=True).first()
    if feed is None:
        return {}
    try:
        results = store.keep(records_from_url(feed.url), origin=FactCheck.Origin.FEED, feed=feed)
    except Exception:  # noqa: BLE001 - record the failure on the feed instead of losing it
        log.exception("Polling library feed %s crashed", feed_id)
        results = [store.ItemResult(store.FAILED, feed.url, "Polling failed unexpectedly; the error was logged.")]
    failed = [r.message for r in results if r.outcome == store.FAILED]
    error = failed[0] if failed and len(failed) == len(results) else ""
    LibraryFeed.objects.filter(pk=feed.pk).update(last_polled_at=timezone.now(), last_error=error[:2000])
    return store.summary(results)


def active_feeds() -> list[LibraryFeed]:
    return list(LibraryFeed.objects.filter(active=True))


def poll_now(feed: LibraryFeed):
    """Queue a poll of the subscription at once (``manage.py poll_feeds`` does it for every active
    one); with the immediate backend it has run when this returns (return_value: the counts)."""
    return background.task(POLL_TASK).enqueue(feed.pk)
