"""What the parsing layer gives back: a normalised fact-check, or a refusal that says why an item was left out.

Text fields are cleaned (tags stripped, HTML entities unescaped, NUL and control characters removed, whitespace
collapsed, Unicode NFC) and cut to the limits below, an ellipsis marking the cut. ``item`` keeps the raw item as
it came (NUL characters removed, since PostgreSQL's jsonb refuses them; values that JSON cannot hold made strings),
whole: nothing in it is cut.
"""

import datetime
from dataclasses import dataclass, field
from typing import Any, TypeAlias

MAX_CLAIM = 5_000  # claim_reviewed
MAX_TITLE = 500  # title
MAX_NAME = 300  # publisher, claimant
MAX_RATING = 300  # rating_text
MAX_EXCERPT = 200  # Refused.excerpt


@dataclass(frozen=True)
class FactCheckRecord:
    """One fact-check published by someone, as a ClaimReview (or a row or API item shaped like one)."""

    claim_reviewed: str
    url: str  # the fact-check's page: an absolute http(s) URL
    title: str = ""
    publisher: str = ""
    publisher_url: str = ""
    claimant: str = ""  # who made the claim (itemReviewed.author), names joined with ", "
    rating_text: str = ""  # the publisher's rating as written (alternateName, else name), kept as is
    rating_value: float | None = None
    rating_best: float | None = None
    rating_worst: float | None = None
    rating_slug: str | None = None  # the desk's scale when the mapping is clear (ratings.map_rating), else None
    date_published: datetime.date | None = None
    language: str = ""  # a BCP 47 tag ("en", "pt-BR") when one is known, else ""
    image_url: str = ""
    item: dict[str, Any] = field(default_factory=dict, hash=False)  # the raw item, JSON-able


@dataclass(frozen=True)
class Refused:
    """An item that could not become a record: why (a sentence), where ("item 3", "line 12", "row 7")."""

    reason: str
    position: str
    excerpt: str = ""


Result: TypeAlias = FactCheckRecord | Refused
