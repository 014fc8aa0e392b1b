"""Items that are not schema.org ClaimReview but say the same, made ClaimReview-shaped so that one reader
(jsonld.read_node) handles them all:

- a flat row, the shape of the desk's CSV files (columns claim, rating, url, publisher, date, title, language;
  optional claimant, publisher_url, image_url; the usual other spellings of each accepted, see COLUMN_ALIASES);
- a claim of Google's Fact Check Tools API (claims:search): {"text", "claimant", "claimDate", "claimReview":
  [{"publisher": {"name", "site"}, "url", "title", "reviewDate", "textualRating", "languageCode"}]}.
"""

import re
from typing import Any

COLUMNS = ("claim", "rating", "url", "publisher", "date", "title", "language")
OPTIONAL_COLUMNS = ("claimant", "publisher_url", "image_url")
COLUMN_ALIASES: dict[str, tuple[str, ...]] = {
    "claim": ("claim", "claim reviewed", "claimreviewed", "claim text", "claim_text"),
    "rating": ("rating", "verdict", "textual rating", "textualrating", "rating text", "review rating"),
    "url": ("url", "link", "review url", "fact check url", "factcheck url", "review_url"),
    "publisher": ("publisher", "author", "organisation", "organization", "fact checker", "factchecker"),
    "date": ("date", "date published", "datepublished", "review date", "reviewdate", "published"),
    "title": ("title", "headline", "name"),
    "language": ("language", "lang", "inlanguage", "language code", "languagecode", "locale"),
    "claimant": ("claimant", "claim author", "said by", "speaker"),
    "publisher_url": ("publisher url", "publisher site", "site"),
    "image_url": ("image url", "image"),
}
_COLUMN_OF = {
    " ".join(re.sub(r"[\W_]+", " ", alias.lower()).split()): column
    for column, aliases in COLUMN_ALIASES.items()
    for alias in aliases
}

JsonDict = dict[str, Any]


def column_of(header: Any) -> str | None:
    """The desk's column a header names (case, spaces, underscores and a BOM aside), else None."""
    if not isinstance(header, str):
        return None
    return _COLUMN_OF.get(" ".join(re.sub(r"[\W_]+", " ", header.replace("\ufeff", "").lower()).split()))


def flat_fields(row: JsonDict) -> dict[str, Any]:
    """A row's known columns under the desk's names (the first of two spellings wins)."""
    fields: dict[str, Any] = {}
    for header, value in row.items():
        column = column_of(header)
        if column and column not in fields:
            fields[column] = value
    return fields


def is_flat(node: JsonDict) -> bool:
    """An untyped object with a claim column: a row of the desk's CSV shape, given as JSON."""
    return any(column_of(key) == "claim" for key in node)


def from_flat(row: JsonDict) -> JsonDict:
    """A ClaimReview-shaped node from a flat row."""
    fields = flat_fields(row)
    return {
        "claimReviewed": fields.get("claim"),
        "url": fields.get("url"),
        "name": fields.get("title"),
        "author": {"name": fields.get("publisher"), "url": fields.get("publisher_url")},
        "reviewRating": {"alternateName": fields.get("rating")},
        "datePublished": fields.get("date"),
        "inLanguage": fields.get("language"),
        "image": fields.get("image_url"),
        "itemReviewed": {"author": fields.get("claimant")},
    }


def is_google_claim(node: JsonDict) -> bool:
    """A claim of the Fact Check Tools API: claim text and a list of reviews."""
    return isinstance(node.get("claimReview"), list) and ("text" in node or "claimant" in node)


def from_google(claim: JsonDict, review: Any) -> JsonDict:
    """A ClaimReview-shaped node from one review of a Fact Check Tools API claim."""
    review = review if isinstance(review, dict) else {}
    publisher = review.get("publisher") if isinstance(review.get("publisher"), dict) else {}
    site = publisher.get("site")
    if isinstance(site, str) and site.strip() and "://" not in site:
        site = "https://" + site.strip().lstrip("/")
    return {
        "claimReviewed": claim.get("text"),
        "url": review.get("url"),
        "name": review.get("title"),
        "author": {"name": publisher.get("name"), "url": site},
        "reviewRating": {"alternateName": review.get("textualRating")},
        "datePublished": review.get("reviewDate"),
        "inLanguage": review.get("languageCode"),
        "itemReviewed": {"author": claim.get("claimant"), "datePublished": claim.get("claimDate")},
    }
