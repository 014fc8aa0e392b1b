"""A claim as JSON: what the API answers and what webhooks carry, built in one place.

``claim_json`` turns one claim read through the ORM (with ``factcheck.api.queries.claims_for``'s
joins, or paying a few queries) into the rows ``factcheck.export`` builds every claim's JSON from,
the list's included. With ``public=True`` it gives the CMS's view, as ``factcheck.visibility``
defines it."""

from collections.abc import Callable

from factcheck import export
from factcheck.export import iso, rating_json
from factcheck.models import Claim, Verdict

__all__ = ["claim_json", "cms_claim", "iso", "rating_json", "verdict_json"]


def _verdict_row(verdict: Verdict) -> dict:
    author, approver = verdict.author, verdict.approved_by
    return {
        "claim_id": verdict.claim_id, "revision": verdict.revision, "rating_id": verdict.rating_id,
        **{f"rating__{name}": value for name, value in rating_json(verdict.rating).items()},
        "summary": verdict.summary, "media_authenticity": verdict.media_authenticity,
        "correction_reason": verdict.correction_reason,
        "author__username": None if author is None else author.get_username(),
        "submitted_at": verdict.submitted_at,
        "approved_by__username": None if approver is None else approver.get_username(),
        "approved_at": verdict.approved_at, "returned_at": verdict.returned_at,
    }  # fmt: skip


def _claim_row(claim: Claim) -> dict:
    row = {name: getattr(claim, name) for name in export.CLAIM_FIELDS if "__" not in name}
    article, media = claim.article, claim.media
    for name in ("title", "url", "outlet", "published_at"):
        row[f"article__{name}"] = None if article is None else getattr(article, name)
    for name in ("kind", "url", "caption", "credit", "sha256"):
        row[f"media__{name}"] = None if media is None else getattr(media, name)
    return row


def verdict_json(verdict: Verdict, *, public: bool) -> dict:
    return export.Builder(public=public, absolute=str).verdict(_verdict_row(verdict))


def claim_json(claim: Claim, *, public: bool, absolute: Callable[[str], str]) -> dict:
    """The claim as the API shows it; ``absolute`` turns a path into a full URL."""
    verdicts = list(claim.verdicts.all())
    builder = export.Builder(public=public, absolute=absolute)
    evidence = [
        {"claim_id": e.claim_id, "url": e.url, "description": e.description, "added_at": e.added_at}
        for e in claim.evidence.all()
    ]
    tags = [tag.slug for tag in claim.tags.all()]
    return builder.claim(_claim_row(claim), [_verdict_row(v) for v in verdicts], evidence, tags)


def cms_claim(claim: Claim) -> dict:
    """The claim as the CMS sees it, outside a request: the body of its webhooks.

    A claim never published (a first verdict returned) tells the CMS only which claim it is."""
    if claim.verdict_in_force() is None:
        article = claim.article
        if article is None:
            return {"id": claim.pk, "article": None}
        return {"id": claim.pk, "article": {"id": article.pk, "url": article.url, "external_id": article.external_id}}
    return claim_json(claim, public=True, absolute=export.site_absolute)
