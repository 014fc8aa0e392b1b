"""Suggest check-worthy claims in an article's plain text, a photo's caption or a transcript.

Pure functions, no database. ``suggest_claims(body)`` returns every candidate in text
order, as ``Suggestion``s whose spans are offsets into ``body``, each scored by the
check-worthiness model (``factcheck.checkworthiness``); ``select`` keeps the best few
and leaves the rest as "more candidates". Candidates come from rules (``rules``):
attributed statements and quotations (a multi-sentence quotation is one candidate),
figures, hedged wording, and media the text says could not be verified.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field

from factcheck import checkworthiness
from factcheck.detection import rules
from factcheck.detection.attribution import attribute, find_speaker
from factcheck.detection.sentences import Unit, sentence_spans, units


@dataclass(frozen=True)
class Suggestion:
    kind: str  # a factcheck.models.Claim.Kind value
    text: str  # == body[span_start:span_end]
    span_start: int
    span_end: int
    attribution: str  # who made the claim, "" when none is named
    reason: str  # why it is a candidate, one short sentence
    score: float = 0.0  # check-worthiness in [0, 1]
    band: str = "low"  # high, medium or low
    signals: tuple[str, ...] = field(default=())  # what the model weighed, strongest first


@dataclass
class _Candidate:
    members: list[Unit]
    kind: str
    reasons: list[str]
    unverified_media: bool = False


def _merge_quotations(picked: list[tuple[int, _Candidate]]) -> list[_Candidate]:
    """One candidate per quotation: its sentences that passed the rules, from the first to the last."""
    merged: list[_Candidate] = []
    for _, candidate in sorted(picked, key=lambda p: p[0]):
        unit = candidate.members[0]
        last = merged[-1] if merged else None
        if (
            last is not None
            and unit.region is not None
            and last.members[-1].region == unit.region
            and last.kind == "quote"
            and candidate.kind in ("quote", "statement", "statistic")
            and unit.attributed
        ):
            last.members.append(unit)
            last.reasons.extend(r for r in candidate.reasons if r not in last.reasons)
            continue
        merged.append(candidate)
    return merged


def _candidates(found: list[Unit]) -> list[_Candidate]:
    picked: dict[int, _Candidate] = {}
    skip: set[int] = set()
    for i, unit in enumerate(found):
        if not rules.VERIFY.search(unit.text) or (j := rules.media_target(found, i)) is None:
            continue
        target = found[j]
        skip.add(i)
        if rules.MEDIA.search(target.text) or rules.MEDIA.search(unit.text):
            kind = rules.media_kind(target.text, unit.text)
            picked[j] = _Candidate(
                [target], kind, [f"The text says the {kind} cannot be independently verified."], True
            )
        elif rule := rules.plain(target, "the text says this could not be independently verified"):
            picked[j] = _Candidate([target], rule[0], [rule[1]], True)
    for i, unit in enumerate(found):
        if i in skip or i in picked or not (rule := rules.plain(unit)):
            continue
        picked[i] = _Candidate([unit], rule[0], [rule[1]])
    return _merge_quotations(list(picked.items()))


def _score(candidates: list[_Candidate], found: list[Unit], body: str) -> list[Suggestion]:
    previous = {unit.start: (found[i - 1].text if i else "") for i, unit in enumerate(found)}
    sentences = [
        checkworthiness.Sentence(
            text=body[c.members[0].start : c.members[-1].end],
            speaker=c.members[0].speaker,
            attributed=c.members[0].attributed,
            quoted=c.members[0].region is not None,
            unverified_media=c.unverified_media,
            previous=previous.get(c.members[0].start, ""),
        )
        for c in candidates
    ]
    scores = [
        _unverified(s) if c.unverified_media else s
        for c, s in zip(candidates, checkworthiness.score(sentences), strict=True)
    ]
    return [
        Suggestion(
            kind=c.kind,
            text=sentence.text,
            span_start=c.members[0].start,
            span_end=c.members[-1].end,
            attribution=c.members[0].speaker,
            reason=c.reasons[0] if len(c.reasons) == 1 else " ".join(c.reasons),
            score=round(s.value, 4),
            band=s.band,
            signals=s.reasons,
        )
        for c, sentence, s in zip(candidates, sentences, scores, strict=True)
    ]


# What the article itself says could not be verified is the desk's first business; the
# model, trained on debate transcripts, has never seen such a sentence.
UNVERIFIED_FLOOR = 0.9
_UNVERIFIED_REASON = "the article says it could not be independently verified"


def _unverified(score: checkworthiness.Score) -> checkworthiness.Score:
    reasons = (_UNVERIFIED_REASON, *(r for r in score.reasons if "(lowers)" not in r))
    return checkworthiness.Score(max(score.value, UNVERIFIED_FLOOR), "high", reasons)


def suggest_claims(body: str) -> list[Suggestion]:
    """Every candidate in text order, scored; no two with the same span."""
    found = units(body or "")
    attribute(found)
    return _score(_candidates(found), found, body or "")


def select(
    found: Iterable[Suggestion], *, limit: int, threshold: float | None = None
) -> tuple[list[Suggestion], list[Suggestion]]:
    """(suggestions, more candidates): at most ``limit`` candidates scoring at least
    ``threshold`` (by default, those the model rates high or medium), best first; the
    rest, best first."""
    ranked = sorted(found, key=lambda s: (-s.score, s.span_start))
    keep = (lambda s: s.band != "low") if threshold is None else (lambda s: s.score >= threshold)
    top = [s for s in ranked if keep(s)][: max(0, limit)]
    chosen = {id(s) for s in top}
    return top, [s for s in ranked if id(s) not in chosen]


def caption_claims(caption: str) -> list[Suggestion]:
    """Claims a photo's caption makes about the photo itself ("an image the Harare Herald
    claims was taken on November 16"): image claims, spans into the caption."""
    claims: list[Unit] = []
    for start, end in sentence_spans(caption or ""):
        text = caption[start:end]
        if len(text.split()) >= 4 and rules.about_picture(text):
            claims.append(Unit(start, end, 0, text, text, None))
    if not claims:
        return []
    for unit in claims:
        unit.speaker, unit.cue, *_ = find_speaker(unit.masked)
    scores = checkworthiness.score(
        [checkworthiness.Sentence(u.text, speaker=u.speaker, unverified_media=True) for u in claims]
    )
    return [
        Suggestion(
            rules.media_kind(u.text) if rules.MEDIA.search(u.text) else "image",
            u.text,
            u.start,
            u.end,
            u.speaker,
            "The caption makes a claim about the picture itself.",
            round(s.value, 4),
            s.band,
            s.reasons,
        )
        for u, s in zip(claims, scores, strict=True)
    ]


if __name__ == "__main__":  # python -m factcheck.detection FILE (first line = title)
    import sys

    with open(sys.argv[1], encoding="utf-8") as source:
        text = source.read().split("\n", 1)[-1].strip()
    for number, s in enumerate(sorted(suggest_claims(text), key=lambda s: -s.score), 1):
        print(f"{number:>3} {s.score:.2f} {s.kind:<9} {s.attribution or '—':<30.30} {s.text[:90]}")
