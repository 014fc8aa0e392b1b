"""Reads: the querysets behind the desk's queues and pages, each built once
with the joins its page needs."""

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from factcheck.models import Assignment, Claim, Event, Verdict

S = Claim.Status


def claims_for_lists() -> QuerySet[Claim]:
    open_assignments = Assignment.objects.filter(done_at__isnull=True).select_related("reviewer")
    return Claim.objects.select_related("article", "media").prefetch_related(
        Prefetch("assignments", queryset=open_assignments, to_attr="open_assignments")
    )


def editor_queues() -> dict[str, QuerySet[Claim]]:
    return {
        "suggested": claims_for_lists().filter(status=S.SUGGESTED),
        "flagged": claims_for_lists().filter(status=S.FLAGGED),
        "submitted": claims_for_lists().filter(status=S.SUBMITTED),
        "overdue": overdue_claims(),
    }


def reviewer_queues(user) -> dict[str, QuerySet[Claim]]:
    mine = claims_for_lists().filter(assignments__reviewer=user, assignments__done_at__isnull=True)
    returned_ids = Event.objects.filter(action="return", to_status=S.ASSIGNED).values("claim_id")
    return {
        "assigned": mine.filter(status=S.ASSIGNED).order_by("assignments__due_at", "id"),
        "returned": mine.filter(status=S.ASSIGNED, pk__in=returned_ids),
        "published": claims_for_lists().filter(status=S.PUBLISHED, verdicts__author=user).distinct(),
    }


def overdue_claims() -> QuerySet[Claim]:
    overdue = Assignment.objects.filter(done_at__isnull=True, due_at__lt=timezone.now()).values("claim_id")
    return claims_for_lists().filter(status=S.ASSIGNED, pk__in=overdue)


def claim_detail(pk: int) -> Claim:
    return (
        Claim.objects.select_related("article", "media", "created_by")
        .prefetch_related(
            Prefetch("verdicts", queryset=Verdict.objects.select_related("rating", "author", "approved_by")),
            Prefetch("events", queryset=Event.objects.select_related("actor")),
            Prefetch("assignments", queryset=Assignment.objects.select_related("reviewer", "assigned_by")),
            "evidence",
        )
        .get(pk=pk)
    )
