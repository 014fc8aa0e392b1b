"""The desk (home page) and the health check."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from factcheck import roles, selectors
from factcheck.forms.claims import reviewer_choices

PER_PAGE = 10


@login_required
def desk(request):
    if roles.is_cms(request.user):
        return render(request, "factcheck/cms_home.html")  # a service account: where the API is, how to get a token
    if not roles.can_review(request.user):
        raise PermissionDenied("The desk is for editors and reviewers.")
    editor = roles.is_editor(request.user)
    queues = selectors.editor_queues() if editor else {}
    if not editor or roles.is_reviewer(request.user):
        queues.update(selectors.reviewer_queues(request.user))
    panels = []
    for name, queryset in queues.items():
        param = f"{name}-page"
        page = Paginator(queryset, PER_PAGE).get_page(request.GET.get(param))
        others = request.GET.copy()
        others.pop(param, None)  # the other queues keep their pages
        panel = {
            "name": name,
            "param": param,
            "query": others.urlencode(),
            "title": selectors.QUEUE_TITLES[name],
            "page": page,
        }
        panels.append({**panel, "count": page.paginator.count})
    context = {"panels": panels, "editor": editor, "reviewers": reviewer_choices() if editor else []}
    return render(request, "factcheck/desk.html", context)


@never_cache
def healthz(request):
    """Liveness and database check for load balancers (no login, no redirect)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as exc:  # noqa: BLE001 - any database failure means unhealthy
        return JsonResponse({"status": "error", "database": exc.__class__.__name__}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})
