"""RSS and Atom feeds: new entries become articles; entries already in the
desk are skipped."""

import feedparser
from django.utils import timezone

from factcheck.importing.bounds import check_feed
from factcheck.importing.data import ArticleData, ImportFailed, canonical_url, normalize_text, parse_published
from factcheck.importing.fetch import FetchError, fetch_url
from factcheck.importing.html import extract_html, paragraphs_to_html, sanitize_html
from factcheck.importing.pipeline import DUPLICATE, ImportResult, import_article
from factcheck.importing.sources import article_from_url
from factcheck.models import Article, Feed


def read_feed(url: str) -> feedparser.FeedParserDict:
    fetched = fetch_url(url)
    check_feed(fetched.content)
    # feedparser neither sanitises nor rewrites links: each entry's HTML is sanitised by the
    # import (bounded, see importing.bounds), and feedparser's own pass is slow on big markup.
    parsed = feedparser.parse(fetched.content, sanitize_html=False, resolve_relative_uris=False)
    if parsed.bozo and not parsed.entries:
        raise ImportFailed(f"{url} is not an RSS or Atom feed ({parsed.get('bozo_exception', 'unreadable')}).")
    return parsed


def _entry_published(entry):
    stamp = entry.get("published_parsed") or entry.get("updated_parsed")
    if not stamp:
        return None
    return parse_published(
        f"{stamp.tm_year:04d}-{stamp.tm_mon:02d}-{stamp.tm_mday:02d}T{stamp.tm_hour:02d}:"
        f"{stamp.tm_min:02d}:{stamp.tm_sec:02d}"
    )


def _link(entry) -> str:
    link = (entry.get("link") or "").strip()
    return link if link.lower().startswith(("http://", "https://")) else ""  # not an id like "urn:1"


def _from_entry(entry, feed: Feed) -> ArticleData:
    """The full article behind an entry's link; the entry's own content when
    the page cannot be fetched or read."""
    link = _link(entry)
    try:
        data = article_from_url(link)
    except (FetchError, ImportFailed):
        contents = entry.get("content") or []
        markup = contents[0].get("value", "") if contents else entry.get("summary", "")
        if not markup:
            raise
        what = "The feed entry's content"
        data = extract_html(f"<html><body>{sanitize_html(markup, what)}</body></html>", url=link, what=what)
        data.body_html = paragraphs_to_html(data.body)
    data.url = link or data.url
    data.title = normalize_text(entry.get("title", "")) or data.title
    data.outlet = data.outlet or feed.outlet or feed.title
    data.byline = data.byline or entry.get("author", "")
    data.published_at = _entry_published(entry) or data.published_at
    return data


def poll_feed(feed: Feed, *, user=None) -> list[ImportResult]:
    """Import the feed's entries that the desk has not seen yet."""
    results: list[ImportResult] = []
    try:
        parsed = read_feed(feed.url)
    except (FetchError, ImportFailed) as error:
        Feed.objects.filter(pk=feed.pk).update(last_polled_at=timezone.now(), last_error=error.message)
        return [ImportResult.failed(feed.url, error.message)]
    if not feed.title and parsed.feed.get("title"):
        feed.title = parsed.feed.get("title")[:300]
        Feed.objects.filter(pk=feed.pk).update(title=feed.title)
    for entry in parsed.entries:
        link = _link(entry)
        label = entry.get("title") or link or "entry"
        if link and Article.objects.filter(url=canonical_url(link)).exists():
            results.append(ImportResult(DUPLICATE, label, "Already imported."))
            continue
        try:
            data = _from_entry(entry, feed)
        except (FetchError, ImportFailed) as error:
            results.append(ImportResult.failed(label, error.message))
            continue
        results.append(import_article(data, source=Article.Source.FEED, user=user or feed.added_by, label=label))
    Feed.objects.filter(pk=feed.pk).update(last_polled_at=timezone.now(), last_error="")
    return results
