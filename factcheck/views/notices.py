"""The bell: a person's notices (workflow events and mentions), the unread count the page's
script shows beside the bell, and marking them read."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from factcheck import roles
from factcheck.models import Notice
from factcheck.notifications import notices


def _desk_member(user) -> None:
    if not roles.can_review(user):
        raise PermissionDenied("Notices are for the desk's editors and reviewers.")


@login_required
def notice_list(request):
    _desk_member(request.user)
    mine = Notice.objects.filter(recipient=request.user).select_related("claim")
    page = Paginator(mine, 30).get_page(request.GET.get("page"))
    return render(request, "factcheck/notices.html", {"page": page, "unread": notices.unread_count(request.user)})


@never_cache
@login_required
def notice_count(request):
    _desk_member(request.user)
    return JsonResponse({"unread": notices.unread_count(request.user)})


@login_required
@require_POST
def notice_read(request):
    _desk_member(request.user)
    raw = request.POST.getlist("notice")
    ids = [int(x) for x in raw if x.isdigit() and len(x) <= 12] if raw else None
    notices.mark_read(request.user, ids)
    return redirect("factcheck:notices")
