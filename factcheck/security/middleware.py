"""Two middlewares: the headers every response carries, and the two-factor gate.

SecurityHeadersMiddleware sits near the top of MIDDLEWARE, above WhiteNoise, so static files
get the Permissions-Policy too; TwoFactorMiddleware sits after authentication and django-otp's
OTPMiddleware, and sends a person who still owes a second factor to the page that asks for it."""

from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse

from factcheck.security import twofactor

NO_STORE = "private, no-store"


def permissions_policy() -> str:
    return ", ".join(f"{feature}={allow}" for feature, allow in settings.PERMISSIONS_POLICY.items())


def _keeps_own_cache_header(value: str) -> bool:
    """A view's own Cache-Control stays when it already keeps the answer out of shared caches
    (never_cache's header, a stored photo's "private, max-age=3600")."""
    directives = {part.strip().split("=")[0].lower() for part in value.split(",")}
    return bool(directives & {"private", "no-store"})


class SecurityHeadersMiddleware:
    """Permissions-Policy on every response; ``Cache-Control: private, no-store`` on every
    answer to a logged-in person and on every API answer (tokens and data must not sit in a
    shared or a disk cache). Static files and the health check are left alone."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.policy = permissions_policy()

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", self.policy)
        if self._private(request) and not _keeps_own_cache_header(response.get("Cache-Control", "")):
            response["Cache-Control"] = NO_STORE
        return response

    @staticmethod
    def _private(request: HttpRequest) -> bool:
        path = request.path_info
        if path.startswith("/" + settings.STATIC_URL.lstrip("/")) or path == "/healthz":
            return False
        if path.startswith("/api/"):
            return True
        user = getattr(request, "user", None)  # absent when WhiteNoise answered
        return bool(user is not None and user.is_authenticated)


class TwoFactorMiddleware:
    """Between the password and the desk: a person who has enrolled gives a code (or a
    recovery code) once per session; with REQUIRE_2FA, editors and staff without an app are
    sent to enrol first. Pages redirect there; the session-authenticated API answers 403 in its
    JSON shape. Requests with an Authorization header (the CMS's token) are not concerned."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        step = "" if self._exempt(request) else twofactor.pending_step(request)
        if not step:
            return self.get_response(request)
        if request.path_info.startswith("/api/"):
            message = (
                "Two-factor authentication is required: give your code on the desk's sign-in page first."
                if step == "verify"
                else "Two-factor authentication is required for your account: set it up on the desk first."
            )
            return JsonResponse({"error": {"message": message, "code": "two_factor_required"}}, status=403)
        target = reverse("factcheck:two-factor-verify" if step == "verify" else "factcheck:two-factor")
        following = request.get_full_path() if request.method == "GET" else "/"
        return redirect(f"{target}?{urlencode({'next': following})}")

    @staticmethod
    def _exempt(request: HttpRequest) -> bool:
        path = request.path_info
        if path.startswith("/api/") and "HTTP_AUTHORIZATION" in request.META:
            return True  # token authentication: DRF decides, the session plays no part
        open_paths = {
            reverse("login"),
            reverse("logout"),
            reverse("admin:logout"),
            reverse("factcheck:two-factor"),
            reverse("factcheck:two-factor-verify"),
            "/healthz",
        }
        static = "/" + settings.STATIC_URL.lstrip("/")
        return path in open_paths or path.startswith((static, "/oidc/"))
