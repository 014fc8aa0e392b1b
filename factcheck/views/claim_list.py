"""The claims page: search and filters over every claim, each person's saved views (a
shareable URL), and the same list as CSV."""

import csv

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError
from django.http import StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from factcheck import roles, selectors
from factcheck.filters import ClaimFilter
from factcheck.models import SavedView
from factcheck.views.paging import CappedPaginator

PER_PAGE = 25
CSV_LIMIT = 50_000
CSV_COLUMNS = ["id", "status", "kind", "text", "attribution", "article", "article_url", "tags", "score", "created_at"]


def _desk_member(user) -> None:
    if not roles.can_review(user):
        raise PermissionDenied("The claims page is for the desk's editors and reviewers.")


def _filtered(request) -> ClaimFilter:
    queryset = selectors.claims_for_lists().prefetch_related("tags").order_by("-created_at", "-id")
    return ClaimFilter(request.GET, queryset=queryset)


def _query(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


@login_required
def claim_list(request):
    _desk_member(request.user)
    filtered = _filtered(request)
    claims = filtered.qs if filtered.is_valid() else filtered.queryset.none()
    page = CappedPaginator(claims, PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "filter": filtered,
        "page": page,
        "query": _query(request),
        "saved": SavedView.objects.filter(owner=request.user),
    }
    return render(request, "factcheck/claim_list.html", context, status=200 if filtered.is_valid() else 400)


class SaveViewForm(forms.Form):
    name = forms.CharField(max_length=80, strip=True)
    query = forms.CharField(max_length=2000, required=False)


@login_required
@require_POST
def claim_view_save(request):
    _desk_member(request.user)
    form = SaveViewForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Give the view a name (at most 80 characters).")
        return redirect("factcheck:claims")
    name, query = form.cleaned_data["name"], form.cleaned_data["query"].lstrip("?")
    try:
        SavedView.objects.update_or_create(owner=request.user, name=name, defaults={"query": query})
    except IntegrityError:  # pragma: no cover - two saves of one name at once
        messages.error(request, "That name was just taken; try again.")
    else:
        messages.success(request, f"Saved the view “{name}”.")
    return redirect(f"{reverse('factcheck:claims')}?{query}")


@login_required
@require_POST
def claim_view_delete(request, pk: int):
    _desk_member(request.user)
    deleted, _ = SavedView.objects.filter(owner=request.user, pk=pk).delete()
    if deleted:
        messages.success(request, "View deleted.")
    else:
        messages.error(request, "No such view of yours.")
    return redirect("factcheck:claims")


class _Echo:
    def write(self, value: str) -> str:
        return value


def _rows(claims):
    writer = csv.writer(_Echo())
    yield writer.writerow(CSV_COLUMNS)
    for claim in claims.iterator(chunk_size=2000):
        article = claim.article
        yield writer.writerow(
            [
                claim.pk,
                claim.status,
                claim.kind,
                _cell(claim.text),
                _cell(claim.attribution),
                _cell(article.title) if article else "",
                article.url if article else "",
                ";".join(t.slug for t in claim.tags.all()),
                "" if claim.score is None else claim.score,
                claim.created_at.isoformat(),
            ]
        )


def _cell(text: str) -> str:
    """No formula injection when the file is opened in a spreadsheet."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


@login_required
def claim_export(request):
    _desk_member(request.user)
    filtered = _filtered(request)
    if not filtered.is_valid():
        messages.error(request, "The filters are not valid; nothing exported.")
        return redirect("factcheck:claims")
    claims = filtered.qs[:CSV_LIMIT]
    response = StreamingHttpResponse(_rows(claims), content_type="text/csv; charset=utf-8")
    stamp = timezone.now().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="claims-{stamp}.csv"'
    return response
