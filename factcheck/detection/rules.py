"""The rules that make a sentence a candidate, and its kind: attributed statements
and quotations, figures, hedged wording, and media the text says could not be verified.
Predictions and pledges ("will", "we assure") are not checkable and are left out unless
they carry a figure or a hedge."""

import re

from factcheck.checkworthiness.signals import BACKREF, HEDGE, INTENT, MEDIA, STILL, VERIFY, find_figure
from factcheck.detection.sentences import Unit

_ABOUT_PICTURE = re.compile(
    r"(?i)\b(?:claim(?:s|ed)?|sa(?:id|ys)\s+(?:to\s+)?(?:show|be|depict)|purported(?:ly)?|allegedly|reportedly|"
    r"(?:was|were)\s+(?:taken|shot|filmed|recorded)|believed\s+to|appears?\s+to\s+show|unverified|"
    r"(?:could|can)\s*not\s+be\s+(?:independently\s+)?verified)\b"
)

# Reported speech that asserts nothing checkable: what someone expects or plans, what they
# urge others to do, and what they think or feel.
_NOT_CHECKABLE = re.compile(
    r"(?i)\b(?:(?:did\s+not\s+|does\s+not\s+|doesn[’']t\s+|didn[’']t\s+)?expects?|expected\s+to|predict(?:s|ed)?|"
    r"plans?\s+to|planned\s+to|intends?\s+to|intended\s+to|hopes?|hoped|"
    r"(?:warned|urged|called\s+on|asked|advised)\s+(?:\w+\s+){0,3}?to\s+\w+|"
    r"(?:thinks?|thought|believes?|believed|feels?|felt)\s+(?:that\s+)?(?:it|he|she|they|we|the|this|there)\b)"
)


def media_target(units: list[Unit], i: int) -> int | None:
    """Index of the sentence describing the media a "could not be verified" sentence speaks of."""
    unit = units[i]
    previous = [j for j in range(i - 1, max(-1, i - 8), -1) if units[j].para == unit.para]
    if not previous and i > 0:
        previous = [i - 1]
    for j in previous:
        if MEDIA.search(units[j].text):
            return j
    if MEDIA.search(unit.text):
        verify = VERIFY.search(unit.text)
        assert verify is not None  # only called for a sentence that says it could not be verified
        if len(unit.text) - len(verify.group()) > 60:
            return i
    if not MEDIA.search(unit.text) and previous and BACKREF.search(unit.text):
        return previous[0]
    return None


def media_kind(*texts: str) -> str:
    return "image" if any(STILL.search(t) for t in texts) else "video"


def plain(unit: Unit, media_reason: str = "") -> tuple[str, str] | None:
    """(kind, reason) for a sentence under the statement, figure and hedge rules, or None."""
    figure, hedge = find_figure(unit.text), HEDGE.search(unit.text)
    quoted = unit.region is not None
    if len(unit.text.split()) < 3 or not (unit.attributed or figure or hedge or media_reason):
        return None
    if unit.text.rstrip().endswith(":"):
        return None  # "Mr Obama also said:" introduces what follows; it claims nothing itself
    if unit.attributed and not (figure or hedge or media_reason) and INTENT.search(unit.text):
        return None  # a prediction or a pledge: nothing to check yet
    if unit.attributed and not (figure or media_reason) and _NOT_CHECKABLE.search(unit.text):
        return None  # an expectation, a plan, advice, a belief or a feeling
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


def about_picture(text: str) -> bool:
    """A caption sentence that makes a claim about the picture itself (where or when it was
    taken, what it is said to show), not only a description of it."""
    return bool(_ABOUT_PICTURE.search(text)) and (bool(MEDIA.search(text)) or "pictured" in text.lower())
