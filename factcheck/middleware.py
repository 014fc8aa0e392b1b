"""Refuse NUL characters in query strings and forms, everywhere at once.

No text the desk stores or searches can hold one (PostgreSQL refuses them),
so a request that carries one is malformed: it gets a 400 that says so,
rather than a database error deep inside a filter."""

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import HttpResponse, HttpResponseBadRequest, JsonResponse
from django.utils.html import escape

MESSAGE = "The request contains a NUL character, which no field accepts."


def too_large(request, message: str) -> HttpResponse:
    """413 with a sentence: the API's JSON error shape under /api/, a small page elsewhere."""
    if request.path.startswith("/api/"):
        return JsonResponse({"error": {"message": message, "code": "too_large"}}, status=413)
    return HttpResponse(
        f"<!doctype html><title>Too large</title><h1>Too large</h1><p>{escape(message)}</p>", status=413
    )


def body_too_large_message() -> str:
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    return (
        f"The request body is larger than {limit / 1_000_000:g} MB (REQUEST_MAX_BYTES), the most the desk reads "
        "outside a file upload."
    )


def _has_nul(query_dict) -> bool:
    return any("\x00" in key or any("\x00" in value for value in values) for key, values in query_dict.lists())


class RejectNulCharactersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        form = request.method == "POST" and request.content_type in (
            "application/x-www-form-urlencoded",
            "multipart/form-data",
        )
        try:
            refused = _has_nul(request.GET) or (form and _has_nul(request.POST))
        except RequestDataTooBig:  # the form's fields (not its files) are over DATA_UPLOAD_MAX_MEMORY_SIZE
            return too_large(request, body_too_large_message())
        except (TooManyFieldsSent, TooManyFilesSent) as error:
            if request.path.startswith("/api/"):
                return JsonResponse({"error": {"message": str(error), "code": "invalid"}}, status=400)
            return HttpResponseBadRequest(escape(str(error)))
        if refused:
            if request.path.startswith("/api/"):
                return JsonResponse({"error": {"message": MESSAGE, "code": "invalid"}}, status=400)
            return HttpResponseBadRequest(MESSAGE)
        return self.get_response(request)


class RefuseOversizedUploadsMiddleware:
    """Refuse a request body larger than MEDIA_MAX_BYTES (plus room for a form's other fields),
    the largest thing the desk accepts, from its Content-Length, before anything reads it: CSRF
    and the NUL check would otherwise parse a whole upload first. A body that is not a multipart
    upload (JSON, a form) may not pass DATA_UPLOAD_MAX_MEMORY_SIZE (REQUEST_MAX_BYTES). 413 with
    a sentence (JSON under /api/)."""

    SLACK = 1_000_000  # the form's other fields and the multipart boundaries

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        length = request.META.get("CONTENT_LENGTH", "")
        limit = int(getattr(settings, "MEDIA_MAX_BYTES", 20_000_000))
        size = int(length) if length.isdigit() else 0
        if size > limit + self.SLACK:
            return too_large(
                request,
                f"The upload is {size / 1_000_000:.1f} MB; the limit is {limit / 1_000_000:.0f} MB "
                "(MEDIA_MAX_BYTES). Choose a smaller file.",
            )
        multipart = request.content_type == "multipart/form-data"
        if not multipart and size > settings.DATA_UPLOAD_MAX_MEMORY_SIZE:
            return too_large(request, body_too_large_message())
        return self.get_response(request)
