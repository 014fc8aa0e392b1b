"""schema.org ClaimReview (and MediaReview) JSON-LD for published verdicts.

Fields follow Google's fact-check markup: ``claimReviewed``, ``reviewRating``
(``alternateName`` always; ``ratingValue``/``bestRating``/``worstRating`` when
the rating is on the truth scale), ``url``, ``author``, ``datePublished``
(first approval; ``dateModified`` once corrected) and ``itemReviewed``, a Claim
with its ``author``, ``datePublished`` and ``appearance`` (the article).
``firstAppearance`` is left out: the desk knows where the claim was reported,
not where it was first made (a quote reported by CNN first appeared in a tweet).

A published verdict is an approved revision; a correction that waits for
approval leaves the last approved one in force. Pure functions: the only
database reads are ``claim.verdicts.all()``, ``claim.article`` and
``claim.media``, none when a queryset went through ``with_review_data``.
"""

import re
from collections.abc import Iterable
from datetime import datetime

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from factcheck.models import Claim, Verdict

CONTEXT = "https://schema.org"
MEDIA_KINDS = (Claim.Kind.IMAGE, Claim.Kind.VIDEO)
MEDIA_TYPES: dict[str, str] = {Claim.Kind.IMAGE: "ImageObject", Claim.Kind.VIDEO: "VideoObject"}
MEDIA_PROPERTIES: dict[str, str] = {Claim.Kind.IMAGE: "image", Claim.Kind.VIDEO: "video"}

# What claimreview_feed reads from each claim, so that it runs no query per claim.
FEED_SELECT_RELATED = ("article", "media")
FEED_PREFETCH_RELATED = ("verdicts__rating",)

# Words that make an attribution an organisation rather than a person.
_ORGANISATION = re.compile(
    r"\b(?:ministry|government|party|front|council|army|forces|police|agency|department|office|committee|"
    r"union|association|organi[sz]ation|institute|university|company|corporation|inc|ltd|group|movement|"
    r"alliance|coalition|commission|taliban|news|network|court|parliament|senate|congress|embassy)\b",
    re.IGNORECASE,
)
_ACRONYM = re.compile(r"^[A-Z][A-Z0-9&.-]+$")


class NotPublished(ValueError):
    """The claim has no approved verdict (or the verdict given is not approved)."""


def with_review_data(claims: QuerySet[Claim]) -> QuerySet[Claim]:
    """The related rows every function here reads, fetched in a fixed number of queries."""
    return claims.select_related(*FEED_SELECT_RELATED).prefetch_related(*FEED_PREFETCH_RELATED)


def _setting(name: str, default: str) -> str:
    return getattr(settings, name, "") or default


def fact_check_url(claim: Claim) -> str:
    """The public page of the claim's fact-check: FACTCHECK_PUBLIC_URL + FACTCHECK_URL_TEMPLATE."""
    base = _setting("FACTCHECK_PUBLIC_URL", _setting("SITE_URL", "")).rstrip("/")
    path = _setting("FACTCHECK_URL_TEMPLATE", "/claims/{id}/").format(id=claim.pk)
    return f"{base}/{path.lstrip('/')}"


def _date(moment: datetime) -> str:
    return timezone.localtime(moment).date().isoformat() if timezone.is_aware(moment) else moment.date().isoformat()


def _approved(claim: Claim) -> list[Verdict]:
    """Approved revisions, oldest first (the model's rule, which reads the prefetch)."""
    return claim.approved_verdicts()[::-1]


def _published(claim: Claim, verdict: Verdict | None) -> tuple[Verdict, list[Verdict]]:
    approved = _approved(claim)
    if verdict is None:
        if not approved:
            raise NotPublished(f"Claim #{claim.pk} has no published verdict.")
        return approved[-1], approved
    if verdict.claim_id != claim.pk:
        raise ValueError(f"Verdict #{verdict.pk} belongs to claim #{verdict.claim_id}, not #{claim.pk}.")
    if verdict.approved_at is None:
        raise NotPublished(f"Revision {verdict.revision} of claim #{claim.pk} was never approved.")
    return verdict, approved


def _organisation() -> dict:
    organisation = {"@type": "Organization", "name": _setting("FACTCHECK_ORGANIZATION_NAME", "Newsroom")}
    if url := _setting("FACTCHECK_ORGANIZATION_URL", _setting("SITE_URL", "")):
        organisation["url"] = url
    return organisation


def claim_author(attribution: str) -> dict | None:
    """Person or Organization from a free-text attribution (a heuristic).

    "Zabihullah Mujahid, Taliban spokesman" -> Person "Zabihullah Mujahid" (jobTitle
    "Taliban spokesman"); "the NRF" -> Organization "NRF"; a generic group
    ("officials", "the group") or an empty attribution -> None."""
    name, _, role = (part.strip() for part in attribution.partition(","))
    name = re.sub(r"^the\s+", "", " ".join(name.split()), flags=re.IGNORECASE)
    if not name or not name[0].isupper():
        return None
    if _ACRONYM.match(name) or _ORGANISATION.search(name):
        return {"@type": "Organization", "name": name}
    person = {"@type": "Person", "name": name}
    if role:
        person["jobTitle"] = role
    return person


def _appearance(claim: Claim) -> dict | None:
    """Where the claim appeared: its article, or where a photo sent on its own was seen."""
    article = claim.article
    if article is None:
        source = claim.media.source_url if claim.media is not None else ""
        return {"@type": "CreativeWork", "url": source} if source else None
    work: dict = {"@type": "CreativeWork", "headline": article.title}
    if article.url:
        work["url"] = article.url
    if article.outlet:
        work["publisher"] = {"@type": "Organization", "name": article.outlet}
    return work


def _first_seen(claim: Claim) -> datetime:
    if claim.article is not None:
        return claim.article.published_at or claim.article.created_at
    return claim.media.created_at if claim.media is not None else claim.created_at


def _media_kind(claim: Claim) -> str:
    return claim.media.kind if claim.media is not None else claim.kind


def _media_object(claim: Claim, *, with_article: bool) -> dict:
    """ImageObject/VideoObject of an image or video claim's media."""
    media = claim.media if claim.media_id else None
    item: dict = {"@type": MEDIA_TYPES[_media_kind(claim)]}
    if media is not None and media.url:
        item["contentUrl"] = media.url
    if media is not None and media.sha256:
        item["sha256"] = media.sha256  # MediaObject's sha256: the exact file the verdict is about
    if media is not None and media.caption:
        item["caption"] = media.caption
    if with_article and (appearance := _appearance(claim)):
        item["isPartOf"] = appearance
    return item


def _review_id(claim: Claim, kind: str) -> str:
    return f"{fact_check_url(claim)}#{kind}"


def _has_media_review(claim: Claim, verdict: Verdict) -> bool:
    return claim.kind in MEDIA_KINDS and bool(verdict.media_authenticity)


def _dates(verdict: Verdict, approved: list[Verdict]) -> dict:
    first = approved[0] if approved else verdict
    assert first.approved_at is not None and verdict.approved_at is not None  # _published checked both
    dates = {"datePublished": _date(first.approved_at)}
    if verdict.revision != first.revision:
        dates["dateModified"] = _date(verdict.approved_at)
    return dates


def _rating(verdict: Verdict) -> dict:
    rating = verdict.rating
    node: dict = {"@type": "Rating", "alternateName": rating.label}
    if rating.value is not None:
        node.update(ratingValue=rating.value, bestRating=rating.best, worstRating=rating.worst)
    return node


def claim_review(claim: Claim, verdict: Verdict | None = None) -> dict:
    """schema.org ClaimReview of the claim's published verdict (the latest approved
    revision unless one is given). Raises NotPublished if there is none."""
    verdict, approved = _published(claim, verdict)
    item: dict = {"@type": "Claim"}
    if author := claim_author(claim.attribution):
        item["author"] = author
    item["datePublished"] = _date(_first_seen(claim))
    if appearance := _appearance(claim):
        item["appearance"] = appearance
    if claim.kind in MEDIA_KINDS:
        media = _media_object(claim, with_article=False)
        if len(media) > 1:  # only when the media has a URL or a caption
            item[MEDIA_PROPERTIES[_media_kind(claim)]] = media
    review = {
        "@context": CONTEXT,
        "@type": "ClaimReview",
        "@id": _review_id(claim, "claimreview"),
        "url": fact_check_url(claim),
        "claimReviewed": claim.text,
        "author": _organisation(),
        **_dates(verdict, approved),
        "reviewRating": _rating(verdict),
        "itemReviewed": item,
    }
    if _has_media_review(claim, verdict):
        review["associatedMediaReview"] = {"@id": _review_id(claim, "mediareview")}
    return review


def media_review(claim: Claim, verdict: Verdict | None = None) -> dict | None:
    """schema.org MediaReview (a pending type) for an image or video claim whose
    published verdict has a media authenticity category; else None.
    Raises NotPublished like claim_review."""
    verdict, approved = _published(claim, verdict)
    if not _has_media_review(claim, verdict):
        return None
    # mediaItemAppearance expects a MediaObject: the photo or video itself, with
    # its contentUrl when known and always the article it appeared in.
    appearance = _media_object(claim, with_article=True)
    return {
        "@context": CONTEXT,
        "@type": "MediaReview",
        "@id": _review_id(claim, "mediareview"),
        "url": fact_check_url(claim),
        "author": _organisation(),
        **_dates(verdict, approved),
        "mediaAuthenticityCategory": f"{CONTEXT}/{verdict.media_authenticity}",
        "originalMediaContextDescription": verdict.summary,
        "itemReviewed": {"@type": "MediaReviewItem", "mediaItemAppearance": [appearance]},
        "associatedClaimReview": {"@id": _review_id(claim, "claimreview")},
    }


def _nodes(claim: Claim, verdict: Verdict | None = None) -> list[dict]:
    nodes = [claim_review(claim, verdict), media_review(claim, verdict)]
    return [{k: v for k, v in node.items() if k != "@context"} for node in nodes if node is not None]


def review_graph(claim: Claim, verdict: Verdict | None = None) -> dict:
    """Always ``{"@context": "https://schema.org", "@graph": [ClaimReview, MediaReview?]}``:
    the MediaReview follows when media_review gives one. Raises NotPublished."""
    return {"@context": CONTEXT, "@graph": _nodes(claim, verdict)}


def claimreview_feed(claims: Iterable[Claim]) -> dict:
    """``{"@context": "https://schema.org", "@graph": [...]}`` with each given claim's
    ClaimReview (and MediaReview), in the order given; claims without a published
    verdict are left out. Runs no query per claim when the claims come from
    ``with_review_data`` (select_related article, media; prefetch verdicts__rating)."""
    graph: list[dict] = []
    for claim in claims:
        try:
            graph.extend(_nodes(claim))
        except NotPublished:
            continue
    return {"@context": CONTEXT, "@graph": graph}
