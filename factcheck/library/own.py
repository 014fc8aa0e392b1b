"""This desk's published verdicts in the library: each approval writes (or, after a
correction, updates) the claim's fact-check, so the next claim like it finds it."""

from django.conf import settings
from django.utils import timezone

from factcheck.claimreview import fact_check_url
from factcheck.models import Claim, FactCheck


def record_verdict(claim: Claim) -> FactCheck | None:
    """Write the claim's verdict in force into the library (inside the approval's transaction)."""
    verdict = claim.verdicts.approved().select_related("rating").order_by("-revision").first()
    if verdict is None:
        return None
    first = claim.verdicts.approved().order_by("revision").values_list("approved_at", flat=True).first()
    article = claim.article
    fields = {
        "url": fact_check_url(claim), "claim_reviewed": claim.text, "title": article.title[:500] if article else "",
        "publisher": getattr(settings, "FACTCHECK_ORGANIZATION_NAME", "") or "Newsroom",
        "publisher_url": getattr(settings, "FACTCHECK_ORGANIZATION_URL", "") or "", "claimant": claim.attribution,
        "rating_text": verdict.rating.label, "rating_value": verdict.rating.value, "rating_best": verdict.rating.best,
        "rating_worst": verdict.rating.worst, "rating": verdict.rating,
        "date_published": timezone.localtime(first).date() if first else None,
        "language": article.language if article else "", "media": claim.media, "own": True,
        "origin": FactCheck.Origin.OWN, "updated_at": timezone.now(),
    }  # fmt: skip
    fact_check, _ = FactCheck.objects.update_or_create(claim=claim, defaults=fields)
    return fact_check
