"""A claim as JSON: what the API answers and what webhooks carry, built in one place.

``claim_json`` reads only prefetched data (``factcheck.api.queries.claims_for``'s
joins, or pays a few queries). With ``public=True`` it gives the CMS's view, as
``factcheck.visibility`` defines it."""

from collections.abc import Callable
from datetime import datetime

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from factcheck import visibility
from factcheck.models import Claim, Rating, Verdict


def iso(moment: datetime | None) -> str | None:
    """ISO 8601 in the current time zone, ``Z`` for UTC (as the API's fields render it)."""
    if moment is None:
        return None
    text = (timezone.localtime(moment) if timezone.is_aware(moment) else moment).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def rating_json(rating: Rating) -> dict:
    return {
        "slug": rating.slug, "label": rating.label, "value": rating.value, "best": rating.best,
        "worst": rating.worst, "colour": rating.colour,
    }  # fmt: skip


def verdict_json(verdict: Verdict, *, public: bool) -> dict:
    def person(user) -> str | None:
        # Service accounts see no user data: names of the desk's people stay inside.
        return None if user is None or public else user.get_username()

    return {
        "revision": verdict.revision,
        "rating": rating_json(verdict.rating),
        "summary": verdict.summary,
        "media_authenticity": verdict.media_authenticity,
        "correction_reason": verdict.correction_reason,
        "author": person(verdict.author),
        "submitted_at": iso(verdict.submitted_at),
        "approved_by": person(verdict.approved_by),
        "approved_at": iso(verdict.approved_at),
    }


def claim_json(claim: Claim, *, public: bool, absolute: Callable[[str], str]) -> dict:
    """The claim as the API shows it; ``absolute`` turns a path into a full URL."""
    article, media = claim.article, claim.media
    approved = claim.approved_verdicts()
    pending = None if public else claim.pending_verdict()
    evidence = visibility.public_evidence(claim) if public else list(claim.evidence.all())
    links = {"self": absolute(reverse("api:claim-detail", args=[claim.pk]))}
    if article is not None:
        links["article"] = absolute(reverse("api:article-detail", args=[article.pk]))
    if media is not None:
        links["media"] = absolute(reverse("api:media-detail", args=[media.pk]))
    if not public:
        links["page"] = absolute(reverse("factcheck:claim", args=[claim.pk]))
    if claim.status == Claim.Status.PUBLISHED or approved:
        links["claimreview"] = absolute(reverse("api:claim-claimreview", args=[claim.pk]))
    data = {
        "id": claim.pk,
        "article": None if article is None else {
            "id": article.pk, "title": article.title, "url": article.url, "outlet": article.outlet,
            "published_at": iso(article.published_at),
        },
        "kind": claim.kind,
        "text": claim.text,
        "span": None if claim.span_start is None else {"start": claim.span_start, "end": claim.span_end},
        "attribution": claim.attribution,
        "media": None if media is None else {
            "id": media.pk, "kind": media.kind, "url": media.url, "caption": media.caption, "credit": media.credit,
            "sha256": media.sha256,
        },
        "reason": claim.reason,
        "tags": [tag.slug for tag in claim.tags.all()],
        "priority": claim.priority,
        # The CMS sees every claim it can see as published: a correction waiting for
        # approval is the desk's business until it is approved.
        "status": Claim.Status.PUBLISHED.value if public else claim.status,
        "suggested": claim.suggested,
        "checkworthiness": None if claim.score is None else {
            "score": claim.score, "band": claim.score_band, "reasons": list(claim.score_reasons or []),
        },
        "created_at": iso(claim.created_at),
        "updated_at": iso(claim.public_updated_at if public else claim.updated_at),
        "verdict": verdict_json(approved[0], public=public) if approved else None,
        "pending_verdict": None if pending is None else verdict_json(pending, public=public),
        "revisions": [verdict_json(v, public=public) for v in approved[1:]],
        "evidence": [{"url": e.url, "description": e.description, "added_at": iso(e.added_at)} for e in evidence],
        "links": links,
    }  # fmt: skip
    if public:
        for internal in visibility.DESK_ONLY_FIELDS:
            data.pop(internal)
    return data


def cms_claim(claim: Claim) -> dict:
    """The claim as the CMS sees it, outside a request: the body of its webhooks.

    A claim never published (a first verdict returned) tells the CMS only which claim it is."""
    if claim.verdict_in_force() is None:
        article = claim.article
        if article is None:
            return {"id": claim.pk, "article": None}
        return {"id": claim.pk, "article": {"id": article.pk, "url": article.url, "external_id": article.external_id}}
    return claim_json(claim, public=True, absolute=lambda path: settings.SITE_URL + path)
