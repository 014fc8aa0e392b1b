"""Refuse NUL characters in query strings and forms, everywhere at once.

No text the desk stores or searches can hold one (PostgreSQL refuses them),
so a request that carries one is malformed: it gets a 400 that says so,
rather than a database error deep inside a filter."""

from django.http import HttpResponseBadRequest, JsonResponse

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
