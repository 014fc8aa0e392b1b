"""Cleaning what publishers write: text, numbers, URLs and the raw item kept beside each record."""

import html
import json
import math
import re
import unicodedata
from typing import Any
from urllib.parse import urljoin, urlsplit, urlunsplit

from factcheck.library.parsing.records import MAX_EXCERPT

# A tag starts with a letter (or /letter): "x < 5 and y > 3" is text, not a tag.
_TAG = re.compile(r"<!--.*?-->|<!\[CDATA\[|\]\]>|</?[A-Za-z][A-Za-z0-9:-]*(?:\s[^<>]*)?/?>", re.S)
# Only entities closed by a semicolon: html.unescape alone would turn "&notice" into "¬ice".
_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
# C0 and C1 controls (whitespace aside, which split() handles), soft hyphen, zero-width space, word joiner, BOM.
# Zero-width (non-)joiners stay: Persian and Indic scripts and emoji sequences need them.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\u00ad\u200b\u2060\ufeff]")


def cut(text: str, limit: int) -> str:
    """``text`` at most ``limit`` characters long; a longer one cut at a word boundary near the limit, plus "…"."""
    if len(text) <= limit:
        return text
    head = text[: limit - 1]
    space = head.rfind(" ")
    if space > limit * 0.8:
        head = head[:space]
    return head.rstrip() + "…"


def _unescape(text: str) -> str:
    return _ENTITY.sub(lambda match: html.unescape(match.group(0)), text)


def clean_text(value: Any, limit: int = 0) -> str:
    """Plain, one-line text: tags stripped, entities unescaped (twice: CMSs double-escape), controls removed,
    whitespace collapsed, NFC. Non-text gives ""; a list gives its first non-empty text."""
    text = string_of(value)
    if not text:
        return ""
    if "<" in text:
        text = _TAG.sub(" ", text)
    if "&" in text:
        for _ in range(2):
            unescaped = _unescape(text)
            if unescaped == text:
                break
            text = unescaped
        if "<" in text:
            text = _TAG.sub(" ", text)
    if not text.isascii():
        text = unicodedata.normalize("NFC", text)
    if _CONTROL.search(text):
        text = _CONTROL.sub("", text)
    text = " ".join(text.split())
    return cut(text, limit) if limit else text


def string_of(value: Any) -> str:
    """The text a JSON-LD value holds: a string, a number, a value object ({"@value": …}), a thing's name, or
    the first of a list that holds one."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool) or value is None:
        return ""
    if isinstance(value, int | float):
        return str(value) if math.isfinite(value) else ""
    if isinstance(value, dict):
        for key in ("@value", "name", "text"):
            if isinstance(value.get(key), str) and value[key].strip():
                return str(value[key])
        return ""
    if isinstance(value, list):
        for element in value[:50]:
            text = string_of(element)
            if text.strip():
                return text
    return ""


def number(value: Any) -> float | None:
    """A rating number: 3, 3.5, "3", "3,5". Empty, negative (-1 is "no number" for some publishers), infinite,
    boolean or not a number gives None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        text = value.strip().replace(",", ".")
        if not text or len(text) > 20:
            return None
        try:
            value = float(text)
        except ValueError:
            return None
    if not isinstance(value, int | float) or not math.isfinite(value) or value < 0:
        return None
    return float(value)


def absolute_url(value: Any, base: str = "") -> str:
    """An absolute http(s) URL: entities unescaped, resolved against ``base``, fragment kept; else ""."""
    text = clean_text(value)
    if not text or len(text) > 4096:
        return ""
    if text.startswith("//") and not base:
        text = "https:" + text
    if base and not text.lower().startswith(("http://", "https://")):
        try:
            text = urljoin(base, text)
        except ValueError:
            return ""
    try:
        parts = urlsplit(text.replace(" ", "%20"))
    except ValueError:  # e.g. an invalid IPv6 host
        return ""
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return ""
    return urlunsplit(parts._replace(scheme=parts.scheme.lower()))


def clean_raw(value: Any, depth: int = 0) -> Any:
    """A JSON-able copy of a raw item: NUL characters removed from strings and keys, NaN and infinities made
    None, anything else JSON cannot hold made a string, nesting past 64 levels dropped."""
    if isinstance(value, str):
        return value.replace("\x00", "") if "\x00" in value else value
    if value is None or isinstance(value, bool | int):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if depth > 64:
        return None
    if isinstance(value, dict):
        return {str(key).replace("\x00", ""): clean_raw(item, depth + 1) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [clean_raw(item, depth + 1) for item in value]
    return str(value).replace("\x00", "")


def excerpt(value: Any) -> str:
    """The start of an item or a line, for a refusal: at most MAX_EXCERPT characters, on one line."""
    if not isinstance(value, str):
        try:
            value = json.dumps(clean_raw(value), ensure_ascii=False)
        except (TypeError, ValueError):
            value = str(value)
    text = " ".join(_CONTROL.sub("", value[: MAX_EXCERPT * 4]).split())
    return cut(text, MAX_EXCERPT)
