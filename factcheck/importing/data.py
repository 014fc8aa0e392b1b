"""What every source produces before the pipeline stores it."""

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime


class ImportFailed(Exception):
    """A source could not be imported; ``message`` says why, for people."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass
class MediaData:
    kind: str  # "image" or "video"
    url: str = ""
    caption: str = ""
    credit: str = ""


@dataclass
class ArticleData:
    title: str
    body: str
    body_html: str = ""
    url: str = ""
    external_id: str = ""
    outlet: str = ""
    byline: str = ""
    published_at: datetime | None = None
    language: str = ""
    media: list[MediaData] = field(default_factory=list)
    transcript: bool = False  # a debate or speech: the body is "SPEAKER: text" lines


# Query parameters that only say where a reader came from.
TRACKING_PARAMS = re.compile(
    r"^(utm_[a-z_]+|fbclid|gclid|dclid|msclkid|mc_cid|mc_eid|igshid|yclid|_ga|ref|ref_src|cmpid|ocid|smid|smtyp)$",
    re.IGNORECASE,
)


def canonical_url(url: str) -> str:
    """The URL an article is known by: no tracking parameters, no fragment,
    a lower-case host, no default port."""
    url = (url or "").strip()
    if not url:
        return ""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:  # a bad port or bracket: left for the validator to refuse
        return url
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return url
    host = parts.hostname.lower()
    if ":" in host:
        host = f"[{host}]"
    default_port = {"http": 80, "https": 443}[parts.scheme.lower()]
    netloc = host if port in (None, default_port) else f"{host}:{port}"
    query = urlencode(
        [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not TRACKING_PARAMS.match(k)]
    )
    return urlunsplit((parts.scheme.lower(), netloc, parts.path or "/", query, ""))


def normalize_text(text: str) -> str:
    """Plain text with stable paragraphs: NFC, Unix newlines, no trailing
    spaces, paragraphs separated by one blank line."""
    text = unicodedata.normalize("NFC", clean_field(text)).replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\u00a0", " ").replace("\u200b", "")
    lines = [re.sub(r"[ \t\f\v]+", " ", line).strip() for line in text.split("\n")]
    text = "\n".join(lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def clean_field(value, limit: int | None = None) -> str:
    """A string without NUL characters (which PostgreSQL refuses), cut to ``limit``."""
    text = str(value or "").replace("\x00", "")
    return text[:limit] if limit else text


def parse_published(value) -> datetime | None:
    """ISO 8601 date or date-time (naive values are taken as UTC); None when empty."""
    if value in (None, ""):
        return None
    parsed: datetime | None
    if isinstance(value, datetime):
        parsed = value
    else:
        text = str(value).strip()
        try:
            parsed = parse_datetime(text)
            if parsed is None and (day := parse_date(text)) is not None:
                parsed = datetime(day.year, day.month, day.day)
        except ValueError:
            parsed = None
        if parsed is None:
            raise ImportFailed(f"published_at {text!r} is not an ISO 8601 date.")
    if not 1800 <= parsed.year <= 2200:
        raise ImportFailed(f"published_at {parsed.date().isoformat()} is not a plausible publication date.")
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed, UTC)
    return parsed
