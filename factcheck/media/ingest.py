"""Getting photos and videos into the desk's storage: an article's media, fetched in the
background after its import (a failure is recorded on the item and never fails the
import), and media sent to the newsroom on its own (an upload or an image's address),
which becomes a claim of kind image/video in the usual workflow."""

import logging
import posixpath
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.db import IntegrityError, transaction

from factcheck import background, roles, workflow
from factcheck.importing.fetch import FetchError, fetch_url
from factcheck.importing.pipeline import FETCH_MEDIA_TASK
from factcheck.media import store
from factcheck.media.errors import MediaRefused
from factcheck.models import Claim, Media

log = logging.getLogger(__name__)
FETCH_TASK = FETCH_MEDIA_TASK  # the background task that runs ``fetch_and_store`` (factcheck.tasks)


@dataclass(frozen=True)
class Ingested:
    media: Media
    claim: Claim | None
    created: bool  # False: the same bytes were already here


def _name_from_url(url: str) -> str:
    return posixpath.basename(urlsplit(url).path)[:255]


def _download(url: str) -> bytes:
    try:
        return fetch_url(url, max_bytes=store.limit_bytes()).content
    except FetchError as error:
        raise MediaRefused(error.message) from None


def retry(media: Media, *, actor) -> Media:
    """Try again to fetch an item that could not be stored (editors)."""
    if not roles.can_triage(actor):
        raise workflow.NotAllowed("Only editors can retry fetching media.")
    if not media.url:
        raise workflow.Invalid("This item has no address to fetch it from.")
    if media.state == Media.State.STORED:
        raise workflow.Invalid("This item is stored already.")
    Media.objects.filter(pk=media.pk).update(state=Media.State.PENDING, error="")
    media.state, media.error = Media.State.PENDING, ""
    background.enqueue_on_commit(FETCH_TASK, media.pk)
    return media


def fetch_and_store(media_id: int) -> str:
    """The task's body: fetch the item's URL through the SSRF-safe fetcher and keep it."""
    media = Media.objects.filter(pk=media_id).first()
    if media is None or media.state == Media.State.STORED or not media.url:
        return "skipped"
    try:
        data = _download(media.url)
        store.save(media, store.prepare(data, _name_from_url(media.url)), filename=_name_from_url(media.url))
    except MediaRefused as refused:
        store.record_failure(media, refused.message)
        return "failed"
    except Exception:  # noqa: BLE001 - the item must not stay "pending" for ever
        log.exception("Storing media %s failed", media_id)
        store.record_failure(media, "Storing it failed unexpectedly; the error was logged. Try again.")
        return "failed"
    return "stored"


def submit(
    *, actor, data: bytes | None = None, url: str = "", filename: str = "", caption: str = "", source_url: str = "",
    note: str = "", claim_text: str = "",
) -> Ingested:  # fmt: skip
    """A photo or video sent to the newsroom on its own (bytes, or an image's address):
    kept, and flagged as a claim of kind image/video. The same bytes again give the item
    already there (``created`` False)."""
    if not roles.can_triage(actor):
        raise workflow.NotAllowed("Only editors can add media to check.")
    if data is None:
        if not url:
            raise workflow.Invalid("Give a file or an image's address.")
        data, filename = _download(url), filename or _name_from_url(url)
    prepared = store.prepare(data, filename)
    existing = Media.objects.filter(article__isnull=True, added_by__isnull=False, sha256=prepared.sha256).first()
    if existing is not None:
        return Ingested(existing, existing.claims.order_by("id").first(), False)
    text = claim_text.strip() or caption.strip() or f"What this {prepared.kind} shows"
    try:
        with transaction.atomic():
            media = Media(
                article=None, url=url, caption=caption.strip(), source_url=source_url.strip(), note=note.strip(),
                added_by=actor,
            )  # fmt: skip
            store.save(media, prepared, filename=filename)
            claim = workflow.claim_flag_media(media=media, actor=actor, text=text, reason=note.strip())
    except IntegrityError:
        # The same bytes sent twice at once: the other request stored them first.
        existing = Media.objects.filter(article__isnull=True, added_by__isnull=False, sha256=prepared.sha256).first()
        if existing is None:
            raise
        return Ingested(existing, existing.claims.order_by("id").first(), False)
    return Ingested(media, claim, True)
