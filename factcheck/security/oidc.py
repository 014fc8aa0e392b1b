"""Sign-in through the newsroom's identity provider: OpenID Connect's authorization-code flow
(with PKCE and a nonce) by mozilla-django-oidc, configured from the environment.

What is ours: the endpoints may come from the provider's discovery document; the ID token's
audience and issuer are checked; a person is matched by a verified email address (or created
on first sign-in), and their desk groups follow the provider's groups or roles claim through
OIDC_ROLE_MAP on every sign-in. Off (404, no backend, no button) unless OIDC_RP_CLIENT_ID is set."""

import logging
import time

import requests
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import SuspiciousOperation
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

log = logging.getLogger(__name__)

WELL_KNOWN = "/.well-known/openid-configuration"
DISCOVERY_TTL = 3600  # seconds a provider's discovery document is trusted before it is read again
_discovered: dict[str, tuple[float, dict]] = {}


class ProviderUnavailable(Exception):
    """The identity provider's discovery document could not be read."""


# --- configuration ----------------------------------------------------------------------------
def enabled() -> bool:
    return bool(getattr(settings, "OIDC_ENABLED", False))


def role_map() -> dict[str, str]:
    """OIDC_ROLE_MAP "provider-group=DeskGroup,..." as {provider group: desk group}."""
    pairs = (pair.split("=", 1) for pair in settings.OIDC_ROLE_MAP.split(",") if "=" in pair)
    return {claimed.strip(): desk.strip() for claimed, desk in pairs if claimed.strip() and desk.strip()}


def discovery() -> dict:
    """The provider's discovery document (cached for DISCOVERY_TTL), or {} when endpoints are
    configured one by one."""
    url = settings.OIDC_OP_DISCOVERY_URL
    if not url:
        return {}
    if not url.rstrip("/").endswith(WELL_KNOWN):
        url = url.rstrip("/") + WELL_KNOWN
    cached = _discovered.get(url)
    if cached and time.monotonic() - cached[0] < DISCOVERY_TTL:
        return cached[1]
    try:
        response = requests.get(url, timeout=settings.OIDC_TIMEOUT, verify=getattr(settings, "OIDC_VERIFY_SSL", True))
        response.raise_for_status()
        document = response.json()
    except (requests.RequestException, ValueError) as exc:
        raise ProviderUnavailable(f"could not read {url}: {exc.__class__.__name__}") from exc
    if not isinstance(document, dict):
        raise ProviderUnavailable(f"{url} is not a discovery document")
    _discovered[url] = (time.monotonic(), document)
    return document


def endpoint(setting: str, key: str) -> str:
    """An endpoint: the explicit setting when given, else the discovery document's."""
    return getattr(settings, setting, "") or str(discovery().get(key) or "")


# --- the backend ------------------------------------------------------------------------------
def _claimed_groups(claims: dict) -> list[str]:
    value = claims.get(settings.OIDC_GROUPS_CLAIM)
    if isinstance(value, str):
        return [part for part in value.replace(",", " ").split() if part]
    if isinstance(value, list | tuple):
        return [str(item) for item in value]
    return []


def sync_roles(user, claims: dict) -> set[str]:
    """Give exactly the desk groups the claim maps to, among the groups OIDC_ROLE_MAP manages;
    other groups (given in the admin) stay. Without a map, nothing changes."""
    mapping = role_map()
    if not mapping:
        return set(user.groups.values_list("name", flat=True))
    wanted = {mapping[name] for name in _claimed_groups(claims) if name in mapping}
    managed = {group.name: group for group in Group.objects.filter(name__in=set(mapping.values()))}
    for name in set(mapping.values()) - managed.keys():
        log.warning("OIDC_ROLE_MAP names the group %r, which does not exist", name)
    user.groups.remove(*[group for name, group in managed.items() if name not in wanted])
    user.groups.add(*[group for name, group in managed.items() if name in wanted])
    return wanted & managed.keys()


def _unique_username(email: str) -> str:
    model = get_user_model()
    base = email.lower()[:140]
    candidate, n = base, 1
    while model.objects.filter(username=candidate).exists():
        n += 1
        candidate = f"{base}-{n}"
    return candidate


class DeskOIDCBackend(OIDCAuthenticationBackend):
    """mozilla-django-oidc's backend, with lazily discovered endpoints and the desk's rules."""

    def __init__(self, *args, **kwargs):
        # The library's __init__ reads every endpoint at once; ours may come from discovery,
        # which is read only when a callback actually arrives (not at every password login).
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID
        self.OIDC_RP_CLIENT_SECRET = settings.OIDC_RP_CLIENT_SECRET
        self.OIDC_RP_SIGN_ALGO = settings.OIDC_RP_SIGN_ALGO
        self.OIDC_RP_IDP_SIGN_KEY = getattr(settings, "OIDC_RP_IDP_SIGN_KEY", None)
        self.OIDC_OP_TOKEN_ENDPOINT = self.OIDC_OP_USER_ENDPOINT = self.OIDC_OP_JWKS_ENDPOINT = ""
        self.UserModel = get_user_model()

    def authenticate(self, request, **kwargs):
        if not enabled() or request is None or request.path != reverse("oidc_authentication_callback"):
            return None  # a password login, or anything that is not the provider's callback
        try:
            self.OIDC_OP_TOKEN_ENDPOINT = endpoint("OIDC_OP_TOKEN_ENDPOINT", "token_endpoint")
            self.OIDC_OP_USER_ENDPOINT = endpoint("OIDC_OP_USER_ENDPOINT", "userinfo_endpoint")
            self.OIDC_OP_JWKS_ENDPOINT = endpoint("OIDC_OP_JWKS_ENDPOINT", "jwks_uri")
            return super().authenticate(request, **kwargs)
        except (ProviderUnavailable, requests.RequestException) as exc:
            log.warning("OIDC sign-in failed: %s", exc)
            return None

    def get_payload_data(self, token, key):
        """The signature (the library), then the audience and, when known, the issuer."""
        payload = super().get_payload_data(token, key)
        audience = payload.get("aud")
        audiences = audience if isinstance(audience, list) else [audience]
        if self.OIDC_RP_CLIENT_ID not in audiences:
            raise SuspiciousOperation("The ID token was not issued for this desk (aud).")
        issuer = discovery().get("issuer")
        if issuer and payload.get("iss") != issuer:
            raise SuspiciousOperation("The ID token comes from another issuer (iss).")
        return payload

    def get_userinfo(self, access_token, id_token, payload):
        """The ID token's claims completed by the userinfo endpoint's: Entra and Okta may put
        the groups or roles in the ID token only."""
        userinfo = super().get_userinfo(access_token, id_token, payload)
        if userinfo.get("sub") and userinfo.get("sub") != payload.get("sub"):
            raise SuspiciousOperation("The userinfo answer is about someone else than the ID token (sub).")
        return {**payload, **userinfo}

    def verify_claims(self, claims) -> bool:
        email = str(claims.get("email") or "")
        if "@" not in email:
            log.warning("OIDC sign-in refused: the provider sent no email address")
            return False
        if str(claims.get("email_verified", "")).lower() == "false":  # some providers send the string
            log.warning("OIDC sign-in refused: %s is not a verified address", email)
            return False
        domains = settings.OIDC_ALLOWED_DOMAINS
        if domains and email.rsplit("@", 1)[1].lower() not in domains:
            log.warning("OIDC sign-in refused: %s is outside OIDC_ALLOWED_DOMAINS", email)
            return False
        return True

    def create_user(self, claims):
        with transaction.atomic():
            user = self.UserModel.objects.create_user(_unique_username(claims["email"]), email=claims["email"])
            return self.update_user(user, claims)  # no password: this person signs in through the provider

    def update_user(self, user, claims):
        names = {
            "first_name": str(claims.get("given_name") or "")[:150],
            "last_name": str(claims.get("family_name") or "")[:150],
        }
        changed = [field for field, value in names.items() if value and getattr(user, field) != value]
        for field in changed:
            setattr(user, field, names[field])
        if changed:
            user.save(update_fields=changed)
        roles = sync_roles(user, claims)
        log.info("OIDC sign-in: %s, desk groups %s", user.get_username(), sorted(roles) or "none")
        return user


# --- the two views ----------------------------------------------------------------------------
def _unavailable(request: HttpRequest) -> HttpResponse:
    messages.error(
        request, f"Signing in with {settings.OIDC_PROVIDER_NAME} is not possible right now: try again later."
    )
    return redirect("login")


class SignInRequestView(OIDCAuthenticationRequestView):
    """Sends the browser to the provider (GET /oidc/authenticate/?next=...)."""

    def get(self, request):
        if not enabled():
            raise Http404("Sign-in through an identity provider is not configured.")
        try:
            self.OIDC_OP_AUTH_ENDPOINT = endpoint("OIDC_OP_AUTHORIZATION_ENDPOINT", "authorization_endpoint")
        except ProviderUnavailable as exc:
            log.warning("OIDC sign-in unavailable: %s", exc)
            return _unavailable(request)
        return super().get(request)


class SignInCallbackView(OIDCAuthenticationCallbackView):
    """Where the provider sends the browser back (GET /oidc/callback/?code=...&state=...)."""

    def get(self, request):
        if not enabled():
            raise Http404("Sign-in through an identity provider is not configured.")
        return super().get(request)

    def login_failure(self):
        messages.error(
            self.request,
            f"Signing in with {settings.OIDC_PROVIDER_NAME} did not work: the provider refused, or your account "
            "there has no email address this desk accepts. Ask the desk chief if it keeps happening.",
        )
        return redirect("login")
