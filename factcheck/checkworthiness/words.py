"""Words: how a text is cut into tokens, and which words call for which rule pattern.

Tokens are runs of the letters a-z, an apostrophe with the letters after it ("don't" -> "don", "'t"), "?", "$",
"%", "€", "£", and numbers as "<num>", or "<year>" for 1800-2099, so that any figure looks alike. The text is
rewritten with spaces between its tokens by C string methods (no Python per token); ``batch`` does the same for
many texts at once, joined by a separator that stays a token of its own. N-grams are the tokens and the pairs of
adjacent tokens ("more than").
"""

import codecs
import re

SEPARATOR = "\x00"
# A number is a run of digits with "." or "," between them; a year is a number of four digits from 1800 to 2099.
_YEAR_NUMBER = re.compile(r"(?:1[89]|20)\d\d(?<!\d.{4})(?<!\d[.,].{4})(?!\d|[.,]\d)")
_NUMBER_TOKEN = re.compile(r"\d(?:\d*(?:[.,]\d+)*)")
_DIGIT_BYTES = re.compile(rb"\d")
_LONE_APOSTROPHE = re.compile(r"'(?![a-z])")


# Words, or pairs of adjacent words, without one of which a pattern cannot match: the pattern runs only on a
# sentence that holds one (a bit each in a sentence's flags). tests/test_checkworthiness.py checks on every
# training sentence that this finds exactly what each pattern alone finds.
FIGURE_DIGIT, FIGURE_WORD, NUMERIC, YEAR, COMPARE, HEDGE, INTEND, SHOW, OPINE, FIRST, SECOND, GREET = (
    1 << i for i in range(12)
)
FIGURE = FIGURE_DIGIT | FIGURE_WORD


def _pairs(firsts: str, seconds: str) -> set[str]:
    return {f"{a} {b}" for a in firsts.split() for b in seconds.split()}


_COMPARATIVES = "more less fewer higher lower larger smaller bigger greater faster slower cheaper"
_OPINIONS = "think believe feel guess suppose want wish love like hate know agree disagree respect mean hope"
TRIGGERS: dict[int, frozenset[str]] = {
    FIGURE_DIGIT: frozenset("<num> <year> $ € £".split()),
    FIGURE_WORD: frozenset(
        "hundreds thousands millions billions dozens scores casualties deaths injuries fatalities number twice "
        "double triple half".split()
    ),
    NUMERIC: frozenset("<num> <year>".split()),
    YEAR: frozenset({"<year>"}),
    COMPARE: frozenset(
        "most least highest lowest largest smallest biggest fastest worst best increase increased decrease "
        "decreased rose risen fell fallen doubled tripled halved dropped grew grown record ever".split()
    )
    | _pairs(_COMPARATIVES, "than")
    | {"first time", "never before", "since <year>", "since <num>"},
    HEDGE: frozenset(
        "independently unverified verified confirmed reportedly allegedly purportedly apparently appear appears "
        "appeared seem seems seemed unconfirmed claimed rumored rumoured".split()
    )
    | _pairs("is are was were", "said"),
    INTEND: frozenset(  # "I promise..." has no end of word: the pattern also finds "I promised", "we hoped"
        "will shall would won wouldn going assure assured assures assuring assurance promise promised promises "
        "promising pledge pledged pledges pledging vow vowed vows vowing urge urged urges urging hope hoped hopes "
        "hoping hopeful hopefully".split()
    ),
    SHOW: frozenset(
        "photo photos photograph photographs image images imagery picture pictures video videos footage clip "
        "clips livestream".split()
    ),
    OPINE: frozenset(_pairs("i we", _OPINIONS + " really do don just strongly also") | {"my opinion", "my view"}),
    FIRST: frozenset("i me my mine myself we our ours ourselves us".split()),
    SECOND: frozenset("you your yours yourself yourselves".split()),
    GREET: frozenset("thanks welcome hello congratulations applause laughter crosstalk".split())
    | {"thank you", "good evening", "good morning", "good night", "good afternoon", "ladies and", "god bless"},
}


def _other_characters(error: UnicodeError) -> tuple[str, int]:
    """Encoding to ASCII: a digit of another script as its ASCII digit, any other character a space."""
    assert isinstance(error, UnicodeEncodeError)
    run = error.object[error.start : error.end]
    return "".join(str(int(c)) if c.isdecimal() else " " for c in run), error.end


codecs.register_error("factcheck-checkworthiness", _other_characters)
_KEPT = b"abcdefghijklmnopqrstuvwxyz0123456789'.,?$%\x00\x01\x02 \t\n\r\x0b\x0c"
# ASCII bytes: upper case to lower case; letters, digits, "'", "." and ",", the marks, white space, the
# separator and the placeholders of "€" and "£" kept; anything else a space.
_BYTES = bytes(c + 32 if 65 <= c <= 90 else c if c in _KEPT else 32 for c in range(256))
_YEAR_BYTES = re.compile(_YEAR_NUMBER.pattern.encode())
_NUMBER_BYTES = re.compile(_NUMBER_TOKEN.pattern.encode())
_LONE_BYTES = re.compile(_LONE_APOSTROPHE.pattern.encode())
_SPACES = "“”‘—–…\u00a0"  # common in news; replaced before encoding (else each is a call of _other_characters)


def spaced_bytes(text: str) -> bytes:
    """The text's tokens as ASCII bytes separated by white space (a SEPARATOR in the text stays a token). In
    bytes, where translating and replacing are fast: "’" is an apostrophe, "€" and "£" ride as the bytes 1 and
    2 (``token_bytes``)."""
    if "\x01" in text or "\x02" in text:
        text = text.replace("\x01", " ").replace("\x02", " ")
    if not text.isascii():
        text = text.replace("’", "'")
        for char in _SPACES:
            if char in text:
                text = text.replace(char, " ")
        if "€" in text or "£" in text:
            text = text.replace("€", " \x01 ").replace("£", " \x02 ")
    low = text.encode("ascii", "factcheck-checkworthiness").translate(_BYTES)
    if _DIGIT_BYTES.search(low) is not None:
        low = _NUMBER_BYTES.sub(b" <num> ", _YEAR_BYTES.sub(b" <year> ", low))
    low = low.replace(b".", b" ").replace(b",", b" ")
    if b"'" in low:
        low = _LONE_BYTES.sub(b" ", low).replace(b"'", b" '")
    for mark in (b"?", b"$", b"%"):
        if mark in low:
            low = low.replace(mark, b" " + mark + b" ")
    return low


def token_bytes(token: str) -> bytes:
    """A token as ``spaced_bytes`` writes it."""
    return token.replace("€", "\x01").replace("£", "\x02").encode("ascii", "replace")


def spaced(text: str) -> str:
    """The text's tokens, separated by white space."""
    spaced = spaced_bytes(text).decode("ascii")
    if "\x01" in spaced or "\x02" in spaced:
        spaced = spaced.replace("\x01", " € ").replace("\x02", " £ ")
    return spaced


def tokens(text: str) -> list[str]:
    return spaced(text.replace(SEPARATOR, " ")).split()


def ngrams(words: list[str]) -> set[str]:
    grams = set(words)
    grams.update(map(" ".join, zip(words, words[1:], strict=False)))
    return grams


def flags(grams: set[str]) -> int:
    """The trigger bits of a sentence's n-grams."""
    return sum(bit for bit, triggers in TRIGGERS.items() if not grams.isdisjoint(triggers))
