"""What is scored and what a score says (re-exported by ``factcheck.checkworthiness``)."""

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Sentence:
    text: str
    speaker: str = ""  # who says it, "" when unknown
    attributed: bool = False  # news text attributes it to someone ("X said ...")
    quoted: bool = False  # inside quotation marks
    unverified_media: bool = False  # the text says a photo/video it describes could not be verified
    previous: str = ""  # the sentence before (context), may be ""


@dataclass(frozen=True, slots=True)
class Score:
    value: float  # in [0, 1]
    band: str  # "high" | "medium" | "low"
    reasons: tuple[str, ...]  # short human phrases, strongest first; "... (lowers)" for what lowered the score
