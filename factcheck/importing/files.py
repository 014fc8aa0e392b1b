"""Articles from files: .txt, .md, .html, .json (an object or a list) and
.jsonl (one object a line); transcripts of debates and speeches from .tsv (CLEF
CheckThat!: line, speaker, text) and from .txt files of "SPEAKER: text" lines."""

import json
import unicodedata
from pathlib import PurePath

from factcheck.detection import transcripts
from factcheck.importing.data import ArticleData, ImportFailed, clean_field, normalize_text, parse_published
from factcheck.importing.html import extract_html, paragraphs_to_html, sanitize_html

SUFFIXES = (".txt", ".md", ".markdown", ".html", ".htm", ".json", ".jsonl", ".tsv")
FIELDS = {"title", "body", "html", "url", "outlet", "byline", "published_at", "external_id", "language"}


def decode_text(raw: bytes, name: str) -> str:
    if not raw or not raw.strip():
        raise ImportFailed(f"{name} is empty.")
    if b"\x00" in raw[:8192]:
        raise ImportFailed(f"{name} is not a text file (it holds binary data).")
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ImportFailed(f"{name} is not a text file (its bytes are not UTF-8).")  # pragma: no cover


def from_plain_text(text: str, *, title: str = "", markdown: bool = False) -> ArticleData:
    """The first non-empty line is the title (a Markdown heading's # removed),
    unless a title is given; the rest is the body."""
    text = normalize_text(text)
    if not title:
        first, _, rest = text.partition("\n")
        title, text = first.strip(), rest.strip()
        if markdown:
            title = title.lstrip("#").strip()
    if not text:
        raise ImportFailed("The article has a title but no text.")
    return ArticleData(title=title[:500], body=text, body_html=paragraphs_to_html(text))


def from_transcript(text: str, name: str, *, tsv: bool) -> ArticleData:
    """A debate or speech: its lines become the body ("SPEAKER: text" a line); the title is
    the first line when it is not a speaker's, else the file's name."""
    text = unicodedata.normalize("NFC", clean_field(text)).replace("\r\n", "\n").replace("\r", "\n").strip()
    title = PurePath(name).stem.replace("_", " ")
    first, _, rest = text.partition("\n")
    if not tsv and not transcripts.is_speaker_line(first):
        title, text = first.strip() or title, rest
    try:
        lines = transcripts.parse(text, tsv=tsv)
    except transcripts.NotATranscript as error:
        raise ImportFailed(f"{name}: not a transcript: {error}") from None
    body, _ = transcripts.as_body(lines)
    return ArticleData(title=title[:500], body=body, body_html=paragraphs_to_html(body), transcript=True)


def from_mapping(item, where: str) -> ArticleData:
    """One article from a JSON object (the CMS's and the .json/.jsonl shape)."""
    if not isinstance(item, dict):
        raise ImportFailed(f"{where}: expected an object with title and body, got {type(item).__name__}.")
    unknown = set(item) - FIELDS
    if unknown:
        raise ImportFailed(
            f"{where}: unknown field(s) {', '.join(sorted(unknown))}; known: {', '.join(sorted(FIELDS))}."
        )
    for key, value in item.items():
        if value is not None and not isinstance(value, str):
            raise ImportFailed(f"{where}: {key} must be a string.")
    body, markup = (item.get("body") or "").strip(), (item.get("html") or "").strip()
    if not body and not markup:
        raise ImportFailed(f"{where}: give the article's body (text) or html.")
    if markup and not body:
        extracted = extract_html(markup, url=item.get("url") or "", what=f"{where}: the HTML")
        data = extracted
    else:
        data = ArticleData(
            title="", body=normalize_text(body), body_html=sanitize_html(markup, f"{where}: the HTML") if markup else ""
        )
        data.body_html = data.body_html or paragraphs_to_html(data.body)
    title = normalize_text(item.get("title") or "") or data.title
    if not title:
        raise ImportFailed(f"{where}: the article needs a title.")
    try:
        published = parse_published(item.get("published_at"))
    except ImportFailed as error:
        raise ImportFailed(f"{where}: {error.message}") from None
    data.title = title[:500]
    data.url = (item.get("url") or data.url or "").strip()
    data.external_id = (item.get("external_id") or "").strip()[:200]
    data.outlet = (item.get("outlet") or data.outlet or "").strip()[:200]
    data.byline = (item.get("byline") or data.byline or "").strip()[:500]
    data.language = (item.get("language") or data.language or "").strip()[:20]
    data.published_at = published or data.published_at
    return data


def _json_items(text: str, name: str) -> list[tuple[object, str]]:
    try:
        parsed = json.loads(text)
    except json.JSONDecodeError as error:
        raise ImportFailed(f"{name}: invalid JSON at line {error.lineno}, column {error.colno}: {error.msg}.") from None
    except (RecursionError, ValueError):
        raise ImportFailed(f"{name}: the JSON is nested too deeply or holds a number too large to read.") from None
    items = parsed if isinstance(parsed, list) else [parsed]
    if not items:
        raise ImportFailed(f"{name}: the list holds no article.")
    return [(item, f"{name} item {i}") for i, item in enumerate(items, 1)]


def _jsonl_items(text: str, name: str) -> list[tuple[object, str]]:
    items = []
    # JSON Lines are separated by \n only; U+2028 and friends may stand inside strings.
    for number, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            continue
        try:
            items.append((json.loads(line), f"{name} line {number}"))
        except json.JSONDecodeError as error:
            raise ImportFailed(f"{name}: invalid JSON at line {number}, column {error.colno}: {error.msg}.") from None
        except (RecursionError, ValueError):
            raise ImportFailed(f"{name}: line {number} is nested too deeply or holds a number too large.") from None
    if not items:
        raise ImportFailed(f"{name} holds no article.")
    return items


def parse_file(name: str, raw: bytes) -> list[tuple[ArticleData | ImportFailed, str]]:
    """Articles in a file, each with a label saying where it came from.

    A whole-file problem (empty, binary, unknown type, malformed JSON) raises
    ImportFailed; a bad item inside a .json/.jsonl file is returned as its
    ImportFailed so the good ones can still be imported."""
    suffix = PurePath(name).suffix.lower()
    if suffix not in SUFFIXES:
        raise ImportFailed(f"{name}: unsupported file type; use {', '.join(SUFFIXES)}.")
    text = decode_text(raw, name)
    if suffix in (".html", ".htm"):
        return [(extract_html(text, what=name), name)]
    if suffix == ".tsv" or (suffix == ".txt" and transcripts.looks_like_speaker_lines(text)):
        return [(from_transcript(text, name, tsv=suffix == ".tsv"), name)]
    if suffix in (".txt", ".md", ".markdown"):
        return [(from_plain_text(text, markdown=suffix != ".txt"), name)]
    pairs = _json_items(text, name) if suffix == ".json" else _jsonl_items(text, name)
    results: list[tuple[ArticleData | ImportFailed, str]] = []
    for item, where in pairs:
        try:
            results.append((from_mapping(item, where), where))
        except ImportFailed as error:
            results.append((error, where))
    return results
