"""Issue 13, point 2: repeated wrong passwords lock the username at that address (django-axes),
on the desk's login and the admin's, the right password included; an administrator unlocks it
in the back office, or the cool-off ends it. The test client's force_login and the API's token
still work."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.test import RequestFactory, override_settings
from rest_framework.authtoken.models import Token

from factcheck.security.lockout import client_ip

from .factories import UserFactory, editor

PASSWORD = "pass-for-tests"
LOGIN = "/accounts/login/"
ADMIN_LOGIN = "/admin/login/"


def attempt(client, password, username="editor1", path=LOGIN, address="10.1.2.3"):
    return client.post(path, {"username": username, "password": password}, REMOTE_ADDR=address)


def fail(client, times, **kwargs):
    """Wrong passwords: the form again each time, and the lockout page at the limit."""
    for n in range(1, times + 1):
        response = attempt(client, "wrong", **kwargs)
        assert response.status_code == (429 if n >= 5 else 200)


@pytest.fixture
def person(db):
    return editor("editor1")


def test_four_wrong_passwords_then_the_right_one_logs_in(client, person):
    fail(client, 4)
    response = attempt(client, PASSWORD)
    assert response.status_code == 302 and response.url == "/"
    assert not AccessAttempt.objects.filter(username="editor1").exists()  # success clears the count


def test_after_five_failures_even_the_right_password_is_refused_with_a_clear_message(client, person):
    fail(client, 5)
    response = attempt(client, PASSWORD)
    assert response.status_code == 429
    page = response.content.decode()
    assert "This account is locked" in page
    assert "even with the right password" in page
    assert "wait 30 minutes" in page  # LOGIN_COOLOFF_MINUTES
    assert "Axes → Access attempts" in page  # how an administrator unlocks it
    assert "_auth_user_id" not in client.session
    assert client.get("/").status_code == 302  # still not logged in


def test_thirty_failures_then_the_right_password_is_refused(client, person):
    """The issue's probe: 30 wrong passwords in a row, then the right one."""
    for _ in range(30):
        attempt(client, "wrong")
    assert attempt(client, PASSWORD).status_code == 429


def test_the_lock_is_per_username_and_address(client, person):
    UserFactory(username="colleague")
    fail(client, 5)
    assert attempt(client, PASSWORD, address="10.9.9.9").status_code == 302  # same person, other address
    client.logout()
    assert attempt(client, PASSWORD, username="colleague").status_code == 302  # other person, same address


def test_the_admin_login_is_locked_too(client, person):
    fail(client, 5, path=ADMIN_LOGIN)
    response = attempt(client, PASSWORD, path=ADMIN_LOGIN)
    assert response.status_code == 429 and "This account is locked" in response.content.decode()
    # Failures on either login page count together.
    assert attempt(client, PASSWORD).status_code == 429


@override_settings(AXES_FAILURE_LIMIT=3)
def test_the_limit_is_a_setting(client, person):
    assert [attempt(client, "wrong").status_code for _ in range(3)] == [200, 200, 429]
    assert attempt(client, PASSWORD).status_code == 429


def test_an_administrator_unlocks_the_account_in_the_admin(client, person):
    fail(client, 5)
    assert attempt(client, PASSWORD).status_code == 429
    chief = UserFactory(username="chief", is_staff=True, is_superuser=True)
    admin = client.__class__()
    admin.force_login(chief)
    changelist = admin.get("/admin/axes/accessattempt/?locked_out=yes")
    assert changelist.status_code == 200 and "editor1" in changelist.content.decode()
    locked = AccessAttempt.objects.get(username="editor1")
    response = admin.post(
        "/admin/axes/accessattempt/",
        {"action": "delete_selected", "_selected_action": [locked.pk], "post": "yes"},
    )
    assert response.status_code == 302
    assert attempt(client, PASSWORD).status_code == 302


def test_the_lock_ends_after_the_cool_off(client, person):
    fail(client, 5)
    assert attempt(client, PASSWORD).status_code == 429
    AccessAttempt.objects.filter(username="editor1").update(
        attempt_time=AccessAttempt.objects.get(username="editor1").attempt_time - timedelta(minutes=31)
    )
    assert attempt(client, PASSWORD).status_code == 302


@override_settings(AXES_COOLOFF_TIME=None, LOGIN_COOLOFF_MINUTES=0)
def test_without_a_cool_off_only_an_administrator_unlocks(client, person):
    fail(client, 5)
    page = attempt(client, PASSWORD).content.decode()
    assert "wait" not in page and "ask an administrator" in page


def test_force_login_and_the_api_token_still_work(client, person):
    fail(client, 5)  # locked at the login page...
    client.force_login(person)  # ...which the test client's force_login does not go through
    assert client.get("/").status_code == 200
    token = Token.objects.create(user=UserFactory(username="cms-bot", group="CMS"))
    response = client.__class__().get("/api/v1/claims/", HTTP_AUTHORIZATION=f"Token {token.key}")
    assert response.status_code == 200


@override_settings(LOGIN_PROXY_COUNT=1)
def test_behind_a_proxy_the_address_is_the_one_the_proxy_saw():
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.9")
    assert client_ip(request) == "203.0.113.9"  # what a client wrote itself (1.2.3.4) is ignored


def test_without_a_proxy_the_forwarded_header_is_ignored():
    request = RequestFactory().get("/", REMOTE_ADDR="198.51.100.7", HTTP_X_FORWARDED_FOR="1.2.3.4")
    assert client_ip(request) == "198.51.100.7"
