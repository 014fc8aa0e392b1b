"""Refuse NUL characters in query strings and forms, everywhere at once.

No text the desk stores or searches can hold one (PostgreSQL refuses them),
so a request that carries one is malformed: it gets a 400 that says so,
rather than a database error deep inside a filter."""

from django.conf import settings
from django.http import HttpResponse, HttpResponseBadRequest, JsonResponse
from django.utils.html import escape

MESSAGE = "The request contains a NUL character, which no field accepts."


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
        if _has_nul(request.GET) or (form and _has_nul(request.POST)):
            if request.path.startswith("/api/"):
                return JsonResponse({"error": {"message": MESSAGE, "code": "invalid"}}, status=400)
            return HttpResponseBadRequest(MESSAGE)
        return self.get_response(request)


class RefuseOversizedUploadsMiddleware:
    """Refuse a request body larger than MEDIA_MAX_BYTES (plus room for a form's other fields),
    the largest thing the desk accepts, from its Content-Length, before anything reads it: CSRF
    and the NUL check would otherwise parse a whole upload first. 413 with a sentence (JSON
    under /api/)."""

    SLACK = 1_000_000  # the form's other fields and the multipart boundaries

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        length = request.META.get("CONTENT_LENGTH", "")
        limit = int(getattr(settings, "MEDIA_MAX_BYTES", 20_000_000))
        if length.isdigit() and int(length) > limit + self.SLACK:
            message = (
                f"The upload is {int(length) / 1_000_000:.1f} MB; the limit is {limit / 1_000_000:.0f} MB "
                "(MEDIA_MAX_BYTES). Choose a smaller file."
            )
            if request.path.startswith("/api/"):
                return JsonResponse({"error": {"message": message, "code": "too_large"}}, status=413)
            return HttpResponse(
                f"<!doctype html><title>Too large</title><h1>Too large</h1><p>{escape(message)}</p>", status=413
            )
        return self.get_response(request)
