"""Reads: the querysets behind the desk's queues and pages, each built once
with the joins its page needs, so a page's query count does not grow with
its rows."""

from django.db.models import Count, F, OuterRef, Prefetch, QuerySet, Subquery
from django.db.models.functions import Coalesce

from factcheck.models import Action, Article, Assignment, Claim, ClaimMatch, Comment, Event, Verdict
from factcheck.models.claims import ClaimQuerySet

S = Claim.Status
CLOSED_STATUSES = (S.PUBLISHED, S.DISMISSED)
OPEN_STATUSES = [status for status in S if status not in CLOSED_STATUSES]
QUEUE_TITLES = {
    "suggested": "Suggested claims to triage",
    "flagged": "Flagged, waiting for a reviewer",
    "submitted": "Verdicts waiting for approval",
    "overdue": "Overdue assignments",
    "on_hold": "On hold",
    "assigned": "My assignments, by due date",
    "waiting": "My verdicts waiting for approval",
    "returned": "Returned to me",
    "published": "Published recently",
}


def claims_for_lists() -> ClaimQuerySet:
    open_assignments = Assignment.objects.filter(done_at__isnull=True).select_related("reviewer")
    return Claim.objects.select_related("article", "media").prefetch_related(
        Prefetch("assignments", queryset=open_assignments, to_attr="open_assignments")
    )


def editor_queues() -> dict[str, QuerySet[Claim]]:
    first_due = Assignment.objects.filter(claim=OuterRef("pk"), done_at__isnull=True).order_by("due_at")
    return {
        "suggested": claims_for_lists()
        .filter(status=S.SUGGESTED)
        .prefetch_related(_stored_matches())
        # Grouped by article (the newest first), best suggestions first within each.
        .order_by(F("article__created_at").desc(nulls_last=True), "article_id", F("score").desc(nulls_last=True), "id"),
        "flagged": claims_for_lists().filter(status=S.FLAGGED).order_by("-priority", "created_at", "id"),
        "submitted": claims_for_lists().filter(status=S.SUBMITTED).order_by("updated_at", "id"),
        "overdue": claims_for_lists()
        .overdue()
        .annotate(first_due=Subquery(first_due.values("due_at")[:1]))
        .order_by("first_due", "id"),
        "on_hold": claims_for_lists().filter(status=S.ON_HOLD).order_by("updated_at", "id"),
    }


def reviewer_queues(user) -> dict[str, QuerySet[Claim]]:
    mine = Assignment.objects.filter(reviewer=user, done_at__isnull=True)
    my_due = mine.filter(claim=OuterRef("pk")).values("due_at")[:1]
    assigned = claims_for_lists().filter(status=S.ASSIGNED, pk__in=mine.values("claim_id"))
    # Returned while I held the assignment (not before I was added).
    returned = Event.objects.filter(
        action=Action.RETURN,
        to_status=S.ASSIGNED,
        at__gte=Subquery(mine.filter(claim=OuterRef("claim_id")).values("assigned_at")[:1]),
    ).values("claim_id")
    written = Verdict.objects.filter(author=user).values("claim_id")
    waiting = Verdict.objects.pending().filter(author=user).values("claim_id")
    return {
        "assigned": assigned.annotate(my_due=Subquery(my_due)).order_by("my_due", "id"),
        "waiting": claims_for_lists().filter(status=S.SUBMITTED, pk__in=waiting).order_by("updated_at", "id"),
        "returned": assigned.filter(pk__in=returned).order_by("-updated_at", "-id"),
        "published": claims_for_lists().filter(status=S.PUBLISHED, pk__in=written).order_by("-updated_at", "-id"),
    }


def articles_for_list() -> QuerySet[Article]:
    # A subquery per article shown (25 a page), not a count grouped over every claim (issue 14).
    open_claims = (
        Claim.objects.filter(article=OuterRef("pk"), status__in=OPEN_STATUSES)
        .order_by()
        .values("article")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Article.objects.annotate(open_claims=Coalesce(Subquery(open_claims), 0)).order_by("-created_at", "-id")


def article_detail(pk: int) -> Article:
    claims = Claim.objects.exclude(status=S.DISMISSED).select_related("media").order_by("span_start", "id")
    claims = claims.prefetch_related(_stored_matches())
    return Article.objects.prefetch_related(Prefetch("claims", queryset=claims), "media").get(pk=pk)


def _stored_matches() -> Prefetch:
    """The library's best matches kept for each claim (computed in the background)."""
    return Prefetch("matches", queryset=ClaimMatch.objects.select_related("fact_check__rating"), to_attr="checked")


def claim_detail(pk: int) -> Claim:
    return (
        Claim.objects.select_related("article", "media", "created_by")
        .prefetch_related(
            Prefetch("verdicts", queryset=Verdict.objects.select_related("rating", "author", "approved_by")),
            Prefetch("events", queryset=Event.objects.select_related("actor")),
            Prefetch("assignments", queryset=Assignment.objects.select_related("reviewer", "assigned_by")),
            Prefetch("comments", queryset=Comment.objects.select_related("author")),
            "evidence__added_by",
            "tags",
        )
        .get(pk=pk)
    )
