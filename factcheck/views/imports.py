"""The import page (also served inside the admin)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render

from factcheck import importing, roles
from factcheck.forms import IMPORT_FORMS, PasteForm, UploadForm, UrlForm
from factcheck.models import ImportRecord


def _run_import(form, user) -> list[ImportRecord]:
    """Hand a valid import form to the importing domain; the ImportRecords say what
    happened to each source (none for a feed: its entries are imported in the background)."""
    data = form.cleaned_data
    if isinstance(form, PasteForm):
        return importing.import_pasted(**data, user=user)
    if isinstance(form, UploadForm):
        return importing.import_uploads(((upload.name, upload.read()) for upload in data["files"]), user=user)
    if isinstance(form, UrlForm):
        return importing.queue_url_imports(data["urls"], user=user)
    importing.subscribe_feed(data["url"], outlet=data["outlet"], user=user)
    return []


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
            records = _run_import(form, request.user)
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
