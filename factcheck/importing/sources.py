"""The sources an article can come from, each turned into ArticleData and
handed to the pipeline."""

import codecs
import os
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from urllib.parse import urlsplit

from django.conf import settings

from factcheck import sandbox
from factcheck.importing.data import ArticleData, ImportFailed, normalize_text, parse_published
from factcheck.importing.fetch import FetchError, fetch_url
from factcheck.importing.files import decode_text, from_mapping, from_plain_text, parse_file
from factcheck.importing.html import extract_html, paragraphs_to_html
from factcheck.importing.pipeline import ImportResult, import_article
from factcheck.models import Article

HTML_TYPES = {"text/html", "application/xhtml+xml"}


def import_text(
    *, title: str, body: str, user=None, url: str = "", outlet: str = "", byline: str = "", published_at=None
) -> ImportResult:
    """Pasted text. Without a title, the first line of the text is the title."""
    label = title or url or "pasted text"
    try:
        data = from_plain_text(body, title=normalize_text(title))
        data.url, data.outlet, data.byline = url.strip(), outlet.strip(), byline.strip()
        data.published_at = parse_published(published_at)
        data.body_html = paragraphs_to_html(data.body)
    except ImportFailed as error:
        return ImportResult.failed(label, error.message)
    return import_article(data, source=Article.Source.PASTE, user=user, label=label)


def import_file(name: str, raw: bytes, *, user=None, source: str = Article.Source.UPLOAD) -> list[ImportResult]:
    """An uploaded or local file; a .json/.jsonl file may hold many articles."""
    return _store(name, _parse(name, raw), user=user, source=source)


def read_ahead() -> int:
    """How many files ``import_files`` reads ahead of the one being stored (IMPORT_READ_AHEAD; by
    default one per processor this process may use), at most the sandbox's idle children
    (``sandbox.IDLE_WORKERS``): each file read ahead keeps one busy."""
    wanted = settings.IMPORT_READ_AHEAD if settings.IMPORT_READ_AHEAD is not None else len(os.sched_getaffinity(0))
    return max(0, min(wanted, sandbox.IDLE_WORKERS))


def import_files(
    files: Iterable[tuple[str, bytes | ImportFailed]], *, user=None, source: str = Article.Source.UPLOAD
) -> Iterator[tuple[str, list[ImportResult]]]:
    """Several files, each with its results, in the order given (a file that could not be read
    is given as its ImportFailed, and fails with its message). While one file's articles are
    stored (in this thread: the database work stays in order), the next ``read_ahead()`` files
    are read (HTML in the sandbox's children, one core each), so a batch goes about as fast as
    its slower half instead of the sum of both (issue 14). Reading touches no database."""
    window = read_ahead()
    if window == 0:
        for name, raw in files:
            yield name, _store(name, _parse(name, raw), user=user, source=source)
        return
    if settings.IMPORT_HTML_TIMEOUT > 0:
        sandbox.prepare(window)  # the children the readers will use, forked from this thread
    pending: deque[tuple[str, Future]] = deque()
    items = iter(files)
    with ThreadPoolExecutor(max_workers=window, thread_name_prefix="import-read") as readers:
        for name, raw in items:
            pending.append((name, readers.submit(_parse, name, raw)))
            if len(pending) > window:
                done, parsed = pending.popleft()
                yield done, _store(done, parsed.result(), user=user, source=source)
        while pending:
            done, parsed = pending.popleft()
            yield done, _store(done, parsed.result(), user=user, source=source)


def _parse(name: str, raw: bytes | ImportFailed) -> list[tuple[ArticleData | ImportFailed, str]] | ImportFailed:
    if isinstance(raw, ImportFailed):
        return raw
    try:
        return parse_file(name, raw)
    except ImportFailed as error:
        return error


def _store(
    name: str, parsed: list[tuple[ArticleData | ImportFailed, str]] | ImportFailed, *, user, source: str
) -> list[ImportResult]:
    if isinstance(parsed, ImportFailed):
        return [ImportResult.failed(name, parsed.message)]
    results = []
    for item, where in parsed:
        if isinstance(item, ImportFailed):
            results.append(ImportResult.failed(where, item.message))
        else:
            results.append(import_article(item, source=source, user=user, label=where))
    return results


def _decode(content: bytes, charset: str | None) -> str:
    """The page's text, in the charset the server named when it is a real text encoding."""
    try:
        if charset and codecs.lookup(charset)._is_text_encoding:
            return content.decode(charset, errors="replace")
    except LookupError:
        pass
    return content.decode("utf-8", errors="replace")


def _same_site(a: str, b: str) -> bool:
    try:
        return (urlsplit(a).hostname or "").removeprefix("www.") == (urlsplit(b).hostname or "").removeprefix("www.")
    except ValueError:
        return False


def article_from_url(url: str) -> ArticleData:
    fetched = fetch_url(url)
    if fetched.content_type in HTML_TYPES or fetched.content_type == "":
        data = extract_html(_decode(fetched.content, fetched.charset), url=fetched.url)
    elif fetched.content_type == "text/plain":
        data = from_plain_text(decode_text(fetched.content, fetched.url))
    else:
        raise ImportFailed(f"{fetched.url} is {fetched.content_type}, not a web page.")
    # The page's own canonical URL identifies the article, but only on the
    # site it came from: a page cannot claim another outlet's address.
    if not data.url or not _same_site(data.url, fetched.url):
        data.url = fetched.url
    return data


def import_url(url: str, *, user=None, source: str = Article.Source.URL) -> ImportResult:
    """Fetch a web page safely and import the article in it."""
    url = (url or "").strip()
    try:
        data = article_from_url(url)
    except (FetchError, ImportFailed) as error:
        return ImportResult.failed(url or "URL", error.message)
    return import_article(data, source=source, user=user, label=url)


def import_payload(payload: dict, *, user=None) -> ImportResult:
    """An article the CMS pushes (the API's POST body)."""
    label = str(payload.get("title") or payload.get("url") or "article") if isinstance(payload, dict) else "article"
    try:
        data = from_mapping(payload, "article")
    except ImportFailed as error:
        return ImportResult.failed(label, error.message)
    return import_article(data, source=Article.Source.API, user=user, label=label)
