"""The fact-check library's page (search and filters), and the claim page's one-click
actions on a match: cite it as evidence, or link our own earlier claim as the same claim."""

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from factcheck import contributions, roles, workflow
from factcheck.library import browse
from factcheck.models import Claim, FactCheck, Rating

PER_PAGE = 25


def _desk_member(user) -> None:
    if not roles.can_review(user):
        raise PermissionDenied("The desk is for editors and reviewers.")


def _date(value: str) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


@login_required
def library(request):
    _desk_member(request.user)
    q = request.GET.get("q", "").replace("\x00", "")[:500]
    filters = {
        "publisher": request.GET.get("publisher", "")[:300], "rating": request.GET.get("rating", "")[:50],
        "language": request.GET.get("language", "")[:20],
        "since": _date(request.GET.get("since", "")), "until": _date(request.GET.get("until", "")),
    }  # fmt: skip
    found = browse.search(q, **filters)
    page = Paginator(found, PER_PAGE).get_page(request.GET.get("page"))
    others = request.GET.copy()
    others.pop("page", None)
    context = {
        "q": q, "filters": filters, "page": page, "query": others.urlencode(), "param": "page",
        "publishers": browse.publishers(), "languages": browse.languages(), "ratings": Rating.objects.all(),
        "total": FactCheck.objects.count(),
    }  # fmt: skip
    return render(request, "factcheck/library.html", context)


@login_required
@require_POST
def claim_cite(request, pk: int):
    """Cite a fact-check from the library as evidence on the claim."""
    _desk_member(request.user)
    claim = get_object_or_404(Claim, pk=pk)
    raw = request.POST.get("fact_check", "")[:18]
    fact_check = FactCheck.objects.filter(pk=raw).first() if raw.isdigit() else None
    if fact_check is None:
        messages.error(request, "No such fact-check in the library.")
    else:
        try:
            contributions.cite_fact_check(claim, fact_check, actor=request.user)
        except workflow.WorkflowError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, f"Cited {fact_check.publisher or 'the fact-check'} as evidence.")
    return redirect("factcheck:claim", pk=claim.pk)


@login_required
@require_POST
def claim_same(request, pk: int):
    """Link an earlier claim of this desk as the same claim (or unlink with an empty value)."""
    _desk_member(request.user)
    claim = get_object_or_404(Claim, pk=pk)
    raw = request.POST.get("earlier", "")[:18]
    earlier = Claim.objects.filter(pk=raw).first() if raw.isdigit() else None
    if raw and earlier is None:
        messages.error(request, "No such claim.")
        return redirect("factcheck:claim", pk=claim.pk)
    try:
        contributions.link_same_claim(claim, earlier, actor=request.user)
    except workflow.WorkflowError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"Linked to claim #{earlier.pk}." if earlier else "Unlinked.")
    return redirect("factcheck:claim", pk=claim.pk)
