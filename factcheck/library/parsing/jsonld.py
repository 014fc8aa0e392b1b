"""ClaimReview JSON-LD to records: a ClaimReview, a list of them, an @graph wrapper, a DataFeed
(dataFeedElement → item(s)), nested lists, a ClaimReview nested in another node (a NewsArticle's review, a
WebPage's mainEntity), and the shapes of shapes.py. Other nodes (WebPage, Organization…) are skipped silently;
an item is refused only when it has no claim text or no URL.

Tolerated: @type as "ClaimReview", "schema:ClaimReview", "https://schema.org/ClaimReview" or a list (an untyped
node with claimReviewed counts too); references by @id to other nodes of the same document; itemReviewed as a
Claim, a CreativeWork or a string (claim text from claimReviewed, else itemReviewed's text, name or
claimReviewed); authors and claimants as a string, an object or a list; ratings as numbers, strings ("1"), empty
or -1 (→ None); relative URLs (resolved against the page's URL); inLanguage as a string or a Language object.
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from factcheck.library.parsing.dates import parse_date
from factcheck.library.parsing.languages import language_code
from factcheck.library.parsing.ratings import map_rating
from factcheck.library.parsing.records import (
    MAX_CLAIM,
    MAX_NAME,
    MAX_RATING,
    MAX_TITLE,
    FactCheckRecord,
    Refused,
    Result,
)
from factcheck.library.parsing.shapes import from_flat, from_google, is_flat, is_google_claim
from factcheck.library.parsing.text import absolute_url, clean_raw, clean_text, excerpt, number, string_of

JsonDict = dict[str, Any]
MAX_DEPTH = 40  # nesting followed in search of ClaimReviews
_REVIEW_TYPES = frozenset({"ClaimReview"})
_UNTYPED_REVIEW = frozenset({"Review", "CriticReview"})  # with claimReviewed, a ClaimReview in all but name


@dataclass(frozen=True)
class Page:
    """What the document around the JSON-LD tells: fallbacks for what a ClaimReview leaves out."""

    url: str = ""  # the page's own URL: the fact-check's URL when the ClaimReview has none
    base: str = ""  # what relative URLs resolve against (the page's URL, or its <base href>)
    title: str = ""
    language: str = ""


def records_from_jsonld(data: Any, *, base_url: str = "") -> list[Result]:
    """Records from parsed JSON-LD (an API body, a feed); ``base_url`` resolves relative URLs."""
    base = absolute_url(base_url)
    return read_jsonld(data, Page(base=base))


def read_jsonld(data: Any, page: Page, where: str = "") -> list[Result]:
    """Records from parsed JSON-LD. Positions are "item N", or ``where`` ("line 4", "block 2") with ", item N"
    when it holds more than one item."""
    ids = _Ids(data)
    found = list(_reviews(data, 0))
    results: list[Result] = []
    for number_, (node, raw) in enumerate(found, 1):
        position = where if where and len(found) == 1 else f"{where}, item {number_}" if where else f"item {number_}"
        results.append(read_node(node, raw, page, position, ids))
    return results


def _types(node: JsonDict) -> set[str]:
    kinds = node.get("@type")
    names = kinds if isinstance(kinds, list) else [kinds]
    return {re.split(r"[/#:]", name.strip())[-1] for name in names if isinstance(name, str)}


def _reviews(value: Any, depth: int) -> Iterator[tuple[JsonDict, Any]]:
    """(ClaimReview-shaped node, raw item) for every item found, in document order."""
    if depth > MAX_DEPTH:
        return
    if isinstance(value, list):
        for element in value:
            yield from _reviews(element, depth + 1)
        return
    if not isinstance(value, dict):
        return
    types = _types(value)
    if types & _REVIEW_TYPES or ("claimReviewed" in value and types <= _UNTYPED_REVIEW):
        yield value, value
    elif not types and is_google_claim(value):
        for review in value["claimReview"]:
            yield from_google(value, review), {**value, "claimReview": [review]}
    elif not types and is_flat(value):
        yield from_flat(value), value
    else:
        for key, element in value.items():
            if key != "@context" and isinstance(element, dict | list):
                yield from _reviews(element, depth + 1)


class _Ids:
    """The document's nodes by @id, indexed on the first reference that needs it."""

    def __init__(self, data: Any) -> None:
        self._data = data
        self._index: dict[str, JsonDict] | None = None

    def _build(self, value: Any, depth: int, index: dict[str, JsonDict]) -> None:
        if depth > MAX_DEPTH:
            return
        if isinstance(value, list):
            for element in value:
                self._build(element, depth + 1, index)
        elif isinstance(value, dict):
            if isinstance(value.get("@id"), str) and set(value) - {"@id", "@type"}:
                index.setdefault(value["@id"], value)
            for element in value.values():
                if isinstance(element, dict | list):
                    self._build(element, depth + 1, index)

    def deref(self, value: Any) -> Any:
        """The node a reference ({"@id": …} alone) points to, else the value; lists element by element."""
        if isinstance(value, list):
            return [self.deref(element) for element in value[:50]]
        if isinstance(value, dict) and isinstance(value.get("@id"), str) and not set(value) - {"@id", "@type"}:
            if self._index is None:
                self._index = {}
                self._build(self._data, 0, self._index)
            return self._index.get(value["@id"], value)
        return value


def _entities(value: Any, ids: _Ids) -> list[Any]:
    """Strings and objects in a property that holds one, or a list (flattened, references followed)."""
    value = ids.deref(value)
    if isinstance(value, list):
        return [entity for element in value for entity in _entities(element, ids)]
    return [value] if isinstance(value, str | dict) else []


def _name(entity: Any) -> str:
    if isinstance(entity, dict):
        return clean_text(entity.get("name") or entity.get("legalName") or entity.get("alternateName"), MAX_NAME)
    return clean_text(entity, MAX_NAME)


def _is_organisation(entity: Any) -> bool:
    return isinstance(entity, dict) and any("Organization" in kind or kind == "NGO" for kind in _types(entity))


def _publisher(node: JsonDict, ids: _Ids, base: str) -> tuple[str, str]:
    """(name, URL) of the fact-checker: an Organization among the authors, else the publisher, else the first
    author."""
    authors = [(entity, name) for entity in _entities(node.get("author"), ids) if (name := _name(entity))]
    publishers = [(entity, name) for entity in _entities(node.get("publisher"), ids) if (name := _name(entity))]
    organisations = [(entity, name) for entity, name in authors if _is_organisation(entity)]
    chosen, name = (organisations or publishers or authors or [(None, "")])[0]
    url = absolute_url(_url_text(chosen.get("url")), base) if isinstance(chosen, dict) else ""
    return name, url


def _claimant(item_reviewed: Any, ids: _Ids) -> str:
    if not isinstance(item_reviewed, dict):
        return ""
    entities = _entities(item_reviewed.get("author") or item_reviewed.get("creator"), ids)
    names = list(dict.fromkeys(name for name in map(_name, entities) if name))
    return clean_text(", ".join(names), MAX_NAME)


def _claim_text(node: JsonDict, item_reviewed: Any) -> str:
    text = clean_text(node.get("claimReviewed"), MAX_CLAIM)
    if text or item_reviewed is None:
        return text
    if not isinstance(item_reviewed, dict):
        return clean_text(item_reviewed, MAX_CLAIM)
    for key in ("text", "name", "claimReviewed", "headline"):
        if text := clean_text(item_reviewed.get(key), MAX_CLAIM):
            return text
    return ""


def _url_text(value: Any) -> str:
    if isinstance(value, dict):
        value = value.get("@id") or value.get("url")
    elif isinstance(value, list):
        value = next((_url_text(element) for element in value if _url_text(element)), "")
    return clean_text(value) if isinstance(value, str) else ""


def _review_url(node: JsonDict, page: Page) -> tuple[str, str]:
    """(URL, "") or ("", why there is none)."""
    given = _url_text(node.get("url")) or _url_text(node.get("mainEntityOfPage"))
    if given and (url := absolute_url(given, page.base)):
        return url, ""
    if page.url:
        return page.url, ""
    if identifier := absolute_url(node.get("@id")):  # "https://…/page#claimreview"; blank nodes are no URL
        return identifier.split("#", 1)[0], ""
    if given:
        why = f"The item's URL {given[:100]!r} is not an absolute http(s) URL, and there is no page URL to resolve it "
        return "", why + "against."
    return "", "The item has no URL of the fact-check (url), and there is no page URL to fall back on."


def _image(node: JsonDict, ids: _Ids, base: str) -> str:
    for entity in _entities(node.get("image") or node.get("thumbnailUrl"), ids):
        target = entity.get("url") or entity.get("contentUrl") if isinstance(entity, dict) else entity
        if url := absolute_url(target, base):
            return url
    return ""


def read_node(node: JsonDict, raw: Any, page: Page, position: str, ids: _Ids | None = None) -> Result:
    """One record from a ClaimReview-shaped node, or the refusal."""
    ids = ids or _Ids(node)
    items_reviewed = _entities(node.get("itemReviewed"), ids)
    item_reviewed = items_reviewed[0] if items_reviewed else None
    claim = _claim_text(node, item_reviewed)
    if not claim:
        reason = "The item has no claim text (claimReviewed, itemReviewed's text or name, or a claim column)."
        return Refused(reason, position, excerpt(raw))
    url, problem = _review_url(node, page)
    if problem:
        return Refused(problem, position, excerpt(raw))
    ratings = _entities(node.get("reviewRating"), ids)
    rating = ratings[0] if ratings else {}
    if isinstance(rating, dict):
        texts = (rating.get(key) for key in ("alternateName", "name", "textualRating"))
        rating_text = next((text for text in (clean_text(value, MAX_RATING) for value in texts) if text), "")
        value, best, worst = (number(rating.get(key)) for key in ("ratingValue", "bestRating", "worstRating"))
    else:
        rating_text, value, best, worst = clean_text(rating, MAX_RATING), None, None, None
    language = language_code(node.get("inLanguage")) or page.language
    publisher, publisher_url = _publisher(node, ids, page.base)
    return FactCheckRecord(
        claim_reviewed=claim,
        url=url,
        title=clean_text(node.get("name") or node.get("headline"), MAX_TITLE) or page.title,
        publisher=publisher,
        publisher_url=publisher_url,
        claimant=_claimant(item_reviewed, ids),
        rating_text=rating_text,
        rating_value=value,
        rating_best=best,
        rating_worst=worst,
        rating_slug=map_rating(rating_text, value, best, worst),
        date_published=parse_date(string_of(node.get("datePublished")) or node.get("dateCreated"), language),
        language=language,
        image_url=_image(node, ids, page.base),
        item=raw_item(raw),
    )


def raw_item(raw: Any) -> JsonDict:
    """The raw item as kept on the record: a JSON-able dict."""
    cleaned = clean_raw(raw)
    return cleaned if isinstance(cleaned, dict) else {"value": cleaned}
