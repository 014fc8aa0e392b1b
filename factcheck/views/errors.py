"""Error pages: JSON under /api/, the site's own pages elsewhere."""

from django.http import JsonResponse
from django.views import defaults


def _api(request) -> bool:
    return request.path.startswith("/api/")


def not_found(request, exception=None):
    if _api(request):
        return JsonResponse({"error": {"message": "Not found.", "code": "not_found"}}, status=404)
    return defaults.page_not_found(request, exception)


def server_error(request):
    if _api(request):
        message = "Something went wrong on our side; the error is logged."
        return JsonResponse({"error": {"message": message, "code": "server_error"}}, status=500)
    return defaults.server_error(request)
