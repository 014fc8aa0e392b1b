"""Bytes to text (charset detection) and JSON as pages really write it."""

import codecs
import html
import json
import re
from typing import Any

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_META_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]{1,40})""", re.I)
_LATIN_1 = frozenset({"latin_1", "iso8859-1", "ascii"})  # what browsers read as windows-1252
_WRAPPERS = re.compile(r"^\s*(?://\s*)?(?:<!--|<!\[CDATA\[)|(?://\s*)?(?:-->|\]\]>)\s*$")
_TRAILING_COMMA = re.compile(r",\s*([}\]])")


def meta_charset(content: bytes) -> str:
    """The charset an HTML page declares in its first 4 KiB (<meta charset> or http-equiv), else ""."""
    match = _META_CHARSET.search(content[:4096])
    return match[1].decode("ascii") if match else ""


def _codec(name: str) -> str:
    try:
        codec = codecs.lookup(name).name
    except LookupError:
        return ""
    return "cp1252" if codec in _LATIN_1 else codec


def decode_bytes(content: bytes, declared: str = "") -> str:
    """Text from bytes: a BOM (UTF-8, UTF-16, UTF-32) decides; else UTF-16 without BOM when every other byte
    is NUL; else UTF-8 when the bytes are valid UTF-8; else the declared charset; else windows-1252, and
    latin-1 as the last resort (which never fails). NUL characters are removed."""
    for bom, encoding in _BOMS:
        if content.startswith(bom):
            return content[len(bom) :].decode(encoding, errors="replace").replace("\x00", "")
    head = content[:400]
    if len(head) >= 4 and head[1::2].count(0) > 0.9 * len(head[1::2]) and head[0::2].count(0) < len(head) // 8:
        return content.decode("utf-16-le", errors="replace").replace("\x00", "")
    if len(head) >= 4 and head[0::2].count(0) > 0.9 * len(head[0::2]) and head[1::2].count(0) < len(head) // 8:
        return content.decode("utf-16-be", errors="replace").replace("\x00", "")
    encodings = ["utf-8", _codec(declared) if declared else "", "cp1252"]
    for encoding in dict.fromkeys(filter(None, encodings)):
        try:
            return content.decode(encoding).replace("\x00", "")
        except UnicodeDecodeError:
            continue
    return content.decode("latin-1").replace("\x00", "")


def json_error(error: json.JSONDecodeError, line: bool = True) -> str:
    """A JSON error as words: "Expecting ',' delimiter at line 3, column 5"."""
    where = f"line {error.lineno}, column {error.colno}" if line else f"column {error.colno}"
    return f"{error.msg} {where}" if error.msg.endswith(" at") else f"{error.msg} at {where}"


def _no_constant(name: str) -> None:
    """NaN and Infinity (which Python's json reads, and JSON has not) become null."""
    return None


def loads(text: str) -> Any:
    """Strict-enough JSON: raw control characters in strings allowed, NaN and Infinity read as null."""
    return json.loads(text, strict=False, parse_constant=_no_constant)


def loads_lenient(source: str) -> Any:
    """JSON as pages put it in <script type="application/ld+json">: wrapped in <!-- --> or CDATA, ended by a
    ";", with trailing commas, with HTML entities instead of quotes, or several objects one after another (a
    list then). ValueError, with the first error's message, when none of that helps."""
    text = _WRAPPERS.sub("", source.strip()).strip().rstrip(";").strip()
    try:
        return loads(text)
    except RecursionError:
        raise ValueError("nested too deeply") from None
    except json.JSONDecodeError as error:
        first = error
    attempts = [_TRAILING_COMMA.sub(r"\1", text)]
    if "&quot;" in text or "&#34;" in text:
        attempts.append(html.unescape(attempts[0]))
    for attempt in attempts:
        try:
            return loads(attempt)
        except json.JSONDecodeError as error:
            if error.msg == "Extra data" and (many := _concatenated(attempt)):
                return many
        except RecursionError:
            break
    raise ValueError(json_error(first))


def _concatenated(text: str) -> list[Any]:
    decoder = json.JSONDecoder(strict=False, parse_constant=_no_constant)
    values, position = [], 0
    while position < len(text):
        try:
            value, position = decoder.raw_decode(text, position)
        except json.JSONDecodeError:
            return []
        values.append(value)
        while position < len(text) and text[position] in " \t\r\n;,":
            position += 1
    return values
