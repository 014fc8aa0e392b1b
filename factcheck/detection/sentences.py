"""An article's text as sentences with their offsets, and the quotations they sit in.

Sentences come from sentencex (Wikimedia's rule-based segmenter, about a hundred
times faster than pysbd and as good on news text), realigned on the body's own
characters so every span is an exact slice of it.
"""

import re
from dataclasses import dataclass

import sentencex


@dataclass
class Unit:
    """A sentence, or one sentence of a multi-sentence quotation; offsets into the body."""

    start: int
    end: int
    para: int
    text: str
    masked: str  # text with quoted words blanked out, same length
    region: tuple[int, int] | None  # body offsets of the quotation it overlaps
    speaker: str = ""
    cue: str = ""
    attributed: bool = False


_INNER_STOP = re.compile(r"[.!?]+\s+(?=[“\"‘]?[A-Z0-9])")
_ABBREVIATIONS = set("Mr Mrs Ms Dr Gen Col Lt Sgt St Jr Sr Prof Rep Sen Gov No".split())
_CLOSERS = {"“": "”", '"': '"', "‘": "’"}
_QUOTE_MARKS = re.compile('[“”"‘’]')
_PUNCTUATION_SPLIT = re.compile(r"[^.!?]+(?:[.!?]+|$)")


def quote_regions(para: str) -> list[tuple[int, int]]:
    """Spans of quotations in a paragraph (an unclosed quotation runs to its end)."""
    regions: list[tuple[int, int]] = []
    start, closer = -1, ""
    for mark in _QUOTE_MARKS.finditer(para):
        i, ch = mark.start(), mark.group()
        if start < 0 and ch in _CLOSERS and (ch != "‘" or i == 0 or not para[i - 1].isalnum()):
            start, closer = i, _CLOSERS[ch]
        elif start >= 0 and ch == closer and (ch != "’" or i + 1 == len(para) or not para[i + 1].isalnum()):
            regions.append((start, i + 1))
            start = -1
    if start >= 0:
        regions.append((start, len(para)))
    return regions


def _pieces(para: str) -> list[str]:
    try:
        return list(sentencex.segment("en", para))
    except Exception:  # noqa: BLE001 - a segmenter bug must not stop an import; fall back to punctuation
        return _PUNCTUATION_SPLIT.findall(para)


def sentence_spans(para: str) -> list[tuple[int, int]]:
    """Sentences of a paragraph as (start, end) offsets into it, without surrounding blanks."""
    spans, cursor = [], 0
    for piece in _pieces(para):
        piece = piece.strip()
        if not piece:
            continue
        i = para.find(piece, cursor)
        if i >= 0:
            j = i + len(piece)
        else:
            found = re.compile(r"\s+".join(map(re.escape, piece.split()))).search(para, cursor)
            if not found:
                continue
            i, j = found.span()
        spans.append((i, j))
        cursor = j
    return spans


def _abbreviation(para: str, stop: int) -> bool:
    word = re.search(r"(\w+)$", para[:stop])
    return word is not None and (word.group(1) in _ABBREVIATIONS or len(word.group(1)) == 1)


def units(body: str) -> list[Unit]:
    """Sentences of the body, multi-sentence quotations split into their sentences."""
    found: list[Unit] = []
    for number, match in enumerate(re.finditer(r"[^\r\n]+", body)):
        para, offset = match.group(), match.start()
        regions = quote_regions(para)
        masked = list(para)
        for a, b in regions:
            masked[a + 1 : b - 1] = " " * max(0, b - a - 2)
        cuts = {
            m.end()
            for a, b in regions
            for m in _INNER_STOP.finditer(para, a, b)
            if m.end() < b - 1 and not _abbreviation(para, m.start())
        }
        for s, e in sentence_spans(para):
            bounds = [s, *sorted(c for c in cuts if s < c < e), e]
            for a, b in zip(bounds, bounds[1:], strict=False):
                text = para[a:b]
                a, b = a + len(text) - len(text.lstrip()), b - len(text) + len(text.rstrip())
                if a >= b:
                    continue
                region = next(((ra + offset, rb + offset) for ra, rb in regions if ra < b and rb > a), None)
                found.append(Unit(a + offset, b + offset, number, para[a:b], "".join(masked[a:b]), region))
    return found
