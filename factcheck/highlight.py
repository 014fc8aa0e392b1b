"""An article's text cut into paragraphs and segments, each segment knowing
the claims whose spans cover it, so pages can highlight claims in place and
map a selection back to character offsets."""

import re
from dataclasses import dataclass, field

from factcheck.models import Claim

_LINE = re.compile(r"[^\n]+")


def _width(claim: Claim) -> int:
    assert claim.span_start is not None and claim.span_end is not None  # segments only hold spanned claims
    return claim.span_end - claim.span_start


@dataclass
class Segment:
    start: int
    text: str
    claims: list[Claim] = field(default_factory=list)

    @property
    def top_claim(self) -> Claim | None:
        """The narrowest covering claim decides the colour."""
        return min(self.claims, key=_width) if self.claims else None


@dataclass
class Paragraph:
    index: int
    start: int
    end: int
    text: str
    segments: list[Segment]


def paragraphs(body: str, claims) -> list[Paragraph]:
    spanned = [c for c in claims if c.span_start is not None and c.span_end is not None]
    result = []
    for index, match in enumerate(_LINE.finditer(body)):
        start, end = match.span()
        if not match.group().strip():
            continue
        inside = [c for c in spanned if c.span_start < end and c.span_end > start]
        cuts = sorted({start, end} | {min(max(p, start), end) for c in inside for p in (c.span_start, c.span_end)})
        segments = [
            Segment(a, body[a:b], [c for c in inside if c.span_start <= a and c.span_end >= b])
            for a, b in zip(cuts, cuts[1:], strict=False)
            if b > a
        ]
        result.append(Paragraph(index, start, end, match.group(), segments))
    return result


def paragraph_span(body: str, start: int, end: int, words: str) -> tuple[int, int] | None:
    """The span of ``words`` inside body[start:end] (the whole paragraph when
    empty); None when the words are not in that paragraph."""
    words = (words or "").strip()
    if not words:
        text = body[start:end]
        lead = len(text) - len(text.lstrip())
        return start + lead, start + len(text.rstrip())
    found = body.find(words, start, end)
    return (found, found + len(words)) if found >= 0 else None
