"""What the matcher indexes: one fact-check's claim and article title."""

from typing import NamedTuple


class Document(NamedTuple):
    id: int  # the caller's id (a ClaimReview row, a CLEF vclaim_id)
    claim: str  # the claim that was checked, as the fact-check states it
    title: str = ""  # the fact-check article's title
    language: str = "en"  # the matcher stems English; other languages are matched on their words as written
