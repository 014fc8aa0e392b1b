"""The one way an article enters the desk: validate, deduplicate, store with
its media in one transaction, and suggest claims worth checking."""

import logging
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import DataError, IntegrityError, transaction
from django.db.models import Q

from factcheck import background, detection, workflow
from factcheck.importing.data import ArticleData, ImportFailed, MediaData, canonical_url, clean_field
from factcheck.models import Article, Claim, Media, content_hash

log = logging.getLogger(__name__)
FETCH_MEDIA_TASK = "fetch_media"  # the background task that keeps an article's photo (factcheck.media.ingest)
MATCH_CLAIMS_TASK = "match_claims"  # the one that looks suggestions up in the library (factcheck.library.matches)
CREATED, DUPLICATE, FAILED = "created", "duplicate", "failed"
MAX_BODY_CHARS = 500_000
_WORDS = re.compile(r"\w{4,}")


@dataclass
class ImportResult:
    outcome: str
    label: str
    message: str
    article: Article | None = None
    suggestions: int = 0

    @classmethod
    def failed(cls, label: str, message: str) -> "ImportResult":
        return cls(FAILED, label, message)


def _validated(data: ArticleData) -> ArticleData:
    """Check what must hold and cut every field to what the database takes."""
    data.title = " ".join(clean_field(data.title).split())[:500]
    data.body, data.body_html = clean_field(data.body), clean_field(data.body_html)
    data.external_id, data.outlet = clean_field(data.external_id, 200).strip(), clean_field(data.outlet, 200).strip()
    data.byline, data.language = clean_field(data.byline, 500).strip(), clean_field(data.language, 20).strip()
    if not data.title:
        raise ImportFailed("The article needs a title.")
    if not (data.body or "").strip():
        raise ImportFailed("The article has no text.")
    if len(data.body) > MAX_BODY_CHARS:
        raise ImportFailed(f"The article is too long ({len(data.body):,} characters; at most {MAX_BODY_CHARS:,}).")
    data.url = canonical_url(data.url)
    if data.url:
        try:
            URLValidator(schemes=["http", "https"])(data.url)
            urlsplit(data.url).port  # noqa: B018 - raises ValueError for a port out of range
        except (ValidationError, ValueError):
            raise ImportFailed(f"{data.url!r} is not an http(s) URL.") from None
        if len(data.url) > 1000:
            raise ImportFailed("The article's URL is longer than 1000 characters.")
    data.media = [
        MediaData(m.kind, clean_field(m.url), clean_field(m.caption), clean_field(m.credit, 300))
        for m in data.media
        if m.kind in (Media.Kind.IMAGE, Media.Kind.VIDEO)
        and (not m.url or (m.url.startswith(("http://", "https://")) and len(m.url) <= 1000))
    ]
    return data


def find_existing(data: ArticleData) -> tuple[Article, str] | None:
    """The article already in the desk with the same URL, CMS id or text."""
    match = Q(content_hash=content_hash(data.body))
    if data.url:
        match |= Q(url=data.url)
    if data.external_id:
        match |= Q(external_id=data.external_id)
    existing = Article.objects.filter(match).first()
    if existing is None:
        return None
    if data.url and existing.url == data.url:
        why = "the same URL"
    elif data.external_id and existing.external_id == data.external_id:
        why = "the same external id"
    else:
        why = "the same text"
    return existing, why


def _duplicate(label: str, existing: tuple[Article, str]) -> ImportResult:
    article, why = existing
    return ImportResult(DUPLICATE, label, f"Already in the desk as “{article.title}” (#{article.pk}, {why}).", article)


def _best_media(text: str, kind: str, media: list[Media]) -> Media | None:
    candidates = [m for m in media if m.kind == kind] or [m for m in media if m.kind == Media.Kind.IMAGE]
    words = {w.casefold() for w in _WORDS.findall(text)}
    scored = [(len(words & {w.casefold() for w in _WORDS.findall(m.caption)}), -m.position, m) for m in candidates]
    scored = [s for s in scored if s[0] >= 3]
    return max(scored, key=lambda s: (s[0], s[1]))[2] if scored else None


def suggest(article: Article, media: list[Media]) -> int:
    """Store detection's suggestions as claims in status `suggested`; whether they were checked
    before is looked up in the background after the commit (the import does not wait)."""
    count, suggested = 0, []
    for found in detection.suggest_claims(article.body):
        about = (
            _best_media(found.text, found.kind, media) if found.kind in (Claim.Kind.IMAGE, Claim.Kind.VIDEO) else None
        )
        claim = workflow.claim_suggest(
            article=article,
            text=found.text,
            kind=found.kind,
            span_start=found.span_start,
            span_end=found.span_end,
            attribution=found.attribution[:300],
            reason=found.reason,
            media=about,
        )
        suggested.append(claim.pk)
        count += 1
    if suggested:
        background.enqueue_on_commit(MATCH_CLAIMS_TASK, suggested)
    return count


def import_article(data: ArticleData, *, source: str, user=None, label: str = "", detect: bool = True) -> ImportResult:
    """Store one article unless the desk has it already. Never raises for bad
    input: a refusal comes back as a failed result with its reason."""
    label = label or data.title or data.url or "article"
    try:
        data = _validated(data)
    except ImportFailed as error:
        return ImportResult.failed(label, error.message)
    existing = find_existing(data)
    if existing is not None:
        return _duplicate(label, existing)
    try:
        with transaction.atomic():
            article = Article.objects.create(
                title=data.title,
                url=data.url,
                external_id=data.external_id,
                outlet=data.outlet,
                byline=data.byline,
                published_at=data.published_at,
                language=data.language,
                body=data.body,
                body_html=data.body_html,
                source=source,
                imported_by=user if getattr(user, "is_authenticated", False) else None,
            )
            media = Media.objects.bulk_create(
                Media(
                    article=article,
                    kind=m.kind,
                    url=m.url[:1000],
                    caption=m.caption,
                    credit=m.credit[:300],
                    position=i,
                    state=Media.State.PENDING if m.url else Media.State.REMOTE,
                )
                for i, m in enumerate(data.media)
            )
            suggestions = suggest(article, media) if detect else 0
            # The photos themselves are fetched in the background after the commit: a media
            # fetch that fails is recorded on the item and never fails the article's import.
            for item in media:
                if item.url:
                    background.enqueue_on_commit(FETCH_MEDIA_TASK, item.pk)
    except IntegrityError:
        # Someone imported the same article between our check and our insert:
        # the unique constraints let exactly one of us store it.
        existing = find_existing(data)
        if existing is None:
            return ImportResult.failed(label, "The article could not be stored: it conflicts with one already there.")
        return _duplicate(label, existing)
    except (DataError, ValueError, OverflowError) as error:
        # The transaction rolled back: nothing of the article was stored.
        log.warning("Import of %r refused by the database: %s", label, error)
        return ImportResult.failed(label, "The article could not be stored: a value is out of range or malformed.")
    message = f"Imported “{article.title}” with {suggestions} suggested claim(s)."
    return ImportResult(CREATED, label, message, article, suggestions)
