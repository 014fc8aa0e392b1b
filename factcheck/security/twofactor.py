"""Two-factor authentication with django-otp: one authenticator app (TOTP) per person, and ten
one-time recovery codes (a static device) for the day the phone is lost.

Who must be verified, decided once at login and kept in the session (so pages pay no query
for it): anyone who has enrolled, always; editors and staff when REQUIRE_2FA is on."""

import math
from base64 import b32encode
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.db import transaction
from django.dispatch import receiver
from django.http import HttpRequest
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY, user_has_device
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from factcheck import roles

RECOVERY_CODES = 10
APP_NAME = "Authenticator app"
RECOVERY_NAME = "Recovery codes"
SESSION_KEY = "factcheck_2fa"  # {"enrolled": bool, "subject": bool, "via": "password" | "oidc"}
OIDC_BACKEND = "factcheck.security.oidc.DeskOIDCBackend"


# --- who must be verified ---------------------------------------------------------------------
def is_subject(user) -> bool:
    """Editors and staff must use two factors when REQUIRE_2FA is on; reviewers and the CMS's
    service account may, but need not."""
    return bool(user.is_staff or user.is_superuser or roles.is_editor(user))


def remember(request: HttpRequest, user, *, via: str | None = None) -> dict:
    """Record in the session what the two-factor check needs to know about this person."""
    state = {
        "enrolled": user_has_device(user, confirmed=True),
        "subject": is_subject(user),
        "via": via or request.session.get(SESSION_KEY, {}).get("via", "password"),
    }
    request.session[SESSION_KEY] = state
    return state


@receiver(user_logged_in, dispatch_uid="factcheck.security.twofactor")
def _on_login(sender, request, user, **kwargs) -> None:
    if request is None or not hasattr(request, "session"):
        return
    via = "oidc" if getattr(user, "backend", "") == OIDC_BACKEND else "password"
    remember(request, user, via=via)


def session_state(request: HttpRequest) -> dict:
    state = request.session.get(SESSION_KEY)
    if not isinstance(state, dict):  # a session from before this feature: decide once, now
        state = remember(request, request.user)
    return state


def is_verified(request: HttpRequest) -> bool:
    """This session passed a second factor: a code, or a sign-in through an identity provider
    that is trusted to have asked for one (OIDC_SATISFIES_2FA)."""
    verified = getattr(request.user, "is_verified", None)  # installed by django-otp's OTPMiddleware
    if verified is not None and verified():
        return True
    return bool(settings.OIDC_SATISFIES_2FA and session_state(request).get("via") == "oidc")


def pending_step(request: HttpRequest) -> str:
    """'verify' (enrolled, no code yet in this session), 'enrol' (must enrol first) or ''."""
    if not request.user.is_authenticated:
        return ""
    state = session_state(request)
    if not state.get("enrolled") and not (settings.REQUIRE_2FA and state.get("subject")):
        return ""  # nothing to check: no query for the device
    if is_verified(request):
        return ""
    return "verify" if state.get("enrolled") else "enrol"


# --- enrolling --------------------------------------------------------------------------------
def app_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def unconfirmed_app_device(user) -> TOTPDevice:
    """The device being enrolled: the same secret until it is confirmed, so a reload does not
    invalidate what the person has just scanned."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("id").first()
    return device or TOTPDevice.objects.create(user=user, name=APP_NAME, confirmed=False)


def secret_of(device: TOTPDevice) -> str:
    """The base32 secret, in groups of four, for typing into an app that cannot scan."""
    secret = b32encode(device.bin_key).decode()
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_svg(device: TOTPDevice) -> str:
    """The otpauth:// URL as an inline SVG QR code (no image URL, nothing from elsewhere)."""
    import qrcode
    from qrcode.image.svg import SvgPathImage

    image = qrcode.make(device.config_url, image_factory=SvgPathImage, box_size=8, border=2)
    return image.to_string(encoding="unicode")


def _normalise(code: str) -> str:
    return "".join(code.split()).replace("-", "").lower()


@dataclass
class Outcome:
    ok: bool
    message: str = ""


def _check(device, code: str) -> Outcome:
    allowed, extra = device.verify_is_allowed()
    if not allowed:
        until = (extra or {}).get("locked_until")
        seconds = max(1, math.ceil((until - timezone.now()).total_seconds())) if until else 60
        return Outcome(False, f"Too many wrong codes in a row: wait {seconds} seconds, then try again.")
    if device.verify_token(code):
        return Outcome(True)
    return Outcome(False, "That code is not right (or was already used). Check the app's clock and try again.")


def confirm(request: HttpRequest, device: TOTPDevice, code: str) -> tuple[Outcome, list[str]]:
    """Confirm the app with a code it shows: the device is confirmed, this session is verified,
    and the person gets fresh recovery codes (returned once, never shown again)."""
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk, user=request.user)
        outcome = _check(device, _normalise(code))
        if not outcome.ok:
            return outcome, []
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user=request.user).exclude(pk=device.pk).delete()
        codes = new_recovery_codes(request.user)
    otp_login(request, device)
    remember(request, request.user)
    return outcome, codes


def new_recovery_codes(user) -> list[str]:
    """Ten new one-time codes; the old ones stop working."""
    with transaction.atomic():
        device, _ = StaticDevice.objects.get_or_create(user=user, name=RECOVERY_NAME, defaults={"confirmed": True})
        device.token_set.all().delete()
        codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
        StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


def recovery_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


# --- signing in with a code -------------------------------------------------------------------
def verify(request: HttpRequest, code: str) -> Outcome:
    """Check a code from the app (digits) or a recovery code (letters and digits, used up), and
    mark the session verified. Only the device the code's shape points to is tried, so a
    mistyped app code never counts against the recovery codes' throttle."""
    code = _normalise(code)
    if not code:
        return Outcome(False, "Enter the code from your app, or one of your recovery codes.")
    app = app_device(request.user)
    kind = TOTPDevice if (code.isdigit() and app is not None and len(code) == app.digits) else StaticDevice
    with transaction.atomic():
        device = kind.objects.select_for_update().filter(user=request.user, confirmed=True).first()
        if device is None:
            return Outcome(False, "That is not a code your account has.")
        outcome = _check(device, code)
    if outcome.ok:
        otp_login(request, device)
        if kind is StaticDevice:
            left = recovery_codes_left(request.user)
            outcome.message = f"Signed in with a recovery code: {left} left. Make new ones on the two-factor page."
    return outcome


def turn_off(request: HttpRequest) -> None:
    """Remove the app and the recovery codes (the person asked, with a valid code)."""
    TOTPDevice.objects.filter(user=request.user).delete()
    StaticDevice.objects.filter(user=request.user).delete()
    request.session.pop(DEVICE_ID_SESSION_KEY, None)
    remember(request, request.user)
