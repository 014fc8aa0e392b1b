"""What the model reads in a sentence: word uni- and bigrams, and rule features with the words that fired them.

Rule features are built from ``signals`` (figures, comparisons, hedges, unverifiable media, predictions and
pledges) and from a few rules of this module: named entities found without a tagger (runs of capitalised words
that do not merely open the sentence, acronyms), plain numbers and years, questions, first-person opinions,
greetings, sentence length, the speaker, what the news text says about the sentence (attributed, quoted, its
photo or video unverified) and what the previous sentence held. Everything here is pure Python and regular
expressions: scoring must reach tens of thousands of sentences a second on one core.
"""

import re
from typing import NamedTuple

from . import signals
from .records import Sentence
from .words import (
    COMPARE,
    FIGURE,
    FIGURE_WORD,
    FIRST,
    GREET,
    HEDGE,
    INTEND,
    NUMERIC,
    OPINE,
    SECOND,
    SHOW,
    YEAR,
    flags,
    ngrams,
    tokens,
)

# Every rule feature, in the model file's order. A feature is 0 unless it fires; most are 0/1.
RULES: tuple[str, ...] = (
    "figure",
    "figures_2",
    "number",
    "year",
    "comparison",
    "hedge",
    "unverified",
    "media",
    "entity",
    "entities_2",
    "acronym",
    "intent",
    "question",
    "opinion",
    "first_person",
    "you",
    "greeting",
    "words_3",
    "words_7",
    "words_30",
    "words_50",
    "no_speaker",
    "stage_speaker",
    "attributed",
    "quoted",
    "unverified_media",
    "prev_figure",
    "prev_question",
    "prev_entity",
)

# The phrase a fired feature gives as a reason ({} is the evidence, the words that fired it). Features sharing a
# phrase add up to one reason. Length and context features explain little to an editor and give none.
PHRASES: dict[str, str] = {
    "figure": "figure: “{}”",
    "figures_2": "figure: “{}”",
    "number": "number: “{}”",
    "year": "date: “{}”",
    "comparison": "comparison: “{}”",
    "hedge": "hedged wording: “{}”",
    "unverified": "says it could not be verified",
    "media": "mentions a photo or video",
    "entity": "names {}",
    "entities_2": "names {}",
    "acronym": "names {}",
    "intent": "a prediction or pledge",
    "question": "a question",
    "opinion": "a first-person opinion",
    "first_person": "speaks in the first person",
    "you": "addresses someone",
    "greeting": "a greeting or thanks",
    "words_3": "too short to check",
    "attributed": "attributed statement",
    "quoted": "quoted words",
    "unverified_media": "a photo or video that could not be verified",
    "stage_speaker": "not a speaker's words",
}

# (Patterns open with a literal or a class, and look behind after it: Python's engine then skips ahead fast.)
_NUMBER = re.compile(r"\d(?<![\w-]\d)[\d,.]*(?:\s*(?:%|percent))?")
_YEAR = re.compile(r"(?:1[89]|20)\d\d(?<![\w,.-]....)(?![\w-]|[.,]\d)")
# Runs of capitalised words or acronyms ("Barack Obama", "Bank of America", "U.S.", "NATO").
_CAPITALISED = re.compile(
    r"[A-Z](?<![\w'’][A-Z])(?:[a-z]+(?:['’]s)?|[A-Z]+s?|\.(?:[A-Z]\.)+)"
    r"(?:[ -](?:(?:of|the|for|and|de|al)[ -])?(?:[A-Z][a-z]+(?:['’]s)?|[A-Z]{2,}s?|(?:[A-Z]\.){2,}))*"
)
_CONNECTORS = tuple(f"{w}{c}" for w in ("of", "the", "for", "and", "de", "al") for c in " -")  # "Bank of America"
_OPENING = frozenset('.!?:;"“(—–-')  # what precedes a word that opens a sentence or a quotation
# Capitalised words that name nobody: function words that open sentences, pronouns, greetings, titles alone.
_NOT_NAMES = frozenset(
    """I I'm I've I'll I'd A An The And But Or So If When While Because Then Now Well Yes No Not This That These
    Those There Here It It's He She We They You My Our Your His Her Their What Who Why How Where Which OK Okay Oh
    Mr Mrs Ms Dr Sir Madam Thank Thanks Please Let Look Listen Also Just All Every One Two Three First Second Last
    Today Tonight Tomorrow Yesterday God In On At For As After Before By From To With Of Over Under During Since
    Until Some Many Most Both Each Another Other Such Even Only Still Yet Again However Meanwhile Instead Maybe
    Perhaps Actually Frankly Obviously Folks Everybody Nobody Somebody Anybody Everyone""".replace("'", "’").split()
    + "I'm I've I'll I'd It's".split()
)
_ACRONYM = re.compile(r"^(?:[A-Z]{2,}s?|(?:[A-Z]\.){2,})$")
_NOT_ACRONYMS = frozenset("OK TV AM PM II III CEO APPLAUSE LAUGHTER CROSSTALK INAUDIBLE BOOING CHEERING SIC".split())
_OPINION = re.compile(
    r"(?i)\b(?:I|we)\s+(?:(?:really|do|don't|don’t|just|strongly|also)\s+)?(?:think|believe|feel|guess|suppose|"
    r"want|wish|love|like|hate|know|agree|disagree|respect|mean|hope)\b|\bin\s+my\s+(?:opinion|view)\b"
)
_GREETING = re.compile(
    r"(?i)\b(?:thank\s+you|thanks|good\s+(?:evening|morning|night|afternoon)|welcome|hello|congratulations|"
    r"applause|laughter|crosstalk|ladies\s+and\s+gentlemen|god\s+bless)\b"
)
_STAGE_SPEAKERS = re.compile(r"(?i)^(?:system|audience|crowd|unidentified|unknown|narrator|announcer)\b")

Found = dict[str, tuple[float, str]]  # feature -> (value, evidence)

_FIGURE_ANCHORS = re.compile(r"[\d$€£]+")


def _fold(pattern: re.Pattern[str]) -> re.Pattern[str]:
    """The case-insensitive pattern as a case-sensitive one for lower-cased text (letters outside escapes
    lowered, the "i" flag dropped): Python's engine runs it several times faster. Lower-casing the text gives
    the same matches, at the same places, unless it changes the text's length ("İ") or the text holds "ı" or
    "ſ", which ignore-case matching takes for "i" and "s" (``_foldable``)."""
    source, out, i = pattern.pattern, [], 0
    if (flags := re.match(r"\(\?([aiLmsux]+)\)", source)) is not None:
        kept = flags.group(1).replace("i", "")
        out.append(f"(?{kept})" if kept else "")
        i = flags.end()
    while i < len(source):
        out.append(source[i : i + 2] if source[i] == "\\" else source[i].lower())
        i += 2 if source[i] == "\\" else 1
    return re.compile("".join(out), pattern.flags & ~re.IGNORECASE)


def _foldable(text: str, low: str) -> bool:
    return len(low) == len(text) and "ı" not in text and "ſ" not in text


class _Patterns(NamedTuple):
    figure: re.Pattern[str]
    comparison: re.Pattern[str]
    hedge: re.Pattern[str]
    verify: re.Pattern[str]
    media: re.Pattern[str]
    intent: re.Pattern[str]
    opinion: re.Pattern[str]
    greeting: re.Pattern[str]


_PLAIN = _Patterns(
    signals.FIGURE,
    signals.COMPARISON,
    signals.HEDGE,
    signals.VERIFY,
    signals.MEDIA,
    signals.INTENT,
    _OPINION,
    _GREETING,
)
_FOLDED = _Patterns(*(_fold(p) for p in _PLAIN))
_PATTERNED = FIGURE | COMPARE | HEDGE | SHOW | INTEND | OPINE | GREET  # the flags that run one of them


class Analysis(NamedTuple):
    """What the rules found in one text, before anything about its speaker or its context (a named tuple:
    made once per sentence, so made cheaply)."""

    found: Found
    figure: bool
    question: bool
    entity: bool


def analyse(text: str) -> tuple[set[str], Analysis]:
    """The n-grams and the rule analysis of one text (``batch`` does the same for many texts at once)."""
    words = tokens(text)
    grams = ngrams(words)
    return grams, rules(text, flags(grams), len(words))


def entities(text: str) -> list[tuple[str, bool]]:
    """(run, is an acronym) for each name in the text: capitalised runs, less the function words that open
    them and the single capitalised word that merely opens a sentence."""
    found: list[tuple[str, bool]] = []
    start = 0
    space = text.find(" ")
    if space > 1 and text[0].isupper() and text[1:space].islower():  # "Taxes went up": skip a lone opening word
        after = text[space + 1 : space + 5]
        if not after[:1].isupper() and not after.startswith(_CONNECTORS):
            start = space
    for match in _CAPITALISED.finditer(text, start):
        run = match.group()
        if " " not in run:  # one word: most runs
            if run in _NOT_NAMES or run[:-2] in _NOT_NAMES:
                continue
            if not run[1].islower() and _ACRONYM.match(run) is not None:  # "Taxes" is no acronym
                if run.rstrip("s") not in _NOT_ACRONYMS:
                    found.append((run, True))
                continue
            before = text[max(0, match.start() - 3) : match.start()].rstrip()
            if before and before[-1] not in _OPENING:  # not "Taxes went up": a capital that opens a sentence
                found.append((run, False))
            continue
        words = run.split(" ")
        while words and (words[0] in _NOT_NAMES or words[0][:-2] in _NOT_NAMES):
            words.pop(0)
        if not words:
            continue
        if len(words) > 1:
            found.append((" ".join(words), False))
        elif _ACRONYM.match(words[0]) is not None:
            if words[0].rstrip("s") not in _NOT_ACRONYMS:
                found.append((words[0], True))
        else:
            found.append((words[0], False))
    return found


def _leads(text: str, at: int, end: int) -> list[int]:
    """Where the one or two words right before ``at`` start, when only white space separates them from it
    ("more than 5", "nearly 5"): not before ``end``."""
    starts: list[int] = []
    i = at
    for _ in range(2):
        j = i
        while j > end and text[j - 1].isspace():
            j -= 1
        k = j
        while k > end and text[k - 1].isalpha():
            k -= 1
        if j == i or k == j:
            break
        starts.append(k)
        i = k
    return starts[::-1]


def figures_in(text: str, bits: int, low: str | None = None) -> list[str]:
    """What ``signals.FIGURE.finditer`` finds (run on ``low``, the lower-cased text, when it may be). Without a
    trigger word, a figure starts at a currency sign, at a digit that starts a number, or at the one or two
    words that lead a number ("more than 5"): the pattern is tried only there (it costs ~0.4 µs a character
    when it scans a whole sentence)."""
    low = text.lower() if low is None else low
    pattern, source = (_FOLDED.figure, low) if _foldable(text, low) else (signals.FIGURE, text)
    if bits & FIGURE_WORD:
        return [text[m.start() : m.end()].strip() for m in pattern.finditer(source)]
    found: list[str] = []
    end = 0
    for run in _FIGURE_ANCHORS.finditer(text):
        for k, char in enumerate(run.group()):
            a = run.start() + k
            if a < end:
                continue
            if char in "$€£":
                starts = [a]
            elif a and (text[a - 1].isalnum() or text[a - 1] in "_-"):  # (?<![\w-]) before a number
                continue
            else:
                starts = [*_leads(text, a, end), a]
            for start in starts:
                if (match := pattern.match(source, start)) is not None:
                    found.append(text[start : match.end()].strip())
                    end = match.end()
                    break
    return found


def rules(text: str, bits: int, count: int) -> Analysis:
    """The rule features of the text alone, with the words that fired each (``bits``: its trigger flags,
    ``count``: its number of tokens)."""
    found: Found = {}
    figure = False
    if bits & YEAR and (year := _YEAR.search(text)) is not None:
        found["year"] = (1.0, year.group())
    if bits & _PATTERNED:
        low = text.lower()
        patterns, source = (_FOLDED, low) if _foldable(text, low) else (_PLAIN, text)
        if bits & FIGURE:
            figures = figures_in(text, bits, low)
            if figures:
                figure = True
                found["figure"] = (1.0, figures[0])
                if len(figures) > 1:
                    found["figures_2"] = (1.0, figures[1])
        if bits & COMPARE and (m := patterns.comparison.search(source)) is not None:
            found["comparison"] = (1.0, text[m.start() : m.end()])
        if bits & HEDGE and (m := patterns.hedge.search(source)) is not None:
            found["hedge"] = (1.0, text[m.start() : m.end()])
            if patterns.verify.search(source) is not None:
                found["unverified"] = (1.0, "")
        if bits & SHOW and (m := patterns.media.search(source)) is not None:
            found["media"] = (1.0, text[m.start() : m.end()])
        if bits & INTEND and (m := patterns.intent.search(source)) is not None:
            found["intent"] = (1.0, text[m.start() : m.end()])
        if bits & OPINE and (m := patterns.opinion.search(source)) is not None:
            found["opinion"] = (1.0, text[m.start() : m.end()])
        if bits & GREET and (m := patterns.greeting.search(source)) is not None:
            found["greeting"] = (1.0, text[m.start() : m.end()])
    if bits & NUMERIC and not figure and (number := _NUMBER.search(text)) is not None:
        found["number"] = (1.0, number.group())
    names = entities(text) if not text[1:].islower() else []
    if names:
        shown = ", ".join([run for run, _ in names[:2]])
        acronyms = sum([acronym for _, acronym in names])
        if acronyms < len(names):
            found["entity"] = (1.0, shown)
            if len(names) - acronyms > 1:
                found["entities_2"] = (1.0, shown)
        if acronyms:
            found["acronym"] = (1.0, shown)
    question = text.rstrip(" \"”'’)").endswith("?")
    if question:
        found["question"] = (1.0, "")
    if bits & FIRST and "opinion" not in found:
        found["first_person"] = (1.0, "")
    if bits & SECOND:
        found["you"] = (1.0, "")
    if count <= 3:
        found["words_3"] = (1.0, "")
    elif count <= 7:
        found["words_7"] = (1.0, "")
    elif count > 50:
        found["words_50"] = (1.0, "")
    elif count > 30:
        found["words_30"] = (1.0, "")
    return Analysis(found, figure, question, bool(names))


def is_stage_speaker(speaker: str) -> bool:
    """A transcript's "speaker" that is no one's words: (APPLAUSE) lines, the audience, an unidentified voice."""
    return _STAGE_SPEAKERS.match(speaker) is not None


def sentence_features(previous: Analysis | None, sentence: Sentence) -> Found:
    """The features of a sentence beyond its own text: its speaker, the news text's flags, its context."""
    found: Found = {}
    if not sentence.speaker:
        found["no_speaker"] = (1.0, "")
    elif is_stage_speaker(sentence.speaker):
        found["stage_speaker"] = (1.0, "")
    if sentence.attributed:
        found["attributed"] = (1.0, "")
    if sentence.quoted:
        found["quoted"] = (1.0, "")
    if sentence.unverified_media:
        found["unverified_media"] = (1.0, "")
    return found | context_features(previous) if previous is not None else found


def context_features(previous: Analysis) -> Found:
    """What the sentence before held."""
    found: Found = {}
    if previous.figure:
        found["prev_figure"] = (1.0, "")
    if previous.question:
        found["prev_question"] = (1.0, "")
    if previous.entity:
        found["prev_entity"] = (1.0, "")
    return found


def rule_features(own: Analysis, previous: Analysis | None, sentence: Sentence) -> Found:
    """Every rule feature of the sentence: its text's, and the others (``sentence_features``)."""
    return own.found | sentence_features(previous, sentence)
