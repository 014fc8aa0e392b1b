"""Who said it: the speaker a sentence names, told apart as a person or a group,
and the speaker a pronoun or a continued quotation points back to."""

import re
from functools import cache

import pycountry

from factcheck.detection.sentences import Unit

_UP = r"[A-ZÀ-ÖØ-Þ]"
_WORD = _UP + r"[\w’'.-]*"
_PARTICLE = r"(?:de|da|di|du|del|della|der|den|van|von|bin|ibn|al|el|la|le|st\.)"
_NAME = rf"(?:{_PARTICLE}\s+)?{_WORD}(?:\s+(?:{_PARTICLE}\s+)?{_WORD}){{0,3}}"
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
# "Anna Kowalski, a UN aid coordinator, said": who the speaker is, between commas.
_APPOSITIVE = r"(?:,\s+(?:a|an|the|who|its|his|her|their)\b[^,“”\"]{1,80},)?"
_PERSON = re.compile(
    rf"(?<![\w’'])(?<![Tt]he\s)(?<!\bof\s)(?:(?P<org>(?:[Tt]he\s+)?(?:{_WORD}\s+){{0,3}}?)(?P<role>{_ROLE})\s+)?"
    rf"(?P<name>{_NAME}){_APPOSITIVE}{_ADVERBS}(?P<cue>{_CUE})\b"
)
_GWORD = r"(?!(?:the|a|an|that|which|who|and|but|when|while|as|if|it|they)\b)[\w’'.-]+"
_GROUP = re.compile(
    rf"\b(?P<name>[Tt]he\s+(?:{_GWORD}\s+){{0,3}}?{_GWORD}|officials|police|authorities|witnesses|residents|sources)"
    rf"{_ADVERBS}(?P<cue>{_CUE})\b"
)
_PRONOUN = re.compile(rf"\b(?P<name>[Hh]e|[Ss]he|[Tt]hey){_ADVERBS}(?P<cue>{_CUE})\b")
_INVERTED = re.compile(rf"[”\"’]\s*,?\s*(?P<cue>said|says|added|wrote|tweeted|insisted)\s+(?P<name>{_NAME})")
_ACCORDING = re.compile(rf"\b(?P<cue>[Aa]ccording\s+to)\s+(?P<name>(?:the\s+)?(?:{_NAME}|[a-z][\w-]*))")
_NOT_NAMES = set(
    "Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April May June July August "
    "September October November December Earlier Later Meanwhile But And However Then Also On In It This That "
    "He She They We I".split()
)
_TITLES = {"Mr": "he", "Mr.": "he", "Mrs": "she", "Mrs.": "she", "Ms": "she", "Ms.": "she", "Miss": "she"}
_PERSON_TITLES = set(
    "Dr Dr. Prof Prof. Gen Gen. Col Col. Lt Lt. Sgt Sgt. Sen Sen. Rep Rep. Gov Gov. President Senator "
    "Governor Judge Justice Minister Mayor Secretary Pope King Queen Prince Princess Sheikh General".split()
)
_GROUP_WORDS = set(
    "Ministry Department Army Forces Force Front Council Party Government Police Agency Committee Union Office "
    "Court Bank Company Group Organization Organisation Service Services Institute University News Times Post "
    "Press Association Commission Authority Authorities Administration House Guard Corps Republic Kingdom States "
    "Nations Officials Sources Movement Alliance Coalition Federation Board Network Foundation Center Centre "
    "Inc Inc. Ltd Corp Corp. Media Television Radio Agency Parliament Congress Senate Cabinet Embassy Taliban "
    "Hamas Hezbollah Kremlin Pentagon Reuters".split()
)
_PLACE_ALIASES = set(
    "Russia Iran Syria Britain America Europe Africa Asia Korea Vietnam Venezuela Bolivia Tanzania Moldova Laos "
    "Taiwan Palestine Kosovo Congo Gaza Washington Moscow Beijing London Paris Berlin Tehran Kyiv Kiev Brussels "
    "Jerusalem Ankara Damascus Kabul Islamabad Delhi Tokyo Seoul Pyongyang Caracas Havana Kremlin Pentagon "
    "Whitehall Downing Brussels".split()
)
_RANK = {"person": 0, "group": 1, "pronoun": 2}
_ANY_CUE = re.compile(rf"\b(?:{_VERB}|[Aa]ccording)\b")
_INSIDE_A_NAME = re.compile(rf"\b[Tt]he\s+(?:{_WORD}\s+){{1,3}}$")


@cache
def _places() -> frozenset[str]:
    names = set(_PLACE_ALIASES)
    for country in pycountry.countries:
        for attribute in ("name", "common_name", "official_name"):
            if value := getattr(country, attribute, None):
                names.add(value)
    return frozenset(names)


_TRAILING = "\"'.,;:!?”’)(“‘-—–"


def _clean(words: list[str]) -> list[str]:
    while words and (words[0] in _NOT_NAMES or words[0] in _TITLES or words[0] in _PERSON_TITLES):
        words.pop(0)
    if words:
        words[-1] = words[-1].rstrip(_TRAILING)
        if not words[-1]:
            words.pop()
    return words


def sort_of(name: str, title: str) -> str:
    """ "person" or "group" for a name a sentence gives as its speaker."""
    words = name.split()
    if title or not words:
        return "person"
    if any(w in _GROUP_WORDS for w in words) or (len(words) == 1 and words[0].isupper()) or name in _places():
        return "group"
    return "person"


def _title_before(masked: str, start: int) -> str:
    before = masked[:start].split()
    return before[-1] if before and (before[-1] in _TITLES or before[-1] in _PERSON_TITLES) else ""


def find_speaker(masked: str) -> tuple[str, str, str, str]:
    """(speaker, cue, sort, pronoun gender) of the first attribution in a sentence;
    sort is person, group or pronoun."""
    if not _ANY_CUE.search(masked):
        return "", "", "", ""
    found = []
    for pattern, sort in ((_PERSON, "person"), (_GROUP, "group"), (_PRONOUN, "pronoun"), (_INVERTED, "person")):
        for m in pattern.finditer(masked):
            if sort == "person" and _INSIDE_A_NAME.search(masked, 0, m.start()):
                continue  # "Herald" of "the Harare Herald claims": the group pattern takes the whole name
            words = m.group("name").split()
            title = _title_before(masked, m.start("name")) or next(
                (w for w in words[:2] if w in _TITLES or w in _PERSON_TITLES), ""
            )
            if sort != "pronoun":
                words = _clean(words)
            possessive = bool(words) and re.search(r"(?:[’']s|s[’'])$", words[-1])
            if words and not possessive and not (sort == "person" and words[0] in {"The", "the"}):
                if sort == "person" and not (m.re is _PERSON and m.group("role")):
                    sort = sort_of(" ".join(words), title)
                found.append((m.start(), sort, m, " ".join(words), title))
                break
    if according := _ACCORDING.search(masked):
        name = " ".join(_clean(according["name"].split()))
        named = "group" if name.lower().startswith("the ") else sort_of(name, "")
        if name:
            found.append((according.start(), named, according, name, ""))
    if not found:
        return "", "", "", ""
    _, sort, m, name, title = min(found, key=lambda f: (_RANK[f[1]], f[0]))  # a named person is the most specific
    gender = ""
    if sort == "group" and name.startswith("The "):
        name = "the " + name[4:]
    if sort == "pronoun":
        gender = {"he": "he", "she": "she"}.get(name.lower(), "they")
    if sort == "person":
        gender = _TITLES.get(title, "")
    if sort == "person" and m.re is _PERSON and m.group("role"):
        org = [w for w in m.group("org").split() if w not in _NOT_NAMES and w.lower() != "the"]
        name = f"{name}, {' '.join([*org, m.group('role')])}"
    cue = " ".join(m.group("cue").split())
    return name, cue[:1].lower() + cue[1:], sort, gender


def attribute(units: list[Unit]) -> None:
    """Give each sentence its speaker. A pronoun takes the last named speaker that fits it
    (he or she a person of that gender or an unknown one, they a group); quoted sentences
    inherit the speaker named in their paragraph."""
    persons: list[tuple[str, str]] = []  # (name, gender) in the order they were named
    groups: list[str] = []
    for unit in units:
        name, unit.cue, sort, gender = find_speaker(unit.masked)
        if sort == "pronoun":
            if gender == "they":
                name = groups[-1] if groups else ""
            else:
                name = next((n for n, g in reversed(persons) if g in ("", gender)), "")
        elif sort == "person":
            plain = name.split(",")[0]
            persons.append((plain, gender))
        elif sort == "group":
            groups.append(name)
        unit.speaker, unit.attributed = name, bool(sort) and bool(name)
    by_para: dict[int, list[Unit]] = {}
    for unit in units:
        if unit.attributed:
            by_para.setdefault(unit.para, []).append(unit)
    for unit in units:
        if unit.attributed or unit.region is None:
            continue
        same = by_para.get(unit.para, [])
        closing = [u for u in same if u.region == unit.region and u.start >= unit.start]
        before = [u for u in same if u.start < unit.start]
        sources = closing or before[-1:] or same
        if sources:
            unit.speaker, unit.attributed = sources[0].speaker, True
