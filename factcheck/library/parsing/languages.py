"""A record's language as a BCP 47 tag: "en", "pt-BR", "zh-Hant", from what publishers write in inLanguage
("en_US", "EN", {"name": "English", "alternateName": "en"}, "Français", "spa"). A name this module does not know
gives "", never a guess."""

import re
import unicodedata
from functools import lru_cache
from typing import Any

from factcheck.library.parsing.text import clean_text

_TAG = re.compile(r"[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*")
_THREE_LETTER = {
    "eng": "en", "fra": "fr", "fre": "fr", "spa": "es", "por": "pt", "deu": "de", "ger": "de", "ita": "it",
    "nld": "nl", "dut": "nl", "ara": "ar", "hin": "hi", "rus": "ru", "zho": "zh", "chi": "zh", "jpn": "ja",
    "kor": "ko", "tur": "tr", "pol": "pl", "ind": "id", "ukr": "uk", "ben": "bn", "urd": "ur", "fas": "fa",
    "per": "fa", "ron": "ro", "rum": "ro", "ell": "el", "gre": "el", "heb": "he", "vie": "vi", "tha": "th",
    "tgl": "tl", "fil": "fil", "swa": "sw", "cat": "ca", "tam": "ta", "tel": "te", "mar": "mr", "mal": "ml",
}  # fmt: skip
# English and native names, accents removed and lower case.
_NAMES = {
    "english": "en", "anglais": "en", "ingles": "en", "englisch": "en", "inglese": "en",
    "french": "fr", "francais": "fr", "frances": "fr", "franzosisch": "fr", "francese": "fr",
    "spanish": "es", "espanol": "es", "castellano": "es", "espagnol": "es", "spanisch": "es", "spagnolo": "es",
    "espanhol": "es", "portuguese": "pt", "portugues": "pt", "portugais": "pt", "portugiesisch": "pt",
    "portoghese": "pt", "german": "de", "deutsch": "de", "allemand": "de", "aleman": "de", "alemao": "de",
    "tedesco": "de", "italian": "it", "italiano": "it", "italien": "it", "italienisch": "it", "dutch": "nl",
    "nederlands": "nl", "arabic": "ar", "hindi": "hi", "russian": "ru", "chinese": "zh", "japanese": "ja",
    "korean": "ko", "turkish": "tr", "turkce": "tr", "polish": "pl", "polski": "pl", "indonesian": "id",
    "bahasa indonesia": "id", "ukrainian": "uk", "bengali": "bn", "bangla": "bn", "urdu": "ur", "persian": "fa",
    "farsi": "fa", "romanian": "ro", "romana": "ro", "greek": "el", "hebrew": "he", "vietnamese": "vi",
    "tieng viet": "vi", "thai": "th", "tagalog": "tl", "filipino": "fil", "swahili": "sw", "kiswahili": "sw",
    "catalan": "ca", "catala": "ca", "tamil": "ta", "telugu": "te", "marathi": "mr", "malayalam": "ml",
}  # fmt: skip


def _tag(text: str) -> str:
    parts = text.replace("_", "-").split("-")
    primary = parts[0].lower()
    primary = _THREE_LETTER.get(primary, primary)  # the ISO 639-2 codes of languages with a two-letter one
    subtags = [primary]
    for part in parts[1:]:
        if len(part) == 2 and part.isalpha():
            subtags.append(part.upper())  # region: BR
        elif len(part) == 4 and part.isalpha():
            subtags.append(part.title())  # script: Hant
        else:
            subtags.append(part.lower())
    return "-".join(subtags)


def _name(text: str) -> str:
    plain = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)).casefold()
    return _NAMES.get(" ".join(plain.split()), "")


def language_code(value: Any) -> str:
    """A BCP 47 tag for ``value``: a tag or a language's name as a string, an object with alternateName or
    name (a Language), or a list (the first that gives one)."""
    if isinstance(value, list):
        for element in value[:10]:
            if code := language_code(element):
                return code
        return ""
    if isinstance(value, dict):
        for key in ("alternateName", "name", "@value"):
            if code := language_code(value.get(key)):
                return code
        return ""
    return _code(value[:100]) if isinstance(value, str) else ""


@lru_cache(maxsize=1024)
def _code(value: str) -> str:
    text = clean_text(value)[:40]
    if not text:
        return ""
    if _TAG.fullmatch(text):
        return _tag(text)
    return _name(text)
