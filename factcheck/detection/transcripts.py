"""Debates and speeches: transcripts with speakers, read from the CLEF CheckThat! TSV
(``line<TAB>speaker<TAB>text``, an optional fourth column ignored) or from plain
"SPEAKER: text" lines, and scored line by line like an article's sentences."""

import csv
import io
import re
from dataclasses import dataclass

from factcheck import checkworthiness
from factcheck.checkworthiness.signals import FIGURE, HEDGE
from factcheck.detection import Suggestion


@dataclass(frozen=True)
class Line:
    number: str  # the transcript's own line number (its position when it has none)
    speaker: str
    text: str


class NotATranscript(ValueError):
    """The text is neither a CLEF TSV nor "SPEAKER: text" lines; says why."""


_SPEAKER_LINE = re.compile(r"^\s*(?P<speaker>[A-Z][\w .’'()-]{0,40}?|\w+)\s*:\s+(?P<text>\S.*)$")
_LOOKS_LIKE_SPEAKER = re.compile(r"^(?:[A-Z][A-Z .’'()-]+|(?:[A-Z][\w’'-]*\.?\s?){1,4}|[A-Z][\w’'-]*)$")


def _tsv(text: str) -> list[Line]:
    lines: list[Line] = []
    for row in csv.reader(io.StringIO(text), delimiter="\t"):
        if not row or not "".join(row).strip():
            continue
        if len(row) < 3:
            raise NotATranscript(f"line {len(lines) + 1} has {len(row)} column(s); expected line, speaker, text.")
        lines.append(Line(row[0].strip(), row[1].strip(), " ".join(row[2].split())))
    return lines


def _speaker_lines(text: str) -> list[Line]:
    lines: list[Line] = []
    speaker = ""
    for raw in text.splitlines():
        if not raw.strip():
            continue
        m = _SPEAKER_LINE.match(raw)
        if m and is_speaker_line(raw):
            speaker, said = m["speaker"].strip(), m["text"]
        else:
            said = raw
        lines.append(Line(str(len(lines) + 1), speaker, " ".join(said.split())))
    return lines


def is_speaker_line(line: str) -> bool:
    m = _SPEAKER_LINE.match(line)
    return bool(m and _LOOKS_LIKE_SPEAKER.match(m["speaker"].strip()))


def is_tsv(text: str) -> bool:
    first = next((line for line in text.splitlines() if line.strip()), "")
    return first.count("\t") >= 2 and first.split("\t", 1)[0].strip().isdigit()


def looks_like_speaker_lines(text: str) -> bool:
    """Most lines (at least three) start with "SPEAKER:"."""
    lines = [line for line in text.splitlines() if line.strip()]
    tagged = [line for line in lines if is_speaker_line(line)]
    return len(tagged) >= 3 and len(tagged) >= 0.6 * len(lines)


def parse(text: str, *, tsv: bool | None = None) -> list[Line]:
    """The lines of a transcript in either format (``tsv`` says which when it is known),
    or NotATranscript saying why not."""
    if not text.strip():
        raise NotATranscript("the transcript is empty.")
    if tsv or (tsv is None and is_tsv(text)):
        lines = _tsv(text)
    elif looks_like_speaker_lines(text):
        lines = _speaker_lines(text)
    else:
        raise NotATranscript("expected CLEF TSV lines (line<TAB>speaker<TAB>text) or “SPEAKER: text” lines.")
    if not any(line.text for line in lines):
        raise NotATranscript("the transcript has no text.")
    return lines


def score_lines(lines: list[Line]) -> "list[checkworthiness.Score]":
    """Every line scored in its context (the line before it)."""
    return checkworthiness.score(
        [
            checkworthiness.Sentence(line.text, speaker=line.speaker, previous=lines[i - 1].text if i else "")
            for i, line in enumerate(lines)
        ]
    )


def as_body(lines: list[Line]) -> tuple[str, list[tuple[int, int]]]:
    """The transcript as an article body ("SPEAKER: text" a line) and each line's text span in it."""
    parts, spans, cursor = [], [], 0
    for line in lines:
        prefix = f"{line.speaker}: " if line.speaker else ""
        parts.append(prefix + line.text)
        spans.append((cursor + len(prefix), cursor + len(prefix) + len(line.text)))
        cursor += len(prefix) + len(line.text) + 1
    return "\n".join(parts), spans


def _stored_lines(body: str) -> list[tuple[Line, tuple[int, int]]]:
    """A stored transcript body's lines with the span of each line's text (after "SPEAKER: ")."""
    found, speaker = [], ""
    for number, m in enumerate(re.finditer(r"[^\r\n]+", body), 1):
        raw = m.group()
        tagged = _SPEAKER_LINE.match(raw)
        if tagged and is_speaker_line(raw):
            speaker, start = tagged["speaker"].strip(), tagged.start("text")
        else:
            start = len(raw) - len(raw.lstrip())
        text = raw[start:].rstrip()
        if text:
            found.append((Line(str(number), speaker, text), (m.start() + start, m.start() + start + len(text))))
    return found


def candidates(body: str) -> list[Suggestion]:
    """Every line of a stored transcript body worth a look, as detection's Suggestions."""
    stored = _stored_lines(body)
    lines = [line for line, _ in stored]
    found = []
    for (line, span), score in zip(stored, score_lines(lines), strict=True):
        if len(line.text.split()) < 4:
            continue
        figure, hedge = FIGURE.search(line.text), HEDGE.search(line.text)
        why = [f"said by {line.speaker}"] if line.speaker else ["said in the transcript"]
        if figure:
            why.append(f"figure: “{figure.group()}”")
        if hedge:
            why.append(f"hedged wording: “{hedge.group()}”")
        reason = "; ".join(why)
        found.append(
            Suggestion(
                "statistic" if figure else "statement",
                line.text,
                span[0],
                span[1],
                line.speaker,
                reason[0].upper() + reason[1:] + ".",
                round(score.value, 4),
                score.band,
                score.reasons,
            )
        )
    return found
