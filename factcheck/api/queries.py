"""The querysets behind the API, each with the joins its serializer reads,
so a page costs the same number of queries at 1 and at 200 claims."""

from django.db.models import Prefetch, QuerySet

from factcheck import visibility
from factcheck.models import Article, Claim, Evidence, Verdict


def claims_for(user) -> QuerySet[Claim]:
    """Claims this account may see (``factcheck.visibility``), with what their JSON reads."""
    verdicts = Verdict.objects.select_related("rating", "author", "approved_by")
    queryset = Claim.objects.select_related("article", "media").prefetch_related(
        Prefetch("verdicts", queryset=verdicts),
        Prefetch("evidence", queryset=Evidence.objects.order_by("added_at", "id")),
        "tags",
    )
    return visibility.claims_visible_to(user, queryset)


def articles_for(user, *, with_claims: bool = False) -> QuerySet[Article]:
    queryset = Article.objects.all()
    if with_claims:
        claims = claims_for(user).order_by("span_start", "id")
        queryset = queryset.prefetch_related("media", Prefetch("claims", queryset=claims))
    return queryset
