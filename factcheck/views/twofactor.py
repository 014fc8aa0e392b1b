"""Signing in: the login page (with the identity provider's button when configured) and
two-factor authentication — enrolling an app, recovery codes, and the code asked after the
password. The rules are in factcheck/security/twofactor.py; these pages only ask and show."""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django_otp import user_has_device

from factcheck.forms.twofactor import CodeForm
from factcheck.security import oidc, twofactor


class SignInView(LoginView):
    """Django's login page, plus "Sign in with <provider>" when OpenID Connect is configured.
    Lockout after repeated failures is django-axes' (its backend runs first)."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if oidc.enabled():
            following = self.get_redirect_url()
            query = f"?{urlencode({'next': following})}" if following else ""
            context["oidc_url"] = reverse("oidc_authentication_init") + query
            context["oidc_provider_name"] = settings.OIDC_PROVIDER_NAME
        return context


def _next(request: HttpRequest) -> str:
    following = request.POST.get("next") or request.GET.get("next") or ""
    if following and url_has_allowed_host_and_scheme(following, {request.get_host()}, request.is_secure()):
        return following
    return reverse(settings.LOGIN_REDIRECT_URL)


def _with_next(name: str, request: HttpRequest) -> str:
    return f"{reverse(name)}?{urlencode({'next': _next(request)})}"


@login_required
def two_factor(request: HttpRequest) -> HttpResponse:
    """Set up an authenticator app (QR code and secret, confirmed with a code), get recovery
    codes, make new ones, or turn two-factor off (with a code; not when it is required)."""
    if twofactor.pending_step(request) == "verify":
        return redirect(_with_next("factcheck:two-factor-verify", request))
    user = request.user
    required = settings.REQUIRE_2FA and twofactor.is_subject(user)
    action = request.POST.get("action") if request.method == "POST" else None
    device = twofactor.app_device(user)
    form = CodeForm(request.POST if action in ("confirm", "disable") else None, autofocus=device is None)
    context: dict = {"required": required, "next": _next(request), "form": form}
    if device is None:
        pending = twofactor.unconfirmed_app_device(user)
        if action == "confirm" and form.is_valid():
            outcome, codes = twofactor.confirm(request, pending, form.cleaned_data["code"])
            if outcome.ok:
                messages.success(request, "Two-factor authentication is on. Keep your recovery codes somewhere safe.")
                return _enrolled(request, {**context, "codes": codes, "form": CodeForm(autofocus=False)})
            form.add_error("code", outcome.message)
        context.update(qr_svg=twofactor.qr_svg(pending), secret=twofactor.secret_of(pending))
        return render(request, "registration/two_factor.html", context, status=400 if form.errors else 200)
    if action == "recovery":
        codes = twofactor.new_recovery_codes(user)
        messages.success(request, "New recovery codes: the old ones no longer work.")
        return _enrolled(request, {**context, "codes": codes})
    if action == "disable":
        if required:
            messages.error(request, "Your account must keep two-factor authentication on (REQUIRE_2FA).")
        elif form.is_valid():
            outcome = twofactor.verify(request, form.cleaned_data["code"])
            if outcome.ok:
                twofactor.turn_off(request)
                messages.success(request, "Two-factor authentication is off: your password alone signs you in.")
                return redirect("factcheck:two-factor")
            form.add_error("code", outcome.message)
    return _enrolled(request, context, status=400 if form.errors else 200)


def _enrolled(request: HttpRequest, context: dict, status: int = 200) -> HttpResponse:
    context.update(enrolled=True, codes_left=twofactor.recovery_codes_left(request.user))
    return render(request, "registration/two_factor.html", context, status=status)


@login_required
def two_factor_verify(request: HttpRequest) -> HttpResponse:
    """After the password: the code from the app, or a recovery code."""
    step = twofactor.pending_step(request)
    if step == "verify" and not user_has_device(request.user, confirmed=True):
        twofactor.remember(request, request.user)  # an administrator removed the devices meanwhile
        step = twofactor.pending_step(request)
    if step == "enrol":
        return redirect(_with_next("factcheck:two-factor", request))
    if not step:
        return redirect(_next(request))
    form = CodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        outcome = twofactor.verify(request, form.cleaned_data["code"])
        if outcome.ok:
            if outcome.message:
                messages.warning(request, outcome.message)
            return redirect(_next(request))
        form.add_error("code", outcome.message)
    context = {"form": form, "next": _next(request)}
    return render(request, "registration/two_factor_verify.html", context, status=400 if form.errors else 200)
