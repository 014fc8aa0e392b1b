"""Text normalisation for claim matching: tweets and fact-checks to clean text, clean text to index terms.

Tweets arrive as the embed text Twitter gives: links (``https://t.co/…``, ``pic.twitter.com/…``, often glued
to the word before them), ``#HashTags`` and ``@handles`` in camel case, emoji, and a closing signature
``— Name (@handle) January 6, 2020``. The choices here were measured on the training tweets of CLEF-2020
CheckThat! task 2 (see scripts/eval_matching.py): links and the signature's date go; the signature's name
and handle stay (fact-checks often name who said it); hashtags and handles are split at case changes.
"""

import re
import unicodedata
from collections.abc import Container
from functools import lru_cache

import snowballstemmer

_PIC = re.compile(r"pic\.twitter\.com/\S*", re.I)  # often glued to the word before: #IranUsapic.twitter.com/x
_URL = re.compile(r"(?:https?://|www\.)\S+|\b(?<![#@])[\w-]+(?:\.[\w-]+)*\.(?:com|org|net|ly|co)/\S*", re.I)
_MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
_SIGNATURE = re.compile(
    rf"\s[—–-]\s*([^—–]{{0,80}}?)\s*\(@(\w{{1,30}})\)\s*(?:(?:{_MONTHS})\s+\d{{1,2}},\s+\d{{4}})?\s*$"
)
_TAG = re.compile(r"([#@])(\w+)")
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])|(?<=[A-Za-z])(?=\d)|(?<=\d)(?=[A-Za-z])")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b-\u200f\u2028-\u202e\ufeff]")
_TOKEN = re.compile(r"[^\W_]+")
_QUOTES = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "´": "'", "`": "'"})

# A short English stop list: function words only (negations kept out: "not" matters to a fact-check).
STOPWORDS = frozenset(
    """a about above after again against all am an and any are as at be because been before being below between
    both but by can could did do does doing down during each few for from further had has have having he her here
    hers herself him himself his how i if in into is it its itself just me more most my myself of off on once only
    or other our ours ourselves out over own same she should so some such than that the their theirs them
    themselves then there these they this those through to too under until up very was we were what when where
    which while who whom why will with would you your yours yourself yourselves s t d ll m re ve rt via amp""".split()
)

MAX_CHARS = 5000  # longer input is cut: nothing longer than a long tweet or claim helps the match


def clean(text: str) -> str:
    """Unicode NFKC, no control or zero-width characters, straight quotes, at most MAX_CHARS characters."""
    text = unicodedata.normalize("NFKC", _CONTROL.sub(" ", text[: MAX_CHARS * 2]))
    return text.translate(_QUOTES)[:MAX_CHARS]


def split_camel(word: str) -> str:
    """``WakandaForever`` -> ``Wakanda Forever``; ``IranUSA2020`` -> ``Iran USA 2020``."""
    return _CAMEL.sub(" ", word)


def segment(word: str, known: Container[str]) -> str:
    """A glued lower-case hashtag or handle as known words, when it is not one itself and splits into at most
    four known words of three letters or more: ``fyrefestival`` -> ``fyre festival``."""
    lower = word.lower()
    if len(lower) < 6 or len(lower) > 40 or not lower.isalpha() or lower in known:
        return word
    best: list[list[str] | None] = [[]] + [None] * len(lower)
    for end in range(3, len(lower) + 1):
        for start in range(0, end - 2):
            before = best[start]
            if before is not None and lower[start:end] in known:
                if best[end] is None or len(before) + 1 < len(best[end] or ()):
                    best[end] = [*before, lower[start:end]]
    found = best[-1]
    return " ".join(found) if found and len(found) <= 4 else word


def _tag_words(tag: str, known: Container[str] | None) -> str:
    parts = split_camel(tag.replace("_", " ")).split()
    return " ".join(segment(part, known) if known is not None else part for part in parts)


def split_tweet(text: str, known: Container[str] | None = None) -> tuple[str, str]:
    """A tweet's embed text as plain prose, and its signature's author (name and handle) apart: no links, no
    signature date, hashtags and handles as words (split at case changes, and into ``known`` words if glued)."""
    text = _URL.sub(" ", _PIC.sub(" ", clean(text)))
    author = ""
    signature = _SIGNATURE.search(text)
    if signature:
        author = f"{signature.group(1)} {_tag_words(signature.group(2), known)}"
        text = text[: signature.start()]
    text = _TAG.sub(lambda match: " " + _tag_words(match.group(2), known) + " ", text)
    return " ".join(text.split()), " ".join(author.split())


def normalise_tweet(text: str, known: Container[str] | None = None) -> str:
    """``split_tweet`` joined again: the prose, then the author."""
    return " ".join(part for part in split_tweet(text, known) if part)


def words(text: str) -> set[str]:
    """Lower-cased words, as ``segment`` knows them."""
    return set(_TOKEN.findall(text.lower()))


_STEMMER = snowballstemmer.stemmer("english")


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    return str(_STEMMER.stemWord(word))


def terms(text: str) -> list[str]:
    """Index terms: lower-cased unicode words, stop words out, Snowball (Porter 2) stems."""
    words = _TOKEN.findall(text.lower())
    return [stem(word) for word in words if word not in STOPWORDS and len(word) < 40]


_NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?")
_SENTENCE_END = re.compile(r"[.!?:;\"]\s+")


def numbers(text: str) -> set[str]:
    """The numbers a text states (``1,200`` and ``1200`` alike), for overlap features."""
    return {match.replace(",", "") for match in _NUMBER.findall(text)}


def capitalised(text: str) -> set[str]:
    """Lower-cased capitalised words not at a sentence start: a cheap stand-in for named entities."""
    found: set[str] = set()
    for sentence in _SENTENCE_END.split(text):
        words = sentence.split()
        for word in words[1:]:
            if word.islower():  # no upper-case letter in it (most words): it cannot start with one
                continue
            token = word.strip("'\"()[],.!?:;")
            if len(token) > 1 and token[0].isupper() and token.lower() not in STOPWORDS:
                found.add(token.lower().removesuffix("'s"))
    return found
