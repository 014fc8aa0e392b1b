"""The one way an article enters the desk: validate, deduplicate, store with
its media in one transaction, and suggest claims worth checking."""

import logging
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import DataError, IntegrityError, transaction
from django.db.models import Q

from factcheck import background, detection, workflow
from factcheck.detection import transcripts
from factcheck.importing.data import ArticleData, ImportFailed, MediaData, canonical_url, clean_field
from factcheck.models import Article, Claim, Media, content_hash

log = logging.getLogger(__name__)
FETCH_MEDIA_TASK = "fetch_media"  # the background task that keeps an article's photo (factcheck.media.ingest)
MATCH_CLAIMS_TASK = "match_claims"  # the one that looks suggestions up in the library (factcheck.library.matches)
CREATED, DUPLICATE, FAILED = "created", "duplicate", "failed"
MAX_CANDIDATES = 200  # candidates an article keeps beyond its suggestions
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


def too_long_message(length: int) -> str:
    limit = settings.ARTICLE_MAX_CHARS
    return f"The article is too long: {length:,} characters, and the desk takes at most {limit:,} (ARTICLE_MAX_CHARS)."


def check_length(body: str) -> None:
    """Refuse an article longer than ARTICLE_MAX_CHARS, saying so."""
    if len(body) > settings.ARTICLE_MAX_CHARS:
        raise ImportFailed(too_long_message(len(body)))


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
    check_length(data.body)
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


def _detect(article: Article, media: list[Media]) -> list[tuple[detection.Suggestion, Media | None]]:
    """Every candidate of the body (a transcript line by line) and of the photos' captions."""
    if article.is_transcript:
        found = transcripts.candidates(article.body)
    else:
        found = detection.suggest_claims(article.body)
    pool: list[tuple[detection.Suggestion, Media | None]] = []
    for s in found:
        about = _best_media(s.text, s.kind, media) if s.kind in (Claim.Kind.IMAGE, Claim.Kind.VIDEO) else None
        pool.append((s, about))
    for item in media:
        pool.extend((s, item) for s in detection.caption_claims(item.caption))
    return pool


def candidate_row(s: detection.Suggestion, media: Media | None) -> dict:
    """A candidate that did not make the suggestions, as the article keeps it."""
    return {
        "text": s.text, "kind": s.kind, "span_start": s.span_start, "span_end": s.span_end,
        "attribution": s.attribution[:300], "reason": s.reason, "score": s.score, "band": s.band,
        "signals": list(s.signals), "media": media.pk if media is not None else None,
    }  # fmt: skip


def suggest(article: Article, media: list[Media]) -> int:
    """Store the best of detection's candidates as claims in status `suggested` (at most
    SUGGESTIONS_PER_ARTICLE, scoring at least SUGGESTION_THRESHOLD) and keep the rest on
    the article; whether they were checked before is looked up in the background after
    the commit (the import does not wait)."""
    pool = _detect(article, media)
    about = {id(s): m for s, m in pool}
    top, more = detection.select(
        [s for s, _ in pool], limit=settings.SUGGESTIONS_PER_ARTICLE, threshold=settings.SUGGESTION_THRESHOLD
    )
    found = []
    for s in sorted(top, key=lambda s: (s.span_start if about[id(s)] is None else -1, s.span_start)):
        caption = about[id(s)] is not None and s.text not in article.body
        found.append(
            {
                "text": s.text, "kind": s.kind, "span_start": None if caption else s.span_start,
                "span_end": None if caption else s.span_end, "attribution": s.attribution[:300], "reason": s.reason,
                "media": about[id(s)], "score": s.score, "score_band": s.band, "score_reasons": list(s.signals),
            }
        )  # fmt: skip
    suggested = [claim.pk for claim in workflow.claims_suggest(article=article, found=found)]
    rows = [candidate_row(s, about[id(s)]) for s in more[:MAX_CANDIDATES]]
    if rows:
        Article.objects.filter(pk=article.pk).update(candidates=rows)
        article.candidates = rows
    if suggested:
        background.enqueue_on_commit(MATCH_CLAIMS_TASK, suggested)
    return len(suggested)


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
                is_transcript=data.transcript,
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
