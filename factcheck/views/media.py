"""Photos and videos: sending one to the desk, its page (metadata, keyframes, "Seen
before", reverse image search), and its files, served from our storage to the desk's
people only — thumbnails re-encoded, the original as an attachment."""

from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from factcheck import roles, workflow
from factcheck.forms.media import MediaSubmitForm
from factcheck.media import ingest, similar, store
from factcheck.media.errors import MediaRefused
from factcheck.media.metadata import osm_link
from factcheck.models import Keyframe, Media

RENDITIONS = ("thumbnail", "preview", "original")
# The reverse image search engines, each given the image's public address.
REVERSE_SEARCH = [
    ("Google Lens", "https://lens.google.com/uploadbyurl?url={}"),
    ("Bing Visual Search", "https://www.bing.com/images/search?view=detailv2&iss=sbi&q=imgurl:{}"),
    ("TinEye", "https://tineye.com/search?url={}"),
    ("Yandex", "https://yandex.com/images/search?rpt=imageview&url={}"),
]


def _desk_member(user) -> None:
    if not roles.can_review(user):
        raise PermissionDenied("The desk is for editors and reviewers.")


def reverse_search_links(media: Media) -> list[tuple[str, str]]:
    """Links that open each engine with the image's public address (none without one)."""
    if not media.url or media.kind != Media.Kind.IMAGE:
        return []
    return [(name, pattern.format(quote(media.url, safe=""))) for name, pattern in REVERSE_SEARCH]


@login_required
def media_new(request):
    """Send a photo or video to the desk: it is kept and flagged as a claim (editors)."""
    _desk_member(request.user)
    if not roles.can_triage(request.user):
        raise PermissionDenied("Only editors can add media to check.")
    form = MediaSubmitForm(request.POST or None, request.FILES or None)
    if request.method != "POST" or not form.is_valid():
        return render(request, "factcheck/media_new.html", {"form": form}, status=400 if form.errors else 200)
    data, upload = form.cleaned_data, form.cleaned_data.get("file")
    try:
        if upload is not None:
            store.check_size(upload.size)
        result = ingest.submit(
            actor=request.user, data=upload.read() if upload is not None else None, url=data["url"],
            filename=upload.name if upload is not None else "", caption=data["caption"],
            source_url=data["source_url"], note=data["note"], claim_text=data["claim_text"],
        )  # fmt: skip
    except MediaRefused as refused:
        form.add_error("file" if upload is not None else "url", refused.message)
        return render(request, "factcheck/media_new.html", {"form": form}, status=400)
    except workflow.WorkflowError as error:
        form.add_error(None, error.message)
        return render(request, "factcheck/media_new.html", {"form": form}, status=400)
    if result.created:
        messages.success(request, f"Stored, and flagged as claim #{result.claim.pk}." if result.claim else "Stored.")
    else:
        messages.info(request, "The desk has this file already: here it is.")
    return redirect("factcheck:media", pk=result.media.pk)


@login_required
def media_detail(request, pk: int):
    _desk_member(request.user)
    media = get_object_or_404(Media.objects.select_related("article", "added_by"), pk=pk)
    details = media.metadata if isinstance(media.metadata, dict) else {}
    gps = details.get("gps") if isinstance(details.get("gps"), dict) else None
    context = {
        "media": media,
        "details": details,
        "gps_link": osm_link(gps) if gps else "",
        "keyframes": list(media.keyframes.all()),
        "claims": list(media.claims.order_by("-id")),
        "seen_before": similar.similar_to(media) if media.stored else [],
        "reverse_search": reverse_search_links(media),
        "editor": roles.can_triage(request.user),
        "max_mb": settings.MEDIA_MAX_BYTES / 1_000_000,
    }
    return render(request, "factcheck/media_detail.html", context)


def _file_response(field, *, content_type: str, download_as: str = "") -> FileResponse:
    if not field:
        raise Http404("Not stored.")
    try:
        handle = field.storage.open(field.name, "rb")
    except FileNotFoundError:
        raise Http404("The file is missing from the storage.") from None
    response = FileResponse(handle, content_type=content_type, as_attachment=bool(download_as), filename=download_as)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=3600"
    return response


@login_required
def media_file(request, pk: int, rendition: str):
    """A stored file: thumbnails and the larger view are our own re-encoded JPEGs; the
    original is only ever downloaded (attachment, nosniff), never shown in the page."""
    _desk_member(request.user)
    if rendition not in RENDITIONS:
        raise Http404("No such file.")
    media = get_object_or_404(Media, pk=pk)
    if rendition == "original":
        name = media.filename or f"media-{media.pk}"
        return _file_response(media.original, content_type="application/octet-stream", download_as=name)
    return _file_response(getattr(media, rendition), content_type="image/jpeg")


@login_required
def keyframe_file(request, pk: int, keyframe: int):
    _desk_member(request.user)
    frame = get_object_or_404(Keyframe, pk=keyframe, media_id=pk)
    return _file_response(frame.thumbnail, content_type="image/jpeg")


@login_required
@require_POST
def media_retry(request, pk: int):
    _desk_member(request.user)
    media = get_object_or_404(Media, pk=pk)
    try:
        ingest.retry(media, actor=request.user)
    except workflow.WorkflowError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Fetching it again." if media.state != Media.State.STORED else "Stored.")
    return redirect("factcheck:media", pk=media.pk)
