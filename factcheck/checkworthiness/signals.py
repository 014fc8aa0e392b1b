"""What a sentence says that makes it worth checking, as regular expressions:
figures, comparisons, hedged wording, media that could not be verified,
predictions and pledges. Detection builds its rules on them and the
check-worthiness model reads them as features."""

import re

_NUMBER = r"(?<![\w-])\d[\d,.]*"  # "Covid-19", "G-20" and "F-16" hold no figure
FIGURE = re.compile(
    rf"""(?ix)
    {_NUMBER}\s*(?:%|percent\b|per\s+cent\b)
    | [$€£]\s?\d[\d,.]*(?:\s*(?:million|billion|trillion|bn)\b)?
    | {_NUMBER}\s*(?:million|billion|trillion|thousand|hundred)\b
    | {_NUMBER}\s*-?\s*(?:miles?|km|kilomet(?:er|re)s?|met(?:er|re)s?|feet|tons?|tonnes?|kg|kilograms?|
        pounds|dollars|euros|acres|hectares|square\s+\w+|seconds?|minutes?|hours?|days?|weeks?|months?|years?)\b
    | {_NUMBER}\s+(?:[a-z][\w-]*\s+)?(?:people|persons|civilians|soldiers|troops|fighters|militants|children|women|
        men|refugees|deaths|dead|killed|injured|wounded|casualties|victims|cases|votes|jobs|homes|families|
        vehicles|cars|guns|weapons|students|workers|patients|members|times|countries|cities|villages)\b
    | \b(?:at\s+least|more\s+than|fewer\s+than|less\s+than|nearly|almost|up\s+to|over|some|about|around)\s+\d[\d,.]*
    | (?<![\w-])\d{{1,3}}(?:,\d{{3}})+(?![\d,])
    | \b(?:hundreds|thousands|millions|billions|dozens|scores)\b
    | \bno\s+(?:\w+\s+)?(?:casualties|deaths|injuries|fatalities)\b
    | \b(?:large|significant|huge|record|growing)\s+number\s+of\b
    | \b(?:twice|double|triple|half)\b
    """
)
COMPARISON = re.compile(
    r"(?i)\b(?:more|less|fewer|higher|lower|larger|smaller|bigger|greater|faster|slower|cheaper)\s+than\b"
    r"|\b(?:most|least|highest|lowest|largest|smallest|biggest|fastest|worst|best)\b"
    r"|\b(?:increased?|decreased?|rose|risen|fell|fallen|doubled|tripled|halved|dropped|grew|grown)\b"
    r"|\b(?:record|first\s+time|ever|never\s+before|since\s+\d{4})\b"
)
UNVERIFIED = (
    r"(?:could|can|cannot|can[’']t|couldn[’']t|was\s+unable\s+to|were\s+unable\s+to|has\s+not\s+been\s+able\s+to)"
    r"\s*(?:not\s+)?(?:be\s+)?independently\s+(?:verif(?:y|ied)|confirm(?:ed)?)|unverified|not\s+(?:yet\s+)?"
    r"(?:been\s+)?(?:independently\s+)?(?:verified|confirmed)"
)
VERIFY = re.compile(rf"(?i)\b(?:{UNVERIFIED})\b")
HEDGE = re.compile(
    rf"(?i)\b(?:{UNVERIFIED}|reportedly|allegedly|purportedly|apparently|appear(?:s|ed)?\s+to|seem(?:s|ed)?\s+to|"
    r"unconfirmed|claimed|(?:is|are|was|were)\s+said\s+to|rumou?red)\b"
)
INTENT = re.compile(
    r"(?i)\b(?:will|shall|would|won[’']t|wouldn[’']t|going\s+to)\b|\b(?:we|I)\s+(?:assure|promise|pledge|vow|urge|hope)"
)
MEDIA = re.compile(r"(?i)\b(?:photo(?:graph)?s?|images?|imagery|pictures?|videos?|footage|clips?|livestream)\b")
STILL = re.compile(r"(?i)\b(?:photo(?:graph)?s?|images?|imagery|pictures?)\b")
BACKREF = re.compile(r"(?i)\b(?:the\s+(?:claims?|reports?|figures?|numbers?|accounts?)|this|that|these|those|it)\b")

# Every FIGURE holds a digit or one of these words: most sentences are ruled out at once.
_MAY_HOLD_FIGURE = re.compile(
    r"(?i)\d|hundreds|thousands|millions|billions|dozens|scores|\bno\s|number|twice|doubl|tripl|half"
)


def find_figure(text: str) -> re.Match[str] | None:
    """FIGURE.search, faster on the many sentences that hold no figure."""
    return FIGURE.search(text) if _MAY_HOLD_FIGURE.search(text) else None
