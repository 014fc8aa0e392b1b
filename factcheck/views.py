from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache

from factcheck import roles, selectors
from factcheck.forms import IMPORT_FORMS, run_import
from factcheck.models import Claim, ImportRecord


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


@login_required
def import_page(request, *, template: str = "factcheck/import.html", extra_context=None):
    """Paste, upload, fetch or subscribe; then show what happened to each source."""
    if not roles.can_triage(request.user):
        raise PermissionDenied("Only editors can import articles.")
    forms = {name: form_class() for name, form_class in IMPORT_FORMS.items()}
    active = request.GET.get("tab") if request.GET.get("tab") in forms else "paste"
    if request.method == "POST":
        name = request.POST.get("source", "")
        if name not in IMPORT_FORMS:
            messages.error(request, "Choose what to import: pasted text, files, URLs or a feed.")
            return redirect(request.path)
        form = IMPORT_FORMS[name](request.POST, request.FILES)
        forms[name], active = form, name
        if form.is_valid():
            records = run_import(form, request.user)
            if name == "feed":
                messages.success(request, "Feed added; its new entries are being imported.")
            elif records:
                ok = sum(r.outcome != ImportRecord.Outcome.FAILED for r in records)
                level = messages.success if ok == len(records) else messages.warning
                level(request, f"{ok} of {len(records)} source(s) imported or already there; see below.")
            return redirect(f"{request.path}?tab={name}")
    recent = ImportRecord.objects.filter(requested_by=request.user).select_related("article")[:20]
    context = {"forms": forms, "active": active, "recent": recent, **(extra_context or {})}
    return render(request, template, context, status=400 if request.method == "POST" else 200)
