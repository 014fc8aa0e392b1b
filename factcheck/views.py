from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from factcheck import roles, selectors
from factcheck.models import Claim


@login_required
def desk(request):
    if roles.is_editor(request.user):
        queues = selectors.editor_queues()
    else:
        queues = selectors.reviewer_queues(request.user)
    panels = [(name, qs.count(), list(qs[:10])) for name, qs in queues.items()]
    return render(request, "factcheck/desk.html", {"panels": panels})


@login_required
def claim(request, pk: int):
    try:
        claim = selectors.claim_detail(pk)
    except Claim.DoesNotExist:
        raise Http404("No such claim.") from None
    return render(request, "factcheck/claim.html", {"claim": claim})


@never_cache
def healthz(request):
    """Liveness and database check for load balancers (no login, no redirect)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as exc:  # noqa: BLE001 - any database failure means unhealthy
        return JsonResponse({"status": "error", "database": str(exc.__class__.__name__)}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})
