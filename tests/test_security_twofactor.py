"""Issue 13, point 2: TOTP two-factor authentication with recovery codes (django-otp). A person
enrols on /account/two-factor/ (QR code, secret, a code to confirm, ten recovery codes) and is
then asked for a code after every password login; with REQUIRE_2FA=1 editors and staff must
enrol before any desk or admin page, reviewers and the CMS's token are not forced."""

import re

import pytest
from django.test import RequestFactory, override_settings
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import Token

from factcheck.security import twofactor
from factcheck.security.admin_site import DeskAdminSite

from .factories import UserFactory, editor, reviewer

PASSWORD = "pass-for-tests"
SETUP = "/account/two-factor/"
VERIFY = "/account/two-factor/verify/"


def code(device: TOTPDevice, step: int = 0) -> str:
    """What the person's app shows now (step 0) or at the next 30-second step (a code is
    accepted once, and one step early or late)."""
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=step):06d}"


def enrol(client, user) -> list[str]:
    """Scan, confirm, and read the recovery codes off the page."""
    client.force_login(user)
    assert client.get(SETUP).status_code == 200
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    page = client.post(SETUP, {"action": "confirm", "code": code(device)}).content.decode()
    return re.findall(r'<li class="col">([a-z2-7]{8})</li>', page)


def unthrottle(device: TOTPDevice) -> None:
    """Forget wrong codes (each one makes the next try wait: 1 s, 2 s, 4 s...)."""
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0, throttling_failure_timestamp=None)


def password_login(client, username, next_url="/"):
    client.logout()
    return client.post(f"/accounts/login/?next={next_url}", {"username": username, "password": PASSWORD})


@pytest.fixture
def chief(db):
    return editor("editor1")


def test_the_setup_page_shows_a_qr_code_and_the_secret(client, chief):
    client.force_login(chief)
    page = client.get(SETUP).content.decode()
    device = TOTPDevice.objects.get(user=chief, confirmed=False)
    assert "<svg" in page and "<path" in page  # the QR code, inline: no image URL, nothing from elsewhere
    secret = re.search(r'<code class="fs-6" id="totp-secret">([A-Z2-7 ]+)</code>', page).group(1)
    assert f"secret={secret.replace(' ', '')}" in device.config_url and "issuer=Fact-check%20desk" in device.config_url
    assert client.get(SETUP).content.decode().count(secret) == 1  # a reload shows the same secret


def test_a_wrong_code_does_not_confirm(client, chief):
    client.force_login(chief)
    client.get(SETUP)
    response = client.post(SETUP, {"action": "confirm", "code": "000000"})
    assert response.status_code == 400 and "That code is not right" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=chief, confirmed=True).exists()


def test_confirming_gives_ten_one_time_recovery_codes(client, chief):
    codes = enrol(client, chief)
    assert len(codes) == 10 == len(set(codes))
    assert TOTPDevice.objects.get(user=chief).confirmed
    assert sorted(StaticToken.objects.filter(device__user=chief).values_list("token", flat=True)) == sorted(codes)
    assert client.get("/").status_code == 200  # this session gave a code: straight on
    page = client.get(SETUP).content.decode()
    assert "10 recovery codes left" in page and codes[0] not in page  # shown once only


def test_after_the_password_an_enrolled_person_is_asked_for_a_code(client, chief):
    enrol(client, chief)
    device = TOTPDevice.objects.get(user=chief)
    response = password_login(client, "editor1", "/articles/")
    assert response.status_code == 302 and response.url == "/articles/"
    response = client.get("/articles/")
    assert response.status_code == 302 and response.url == f"{VERIFY}?next=%2Farticles%2F"
    assert client.get("/admin/").url.startswith(VERIFY)
    api = client.get("/api/v1/claims/")
    assert api.status_code == 403 and api.json()["error"]["code"] == "two_factor_required"
    assert client.get(SETUP).url.startswith(VERIFY)  # no new recovery codes before the code
    wrong = client.post(VERIFY, {"code": "123456", "next": "/articles/"})
    assert wrong.status_code == 400 and "not right" in wrong.content.decode()
    unthrottle(device)
    response = client.post(VERIFY, {"code": code(device, step=1), "next": "/articles/"})
    assert response.status_code == 302 and response.url == "/articles/"
    assert client.get("/articles/").status_code == 200
    assert client.get("/api/v1/claims/").status_code == 200


def test_the_same_app_code_is_not_accepted_twice(client, chief):
    enrol(client, chief)
    device = TOTPDevice.objects.get(user=chief)
    password_login(client, "editor1")
    assert client.post(VERIFY, {"code": code(device, step=1)}).status_code == 302
    password_login(client, "editor1")
    assert client.post(VERIFY, {"code": code(device, step=1)}).status_code == 400


def test_a_recovery_code_signs_in_once(client, chief):
    codes = enrol(client, chief)
    password_login(client, "editor1")
    response = client.post(VERIFY, {"code": codes[0].upper()[:4] + "-" + codes[0][4:]})  # as people type them
    assert response.status_code == 302 and client.get("/").status_code == 200
    password_login(client, "editor1")
    assert client.post(VERIFY, {"code": codes[0]}).status_code == 400
    assert StaticToken.objects.filter(device__user=chief).count() == 9


def test_new_recovery_codes_replace_the_old_ones(client, chief):
    old = enrol(client, chief)
    page = client.post(SETUP, {"action": "recovery"}).content.decode()
    new = re.findall(r'<li class="col">([a-z2-7]{8})</li>', page)
    assert len(new) == 10 and not set(new) & set(old)


def test_wrong_codes_are_throttled(client, chief):
    enrol(client, chief)
    device = TOTPDevice.objects.get(user=chief)
    password_login(client, "editor1")
    client.post(VERIFY, {"code": "111111"})
    response = client.post(VERIFY, {"code": code(device, step=1)})  # right, but too soon after a wrong one
    assert response.status_code == 400 and "Too many wrong codes" in response.content.decode()


def test_turning_off_needs_a_code(client, chief):
    enrol(client, chief)
    device = TOTPDevice.objects.get(user=chief)
    assert client.post(SETUP, {"action": "disable", "code": "000000"}).status_code == 400
    assert TOTPDevice.objects.filter(user=chief).exists()
    unthrottle(device)
    assert client.post(SETUP, {"action": "disable", "code": code(device, step=1)}).status_code == 302
    assert not TOTPDevice.objects.filter(user=chief).exists() and not StaticToken.objects.filter().exists()
    assert password_login(client, "editor1").status_code == 302 and client.get("/").status_code == 200


def test_without_require_2fa_nobody_is_forced(client, chief):
    password_login(client, "editor1")
    assert client.get("/").status_code == 200


@override_settings(REQUIRE_2FA=True)
def test_with_require_2fa_editors_must_enrol_before_any_desk_or_admin_page(client, chief):
    password_login(client, "editor1")
    for path in ("/", "/articles/", "/admin/", "/account/notifications/"):
        response = client.get(path)
        assert response.status_code == 302 and response.url.startswith(f"{SETUP}?next="), path
    page = client.get(SETUP).content.decode()
    assert "requires two-factor authentication" in page
    assert client.get("/api/v1/claims/").status_code == 403
    device = TOTPDevice.objects.get(user=chief, confirmed=False)
    client.post(SETUP, {"action": "confirm", "code": code(device), "next": "/admin/"})
    assert client.get("/").status_code == 200 and client.get("/admin/").status_code == 200
    refused = client.post(SETUP, {"action": "disable", "code": code(device, step=1)}, follow=True)
    assert "must keep two-factor" in refused.content.decode() and TOTPDevice.objects.filter(user=chief).exists()


@override_settings(REQUIRE_2FA=True)
def test_with_require_2fa_staff_who_are_not_editors_are_forced_too(client):
    UserFactory(username="desk-chief", is_staff=True)
    password_login(client, "desk-chief")
    assert client.get("/admin/").url.startswith(SETUP)


@override_settings(REQUIRE_2FA=True)
def test_with_require_2fa_reviewers_and_the_cms_token_are_not_forced(client):
    reviewer("reviewer1")
    password_login(client, "reviewer1")
    assert client.get("/").status_code == 200
    token = Token.objects.create(user=UserFactory(username="cms-bot", group="CMS"))
    response = client.__class__().get("/api/v1/claims/", HTTP_AUTHORIZATION=f"Token {token.key}")
    assert response.status_code == 200


@override_settings(REQUIRE_2FA=True)
def test_the_admin_site_itself_requires_the_second_factor(chief):
    """Even without the middleware (the admin site's own check, like django-otp's OTPAdminSite)."""
    request = RequestFactory().get("/admin/")
    request.user = chief
    request.session = {twofactor.SESSION_KEY: {"enrolled": False, "subject": True, "via": "password"}}
    chief.is_verified = lambda: False
    assert DeskAdminSite().has_permission(request) is False
    chief.is_verified = lambda: True
    assert DeskAdminSite().has_permission(request) is True


WITH_OIDC = ["django.contrib.auth.backends.ModelBackend", "factcheck.security.oidc.DeskOIDCBackend"]


@override_settings(REQUIRE_2FA=True, OIDC_SATISFIES_2FA=True, AUTHENTICATION_BACKENDS=WITH_OIDC)
def test_a_session_opened_through_a_trusted_identity_provider_counts_as_verified(client, chief):
    client.force_login(chief, backend="factcheck.security.oidc.DeskOIDCBackend")
    assert client.get("/").status_code == 200


@override_settings(REQUIRE_2FA=True, AUTHENTICATION_BACKENDS=WITH_OIDC)
def test_an_identity_provider_session_is_not_trusted_unless_configured(client, chief):
    client.force_login(chief, backend="factcheck.security.oidc.DeskOIDCBackend")
    assert client.get("/").url.startswith(SETUP)


def test_logging_out_works_before_the_code(client, chief):
    enrol(client, chief)
    password_login(client, "editor1")
    assert client.post("/accounts/logout/").status_code == 302
    assert "_auth_user_id" not in client.session


def test_devices_removed_by_an_administrator_stop_the_question(client, chief):
    enrol(client, chief)
    password_login(client, "editor1")
    TOTPDevice.objects.filter(user=chief).delete()
    assert client.get(VERIFY).status_code == 200  # the recovery codes still work
    StaticDevice.objects.filter(user=chief).delete()
    response = client.get(VERIFY)
    assert response.status_code == 302 and client.get("/").status_code == 200
