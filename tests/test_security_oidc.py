"""Issue 13, point 2: sign-in through the newsroom's identity provider (OpenID Connect), against
a fake provider on 127.0.0.1 (tests/oidc_provider.py): discovery, PKCE, a signed ID token,
userinfo. People are created on first sign-in and their desk groups follow the provider's
groups claim through OIDC_ROLE_MAP on every sign-in."""

import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import override_settings

from factcheck import roles
from factcheck.security import oidc

from .factories import UserFactory
from .oidc_provider import CLIENT_ID, CLIENT_SECRET, FakeProvider

ROOT = Path(__file__).resolve().parent.parent
BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "factcheck.security.oidc.DeskOIDCBackend",
]
User = get_user_model()


@pytest.fixture
def provider():
    oidc._discovered.clear()
    with (
        FakeProvider() as fake,
        override_settings(
            OIDC_ENABLED=True,
            OIDC_RP_CLIENT_ID=CLIENT_ID,
            OIDC_RP_CLIENT_SECRET=CLIENT_SECRET,
            OIDC_OP_DISCOVERY_URL=fake.base,
            OIDC_ROLE_MAP="factcheck-editors=Editors, factcheck-reviewers=Reviewers",
            OIDC_PROVIDER_NAME="Newsroom SSO",
            AUTHENTICATION_BACKENDS=BACKENDS,
        ),
    ):
        fake.claims = {
            "sub": "u-1",
            "email": "Nadia.Rahimi@newsroom.example",
            "email_verified": True,
            "given_name": "Nadia",
            "family_name": "Rahimi",
            "groups": ["factcheck-editors", "all-staff"],
        }
        yield fake
    oidc._discovered.clear()


def sign_in(client, provider, next_url="/articles/"):
    """The browser's round trip: the desk sends it to the provider, the person signs in there,
    the provider sends it back with a code, which the desk exchanges for tokens."""
    start = client.get("/oidc/authenticate/", {"next": next_url})
    assert start.status_code == 302
    location = urlparse(start["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == f"{provider.base}/authorize"
    params = {key: values[0] for key, values in parse_qs(location.query).items()}
    assert params["redirect_uri"] == "http://testserver/oidc/callback/" and "openid" in params["scope"]
    code = provider.authorize(params)
    return client.get("/oidc/callback/", {"code": code, "state": params["state"]})


def desk_groups(user) -> set[str]:
    return set(user.groups.values_list("name", flat=True))


def test_the_first_sign_in_creates_the_person_with_the_mapped_role(client, provider):
    response = sign_in(client, provider)
    assert response.status_code == 302 and response.url == "/articles/"
    user = User.objects.get(email="Nadia.Rahimi@newsroom.example")
    assert user.username == "nadia.rahimi@newsroom.example" and (user.first_name, user.last_name) == ("Nadia", "Rahimi")
    assert not user.has_usable_password()  # this person signs in through the provider only
    assert desk_groups(user) == {roles.EDITORS}  # "all-staff" maps to nothing
    assert client.get("/articles/").status_code == 200 and roles.is_editor(user)
    token_request = provider.token_requests[-1]
    assert token_request["grant_type"] == "authorization_code" and token_request["code_verifier"]  # PKCE


def test_each_sign_in_syncs_the_desk_groups(client, provider):
    sign_in(client, provider)
    user = User.objects.get(email__iexact="nadia.rahimi@newsroom.example")
    user.groups.add(Group.objects.get(name=roles.CMS))  # given in the admin: not the map's business
    client.logout()
    provider.claims["groups"] = ["factcheck-reviewers"]
    sign_in(client, provider)
    assert desk_groups(user) == {roles.REVIEWERS, roles.CMS}
    assert User.objects.filter(email__iexact="nadia.rahimi@newsroom.example").count() == 1


def test_a_person_with_no_mapped_role_gets_no_desk_role(client, provider):
    provider.claims["groups"] = ["all-staff"]
    assert sign_in(client, provider).status_code == 302
    user = User.objects.get(email__iexact="nadia.rahimi@newsroom.example")
    assert desk_groups(user) == set()
    assert client.get("/").status_code == 403  # logged in, but not on the desk


def test_losing_every_mapped_group_removes_the_desk_role(client, provider):
    sign_in(client, provider)
    client.logout()
    provider.claims.pop("groups")
    sign_in(client, provider)
    assert desk_groups(User.objects.get(email__iexact="nadia.rahimi@newsroom.example")) == set()


def test_an_existing_account_with_the_same_address_is_the_one_signed_in(client, provider):
    local = UserFactory(username="nadia", email="nadia.rahimi@newsroom.example")
    sign_in(client, provider)
    assert int(client.session["_auth_user_id"]) == local.pk and desk_groups(local) == {roles.EDITORS}
    assert User.objects.count() == 1


def test_groups_sent_only_in_the_id_token_count(client, provider):
    """Entra ID and Okta can put the groups (or app roles) in the ID token and not in userinfo."""
    provider.id_token_only = {"roles"}
    provider.claims = {**provider.claims, "roles": ["factcheck-editors"]}
    provider.claims.pop("groups")
    with override_settings(OIDC_GROUPS_CLAIM="roles"):
        sign_in(client, provider)
    assert desk_groups(User.objects.get(email__iexact="nadia.rahimi@newsroom.example")) == {roles.EDITORS}


def test_an_unverified_address_is_refused(client, provider):
    provider.claims["email_verified"] = False
    response = sign_in(client, provider)
    assert response.status_code == 302 and response.url == "/accounts/login/"
    assert "_auth_user_id" not in client.session and not User.objects.exists()
    assert "did not work" in client.get("/accounts/login/").content.decode()


@override_settings(OIDC_ALLOWED_DOMAINS=["other.example"])
def test_an_address_outside_the_allowed_domains_is_refused(client, provider):
    sign_in(client, provider)
    assert "_auth_user_id" not in client.session and not User.objects.exists()


def test_a_token_for_another_client_is_refused(client, provider):
    provider.audience = "someone-else"
    sign_in(client, provider)
    assert "_auth_user_id" not in client.session and not User.objects.exists()


def test_userinfo_about_someone_else_is_refused(client, provider):
    provider.userinfo_extra = {"sub": "u-2", "email": "chief@newsroom.example"}
    sign_in(client, provider)
    assert "_auth_user_id" not in client.session and not User.objects.exists()


def test_refused_sign_ins_through_the_provider_lock_nobody_out(client, provider):
    """A refused callback carries no username: axes must not count it against the address."""
    provider.claims["email_verified"] = False
    for _ in range(6):
        sign_in(client, provider)
    assert not AccessAttempt.objects.exists()
    provider.claims["email_verified"] = True
    sign_in(client, provider)
    assert "_auth_user_id" in client.session


def test_a_replayed_or_forged_state_is_refused(client, provider):
    start = client.get("/oidc/authenticate/")
    params = {key: values[0] for key, values in parse_qs(urlparse(start["Location"]).query).items()}
    code = provider.authorize(params)
    assert client.get("/oidc/callback/", {"code": code, "state": "forged"}).status_code == 400
    assert "_auth_user_id" not in client.session


def test_the_login_page_offers_the_provider(client, provider):
    page = client.get("/accounts/login/?next=/library/").content.decode()
    assert "Sign in with Newsroom SSO" in page and 'href="/oidc/authenticate/?next=%2Flibrary%2F"' in page


def test_a_password_login_never_calls_the_provider(client, provider):
    UserFactory(username="local", password="pass-for-tests")
    response = client.post("/accounts/login/?code=x&state=y", {"username": "local", "password": "pass-for-tests"})
    assert response.status_code == 302 and provider.token_requests == []


def test_an_unreachable_provider_is_said_so(client, provider):
    with override_settings(OIDC_OP_DISCOVERY_URL="http://127.0.0.1:9/"):
        oidc._discovered.clear()
        response = client.get("/oidc/authenticate/")
    assert response.status_code == 302 and response.url == "/accounts/login/"
    assert "not possible right now" in client.get("/accounts/login/").content.decode()


def test_off_when_not_configured(client):
    assert "Sign in with" not in client.get("/accounts/login/").content.decode()
    assert client.get("/oidc/authenticate/").status_code == 404
    assert client.get("/oidc/callback/?code=x&state=y").status_code == 404
    from django.conf import settings

    assert not any("oidc" in backend for backend in settings.AUTHENTICATION_BACKENDS)


def _check(**env):
    clean = {k: v for k, v in os.environ.items() if not k.startswith("OIDC_")}
    clean.update(DJANGO_SETTINGS_MODULE="newsroom.settings", DEBUG="1", **env)
    return subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=clean, capture_output=True, text=True, timeout=120
    )


def test_an_incomplete_configuration_stops_the_start_up_naming_what_is_missing():
    result = _check(OIDC_RP_CLIENT_ID="desk")
    assert result.returncode != 0 and "OIDC_RP_CLIENT_SECRET" in result.stderr
    result = _check(OIDC_RP_CLIENT_ID="desk", OIDC_RP_CLIENT_SECRET="s", OIDC_OP_DISCOVERY_URL="https://idp.example")
    assert result.returncode == 0, result.stderr
    result = _check(OIDC_ROLE_MAP="factcheck-editors:Editors")
    assert result.returncode != 0 and "OIDC_ROLE_MAP" in result.stderr
