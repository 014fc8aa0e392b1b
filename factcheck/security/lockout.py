"""What a person sees when django-axes refuses a login, and whose address counts."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse


def lockout_minutes() -> int:
    return int(getattr(settings, "LOGIN_COOLOFF_MINUTES", 0))


def lockout_response(request: HttpRequest, original_response=None, credentials=None) -> HttpResponse:
    """The login refused because the username and address are locked (AXES_LOCKOUT_CALLABLE):
    the desk's own page, for the desk's login and the admin's alike, saying why and how it ends."""
    username = (credentials or {}).get("username") or request.POST.get("username", "")
    context = {
        "username": username,
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "cooloff_minutes": lockout_minutes(),
        "login_url": request.path,
    }
    return render(request, "registration/locked_out.html", context, status=429)


def client_ip(request: HttpRequest) -> str | None:
    """The client's address (AXES_CLIENT_IP_CALLABLE). Behind LOGIN_PROXY_COUNT reverse proxies
    that each append to X-Forwarded-For, the address the outermost one saw; anything a client
    wrote itself further left is ignored."""
    count = int(getattr(settings, "LOGIN_PROXY_COUNT", 0))
    if count > 0:
        hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
        if len(hops) >= count:
            return hops[-count]
    return request.META.get("REMOTE_ADDR")


def not_a_password_attempt(request: HttpRequest, credentials=None) -> bool:
    """The identity provider's callback is no password attempt (AXES_WHITELIST_CALLABLE): the
    provider guards its own sign-in, and a refused callback carries no username, so counting it
    would lock every provider sign-in from that address."""
    return request.path == reverse("oidc_authentication_callback")
