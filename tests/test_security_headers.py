"""Issue 13, point 8: a strict Content-Security-Policy (django-csp) with no inline script, a
Permissions-Policy on every response, and ``Cache-Control: private, no-store`` on every page
for a logged-in person and every API answer (not on static files or /healthz)."""

import re

import pytest
from django.contrib.staticfiles import finders
from django.test import override_settings
from rest_framework.authtoken.models import Token

from .factories import UserFactory

PAGES = ["/", "/articles/", "/articles/{article}/", "/claims/{claim}/", "/library/", "/account/two-factor/"]
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.IGNORECASE)


def policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    directives = (part.strip().split() for part in header.split(";") if part.strip())
    return {name: values for name, *values in directives}


@pytest.fixture
def pages(make_claim, article):
    claim = make_claim("flagged")
    return [page.format(article=article.pk, claim=claim.pk) for page in PAGES]


def test_the_policy_is_strict(client):
    csp = policy(client.get("/accounts/login/"))
    assert csp["default-src"] == ["'self'"]
    assert csp["script-src"] == ["'self'"]  # no 'unsafe-inline', no 'unsafe-eval', no host
    assert csp["object-src"] == ["'none'"]
    assert csp["base-uri"] == ["'self'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["form-action"] == ["'self'"]
    assert csp["style-src"] == ["'self'"]  # no <style> element; style attributes only:
    assert csp["style-src-attr"] == ["'unsafe-inline'"]


def test_every_desk_page_has_the_policy_and_no_inline_script(client, editor_user, pages):
    client.force_login(editor_user)
    for page in [*pages, "/admin/", "/admin/factcheck/claim/", "/api/docs/"]:
        response = client.get(page)
        assert response.status_code == 200, page
        assert "'unsafe-inline'" not in policy(response)["script-src"], page
        assert "'unsafe-eval'" not in policy(response)["script-src"], page
        html = response.content.decode()
        assert not INLINE_SCRIPT.search(html), f"inline script on {page}: {INLINE_SCRIPT.search(html).group(0)}"
        assert not re.search(r"<[^>]+\son[a-z]+=", html), f"inline event handler on {page}"


def test_the_api_docs_load_their_start_up_script_from_the_site(client, editor_user):
    client.force_login(editor_user)
    page = client.get("/api/docs/").content.decode()
    script = re.search(r'<script src="(/api/docs/\?[^"]*script=[^"]*)"', page)
    assert script, "Swagger UI's start-up script is served as a file"
    response = client.get(script.group(1).replace("&amp;", "&"))
    assert response.status_code == 200 and response["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle" in response.content.decode()
    assert "<style" not in page  # moved to factcheck/api-docs.css


# WhiteNoise serves static files straight from the apps' folders (no collectstatic in tests).
@override_settings(WHITENOISE_USE_FINDERS=True)
def test_permissions_policy_is_on_every_response(client, editor_user):
    static = "/static/factcheck/desk.css"
    assert finders.find("factcheck/desk.css")
    token = Token.objects.create(user=UserFactory(username="cms-bot", group="CMS"))
    assert client.get(static).status_code == 200
    responses = {
        "login": client.get("/accounts/login/"),
        "healthz": client.get("/healthz"),
        "static": client.get(static),
        "404": client.get("/no/such/page/"),
        "api": client.get("/api/v1/claims/", HTTP_AUTHORIZATION=f"Token {token.key}"),
    }
    client.force_login(editor_user)
    responses["desk"] = client.get("/")
    for name, response in responses.items():
        value = response.get("Permissions-Policy", "")
        for feature in ("camera=()", "microphone=()", "geolocation=()", "payment=()", "usb=()"):
            assert feature in value, (name, value)


def test_pages_for_a_logged_in_person_are_not_stored(client, editor_user, pages):
    client.force_login(editor_user)
    for page in pages:
        assert client.get(page)["Cache-Control"] == "private, no-store", page
    # The admin's own never_cache header says as much, and more: it stays.
    assert {"private", "no-store"} <= set(client.get("/admin/")["Cache-Control"].replace(" ", "").split(","))


def test_api_answers_are_not_stored(client, editor_user, make_claim):
    claim = make_claim("published")
    token = Token.objects.create(user=UserFactory(username="cms-bot", group="CMS"))
    auth = {"HTTP_AUTHORIZATION": f"Token {token.key}"}
    for path in ("/api/v1/claims/", f"/api/v1/claims/{claim.pk}/", "/api/v1/claimreview/", "/api/schema/"):
        response = client.get(path, **auth)
        assert response.status_code == 200 and response["Cache-Control"] == "private, no-store", path
    assert client.get("/api/v1/claims/")["Cache-Control"] == "private, no-store"  # a refusal too


@override_settings(WHITENOISE_USE_FINDERS=True)
def test_static_files_and_the_health_check_are_left_alone(client, editor_user):
    client.force_login(editor_user)
    static = client.get("/static/factcheck/desk.css")
    assert static.status_code == 200 and "no-store" not in static.get("Cache-Control", "")
    assert client.get("/healthz")["Cache-Control"] == "max-age=0, no-cache, no-store, must-revalidate, private"


def test_the_login_page_for_someone_not_logged_in_is_not_stored_either(client):
    assert "no-store" in client.get("/accounts/login/")["Cache-Control"]  # Django's never_cache
