"""Publication dates as publishers write them, to a date (or None when unclear).

ISO 8601 (with or without a time and an offset) is read directly and keeps the publisher's local date:
"2021-09-07T23:30:00-05:00" is 7 September. All-number dates with slashes are month first for English (en,
en-US) and unknown languages, day first for other languages (en-GB included); with dots always day first; when
one part is above 12 the order is plain. Anything else ("7 September 2021", "Sept. 7, 2021", "7 de septiembre de
2021") goes to dateparser, offline, absolute dates only, in English, French, Spanish, Portuguese, German and
Italian plus the record's language. None for: partial dates ("September 2021"), relative ones ("yesterday"),
bare numbers (epoch seconds; "20210907" is read), dates before 1990 (the "1970-01-01" of an empty timestamp)
or more than two days ahead.
"""

import datetime
import re
from functools import lru_cache
from typing import Any

from factcheck.library.parsing.text import clean_text

MIN_DATE = datetime.date(1990, 1, 1)
DATEPARSER_LANGUAGES = ("en", "fr", "es", "pt", "de", "it")
_DATEPARSER_SETTINGS: dict[str, Any] = {
    "PREFER_DAY_OF_MONTH": "first",
    "REQUIRE_PARTS": ["day", "month", "year"],
    "PARSERS": ["custom-formats", "absolute-time"],
    "RETURN_AS_TIMEZONE_AWARE": False,
}
_YMD = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:$|[T\s_])")
_NUMERIC = re.compile(r"(\d{1,2})([/.-])(\d{1,2})\2(\d{4})(?:$|[T\s,])")
_BARE_NUMBER = re.compile(r"[-+]?\d+(?:[.,]\d+)?")


def parse_date(value: Any, language: str = "") -> datetime.date | None:
    """The date in ``value`` (a string, a date or a datetime), ``language`` a hint for ambiguous forms."""
    if isinstance(value, datetime.datetime):
        found: datetime.date | None = value.date()
    elif isinstance(value, datetime.date):
        found = value
    else:
        text = clean_text(value)[:100]
        if not any(character.isdigit() for character in text):
            return None
        found = _parse_text(text, language.strip().lower()[:35])
    latest = datetime.date.today() + datetime.timedelta(days=2)
    return found if found is not None and MIN_DATE <= found <= latest else None


def _date(year: int, month: int, day: int) -> datetime.date | None:
    try:
        return datetime.date(year, month, day)
    except ValueError:
        return None


def _month_first(language: str) -> bool:
    return language in ("", "en", "en-us")


@lru_cache(maxsize=8192)
def _parse_text(text: str, language: str) -> datetime.date | None:
    if _BARE_NUMBER.fullmatch(text):
        if len(text) == 8 and text.isdigit():
            return _date(int(text[:4]), int(text[4:6]), int(text[6:]))
        return None
    if match := _YMD.match(text):
        return _date(int(match[1]), int(match[2]), int(match[3]))
    if match := _NUMERIC.match(text):
        first, separator, second, year = int(match[1]), match[2], int(match[3]), int(match[4])
        if first > 12 or (second <= 12 and (separator == "." or not _month_first(language))):
            return _date(year, second, first)
        return _date(year, first, second)
    return _dateparser(text, language.split("-")[0])


def _dateparser(text: str, language: str) -> datetime.date | None:
    import dateparser  # imported on first need: it loads its language data then

    languages = list(dict.fromkeys(([language] if language.isalpha() else []) + list(DATEPARSER_LANGUAGES)))
    for attempt in (languages, list(DATEPARSER_LANGUAGES)):
        try:
            moment = dateparser.parse(text, languages=attempt, settings=_DATEPARSER_SETTINGS)
        except ValueError:  # a language dateparser does not know: try without it
            continue
        except (ArithmeticError, LookupError, TypeError, AttributeError, re.error):  # garbage that trips it
            return None
        return moment.date() if moment is not None else None
    return None
