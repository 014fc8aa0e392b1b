"""Suggest check-worthy claims in an article's plain text.

Pure functions, no database: ``suggest_claims(body)`` returns ``Suggestion``s whose spans
are offsets into ``body``. Rules: attributed statements and quotations, figures, hedged
wording, and media the text says could not be verified. Predictions and pledges
("will", "we assure") are not checkable and are left out unless they carry a figure or hedge.
"""

import re
from dataclasses import dataclass

import pysbd


@dataclass(frozen=True)
class Suggestion:
    kind: str  # a factcheck.models.Claim.Kind value
    text: str  # == body[span_start:span_end]
    span_start: int
    span_end: int
    attribution: str  # who made the claim, "" when none is named
    reason: str  # why suggested, one short sentence


@dataclass
class _Unit:
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


_UP = r"[A-ZÀ-ÖØ-Þ]"
_WORD = _UP + r"[\w’'.-]*"
_ROLE = (
    r"spokes(?:man|woman|person)|leader|commander|minister|president|official|governor|chief|director|"
    r"ambassador|secretary|mayor|head|founder|envoy|analyst"
)
_VERB = (
    r"said|says|say|told|tells|telling|tweeted|tweets|claimed|claims|claim|denied|denies|deny|announced|announces|"
    r"added|adds|adding|insisted|insists|stated|states|wrote|writes|confirmed|confirms|alleged|alleges|"
    r"warned|warns|reported|reports|argued|argues|maintained|maintains"
)
_ADVERBS = r"(?:\s+(?:later|also|earlier|then|again|previously|had|has|have|\w+ly))*\s+"
_CUE = (
    rf"(?:{_VERB})(?:\s+(?:in\s+a\s+(?:\w+\s+)?(?:tweet|statement|post|video|message|interview|speech)"
    r"|to\s+(?:reporters|journalists|" + _WORD + r")|reporters|journalists|a\s+news\s+conference|[A-Z]{2,}\b))?"
)
_PERSON = re.compile(
    rf"(?<![\w’'])(?<![Tt]he\s)(?<!\bof\s)(?:(?P<org>(?:[Tt]he\s+)?(?:{_WORD}\s+){{0,3}}?)(?P<role>{_ROLE})\s+)?"
    rf"(?P<name>{_WORD}(?:\s+{_WORD}){{0,3}})"
    rf"{_ADVERBS}(?P<cue>{_CUE})\b"
)
_GWORD = r"(?!(?:the|a|an|that|which|who|and|but|when|while|as|if|it|they)\b)[\w’'.-]+"
_GROUP = re.compile(
    rf"\b(?P<name>[Tt]he\s+(?:{_GWORD}\s+){{0,3}}?{_GWORD}|officials|police|authorities|witnesses|residents|sources)"
    rf"{_ADVERBS}(?P<cue>{_CUE})\b"
)
_PRONOUN = re.compile(rf"\b(?P<name>[Hh]e|[Ss]he|[Tt]hey){_ADVERBS}(?P<cue>{_CUE})\b")
_INVERTED = re.compile(
    rf"[”\"’]\s*,?\s*(?P<cue>said|says|added|wrote|tweeted|insisted)\s+(?P<name>{_WORD}(?:\s+{_WORD}){{0,3}})"
)
_ACCORDING = re.compile(
    rf"\b(?P<cue>[Aa]ccording\s+to)\s+(?P<name>(?:the\s+)?(?:{_WORD}(?:\s+{_WORD}){{0,3}}|[a-z][\w-]*))"
)
_NOT_NAMES = set(
    "Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April May June July August "
    "September October November December Earlier Later Meanwhile But And However Then Also On In It This That "
    "He She They We I".split()
)

_FIGURE = re.compile(
    r"""(?ix)
    \d[\d,.]*\s*(?:%|percent\b|per\s+cent\b)
    | [$€£]\s?\d[\d,.]*(?:\s*(?:million|billion|trillion|bn)\b)?
    | \b\d[\d,.]*\s*(?:million|billion|trillion|thousand|hundred)\b
    | \b\d[\d,.]*\s*-?\s*(?:miles?|km|kilomet(?:er|re)s?|met(?:er|re)s?|feet|tons?|tonnes?|kg|kilograms?|
        pounds|dollars|euros|acres|hectares|square\s+\w+)\b
    | \b\d[\d,.]*\s+(?:\w+\s+)?(?:people|persons|civilians|soldiers|troops|fighters|militants|children|women|men|
        refugees|deaths|dead|killed|injured|wounded|casualties|victims|cases|votes|jobs|homes|families)\b
    | \b(?:at\s+least|more\s+than|fewer\s+than|nearly|almost|up\s+to)\s+\d[\d,.]*
    | \b(?:hundreds|thousands|millions|billions|dozens|scores)\b
    | \bno\s+(?:\w+\s+)?(?:casualties|deaths|injuries|fatalities)\b
    | \b(?:large|significant|huge|record|growing)\s+number\s+of\b
    """
)
_UNVERIFIED = (
    r"(?:could|can|cannot|can[’']t|couldn[’']t|was\s+unable\s+to|were\s+unable\s+to|has\s+not\s+been\s+able\s+to)"
    r"\s*(?:not\s+)?(?:be\s+)?independently\s+(?:verif(?:y|ied)|confirm(?:ed)?)|unverified|not\s+(?:yet\s+)?"
    r"(?:been\s+)?(?:independently\s+)?(?:verified|confirmed)"
)
_VERIFY = re.compile(rf"(?i)\b(?:{_UNVERIFIED})\b")
_HEDGE = re.compile(
    rf"(?i)\b(?:{_UNVERIFIED}|reportedly|allegedly|purportedly|apparently|appear(?:s|ed)?\s+to|seem(?:s|ed)?\s+to|"
    r"unconfirmed|claimed|(?:is|are|was|were)\s+said\s+to|rumou?red)\b"
)
_INTENT = re.compile(
    r"(?i)\b(?:will|shall|would|won[’']t|wouldn[’']t|going\s+to)\b|\b(?:we|I)\s+(?:assure|promise|pledge|vow|urge|hope)"
)
_MEDIA = re.compile(r"(?i)\b(?:photo(?:graph)?s?|images?|imagery|pictures?|videos?|footage|clips?|livestream)\b")
_STILL = re.compile(r"(?i)\b(?:photo(?:graph)?s?|images?|imagery|pictures?)\b")
_BACKREF = re.compile(r"(?i)\b(?:the\s+(?:claims?|reports?|figures?|numbers?|accounts?)|this|that|these|those|it)\b")
_INNER_STOP = re.compile(r"[.!?]+\s+(?=[“\"‘]?[A-Z0-9])")
_ABBREVIATIONS = set("Mr Mrs Ms Dr Gen Col Lt Sgt St Jr Sr Prof Rep Sen Gov No".split())
_RANK = {"person": 0, "group": 1, "pronoun": 2}
_CLOSERS = {"“": "”", '"': '"', "‘": "’"}


def _quote_regions(para: str) -> list[tuple[int, int]]:
    """Spans of quotations in a paragraph (an unclosed quotation runs to its end)."""
    regions: list[tuple[int, int]] = []
    start, closer = -1, ""
    for i, ch in enumerate(para):
        if start < 0 and ch in _CLOSERS and (ch != "‘" or i == 0 or not para[i - 1].isalnum()):
            start, closer = i, _CLOSERS[ch]
        elif start >= 0 and ch == closer and (ch != "’" or i + 1 == len(para) or not para[i + 1].isalnum()):
            regions.append((start, i + 1))
            start = -1
    if start >= 0:
        regions.append((start, len(para)))
    return regions


_WINDOW = 1500
_WINDOW_CUT = re.compile(r"[.!?][”\"’)]?\s+(?=[“\"‘(]?[A-Z0-9])")


def _windows(para: str) -> list[str]:
    """pysbd's abbreviation pass is quadratic in the text's length: feed it a
    long paragraph in windows of about 1,500 characters, cut after a
    sentence-ending punctuation mark (or hard, when a window has none)."""
    windows, start = [], 0
    while len(para) - start > 2 * _WINDOW:
        cut = _WINDOW_CUT.search(para, start + _WINDOW, start + 2 * _WINDOW)
        end = cut.end() if cut else start + 2 * _WINDOW
        windows.append(para[start:end])
        start = end
    windows.append(para[start:])
    return windows


def _sentences(para: str, segmenter: pysbd.Segmenter) -> list[tuple[int, int]]:
    """pysbd sentences of a paragraph, realigned on the paragraph's own text."""
    try:
        pieces = [getattr(p, "sent", p) for window in _windows(para) for p in segmenter.segment(window)]
    except Exception:  # noqa: BLE001 - a segmenter bug must not stop an import; fall back to punctuation
        pieces = re.findall(r"[^.!?]+(?:[.!?]+|$)", para)
    spans, cursor = [], 0
    for piece in pieces:
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


def _units(body: str) -> list[_Unit]:
    """Sentences of the body, multi-sentence quotations split into their sentences."""
    segmenter = pysbd.Segmenter(language="en", clean=False, char_span=False)
    units: list[_Unit] = []
    for number, match in enumerate(re.finditer(r"[^\r\n]+", body)):
        para, offset = match.group(), match.start()
        regions = _quote_regions(para)
        masked = list(para)
        for a, b in regions:
            masked[a + 1 : b - 1] = " " * max(0, b - a - 2)
        cuts = {
            m.end()
            for a, b in regions
            for m in _INNER_STOP.finditer(para, a, b)
            if m.end() < b - 1 and not _abbreviation(para, m.start())
        }
        for s, e in _sentences(para, segmenter):
            bounds = [s, *sorted(c for c in cuts if s < c < e), e]
            for a, b in zip(bounds, bounds[1:], strict=False):
                text = para[a:b]
                a, b = a + len(text) - len(text.lstrip()), b - len(text) + len(text.rstrip())
                if a >= b:
                    continue
                region = next(((ra + offset, rb + offset) for ra, rb in regions if ra < b and rb > a), None)
                units.append(_Unit(a + offset, b + offset, number, para[a:b], "".join(masked[a:b]), region))
    return units


def _abbreviation(para: str, stop: int) -> bool:
    word = re.search(r"(\w+)$", para[:stop])
    return word is not None and (word.group(1) in _ABBREVIATIONS or len(word.group(1)) == 1)


def _find_speaker(masked: str) -> tuple[str, str, str]:
    """(speaker, cue, sort) of the first attribution in a sentence; sort is person, group or pronoun."""
    found = []
    for pattern, sort in ((_PERSON, "person"), (_GROUP, "group"), (_PRONOUN, "pronoun"), (_INVERTED, "person")):
        for m in pattern.finditer(masked):
            words = m.group("name").rstrip(".").split()
            while sort != "pronoun" and words and words[0] in _NOT_NAMES:
                words.pop(0)
            possessive = bool(words) and re.search(r"(?:[’']s|s[’'])$", words[-1])
            if words and not possessive and not (sort == "person" and words[0] in {"The", "the"}):
                found.append((m.start(), sort, m, " ".join(words)))
                break
    if according := _ACCORDING.search(masked):
        named = "group" if according.group("name").lower().startswith("the ") else "person"
        found.append((according.start(), named, according, according["name"]))
    if not found:
        return "", "", ""
    _, sort, m, name = min(found, key=lambda f: (_RANK[f[1]], f[0]))  # a named person is the most specific
    if sort == "group" and name.startswith("The "):
        name = "the " + name[4:]
    if sort == "person" and m.re is _PERSON and m.group("role"):
        org = [w for w in m.group("org").split() if w not in _NOT_NAMES and w.lower() != "the"]
        name = f"{name}, {' '.join([*org, m.group('role')])}"
    cue = " ".join(m.group("cue").split())
    return name, cue[:1].lower() + cue[1:], sort


def _attribute(units: list[_Unit]) -> None:
    """Give each sentence its speaker; quoted sentences inherit the one named in their paragraph."""
    last = {"person": "", "group": ""}
    for unit in units:
        name, unit.cue, sort = _find_speaker(unit.masked)
        if sort == "pronoun":
            name = last["group" if name.lower() == "they" else "person"]
        elif sort:
            last[sort] = name.split(",")[0]
        unit.speaker, unit.attributed = name, bool(sort)
    for unit in units:
        if unit.attributed or unit.region is None:
            continue
        same = [u for u in units if u.para == unit.para and u.attributed]
        closing = [u for u in same if u.region == unit.region and u.start >= unit.start]
        before = [u for u in same if u.start < unit.start]
        sources = closing or before[-1:] or same
        if sources:
            unit.speaker, unit.attributed = sources[0].speaker, True


def _media_target(units: list[_Unit], i: int) -> int | None:
    """Index of the sentence describing the media a "could not be verified" sentence speaks of."""
    unit = units[i]
    previous = [j for j in range(i - 1, -1, -1) if units[j].para == unit.para]
    if not previous and i > 0:
        previous = [i - 1]
    for j in previous:
        if _MEDIA.search(units[j].text):
            return j
    if _MEDIA.search(unit.text):
        verify = _VERIFY.search(unit.text)
        assert verify is not None  # only called for a sentence that says it could not be verified
        if len(unit.text) - len(verify.group()) > 60:
            return i
    if not _MEDIA.search(unit.text) and previous and _BACKREF.search(unit.text):
        return previous[0]
    return None


def _plain(unit: _Unit, media_reason: str = "") -> tuple[str, str] | None:
    """(kind, reason) for a sentence under the statement, figure and hedge rules, or None."""
    figure, hedge = _FIGURE.search(unit.text), _HEDGE.search(unit.text)
    quoted = unit.region is not None
    if len(unit.text.split()) < 3 or not (unit.attributed or figure or hedge or media_reason):
        return None
    if unit.attributed and not (figure or hedge or media_reason) and _INTENT.search(unit.text):
        return None  # a prediction or a pledge: nothing to check yet
    parts = [media_reason] if media_reason else []
    if unit.attributed:
        parts.append(f"attributed statement (“{unit.cue}”)" if unit.cue else f"quotation attributed to {unit.speaker}")
    if hedge:
        parts.append(f"hedged wording: “{hedge.group()}”")
    if figure:
        parts.append(f"figure: “{figure.group()}”")
    kind = "quote" if quoted and unit.attributed else "statistic" if figure and not unit.attributed else "statement"
    reason = "; ".join(parts)
    return kind, reason[0].upper() + reason[1:] + "."


def suggest_claims(body: str) -> list[Suggestion]:
    """Suggestions in text order, no two with the same span."""
    units = _units(body or "")
    _attribute(units)
    found: dict[tuple[int, int], Suggestion] = {}
    skip: set[int] = set()
    for i, unit in enumerate(units):
        if not _VERIFY.search(unit.text) or (j := _media_target(units, i)) is None:
            continue
        target = units[j]
        skip.add(i)
        if _MEDIA.search(target.text) or _MEDIA.search(unit.text):
            both = target.text + " " + unit.text
            kind = "image" if _STILL.search(both) else "video"
            found[(target.start, target.end)] = _suggestion(
                target, (kind, f"The text says the {kind} cannot be independently verified.")
            )
        elif rule := _plain(target, "the text says this could not be independently verified"):
            found[(target.start, target.end)] = _suggestion(target, rule)
    for i, unit in enumerate(units):
        if i in skip or (unit.start, unit.end) in found or not (rule := _plain(unit)):
            continue
        found[(unit.start, unit.end)] = _suggestion(unit, rule)
    return [found[key] for key in sorted(found)]


def _suggestion(unit: _Unit, rule: tuple[str, str]) -> Suggestion:
    return Suggestion(rule[0], unit.text, unit.start, unit.end, unit.speaker, rule[1])


if __name__ == "__main__":  # python -m factcheck.detection FILE (first line = title)
    import sys

    with open(sys.argv[1], encoding="utf-8") as source:
        text = source.read().split("\n", 1)[-1].strip()
    for number, found in enumerate(suggest_claims(text), 1):
        print(f"{number:>3} {found.kind:<9} {found.attribution or '—':<40.40} {found.text[:100]}")
