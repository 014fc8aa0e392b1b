import re

import pytest
from django.urls import reverse

from factcheck.models import Claim

S = Claim.Status


def test_healthz_answers_without_login(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


@pytest.mark.parametrize("url", ["/", "/claims/1/"])
def test_pages_require_login(client, db, url):
    response = client.get(url)
    assert response.status_code == 302 and response.url.startswith("/accounts/login/")


def test_login_page_and_wrong_password_message(client, editor_user):
    assert client.get("/accounts/login/").status_code == 200
    response = client.post("/accounts/login/", {"username": "editor1", "password": "wrong"})
    assert response.status_code == 200
    assert b"Please enter a correct username and password" in response.content
    response = client.post("/accounts/login/", {"username": "editor1", "password": "pass-for-tests"})
    assert response.status_code == 302 and response.url == "/"


@pytest.mark.parametrize("rows", [1, 12])
def test_editor_desk_query_count_is_fixed(client, editor_user, make_claim, rows, django_assert_num_queries):
    for _ in range(rows):
        make_claim(S.SUGGESTED)
        make_claim(S.SUBMITTED)
    client.force_login(editor_user)
    # session, user, perms; per non-empty queue (suggested, submitted): count, page, prefetch
    # assignments (+reviewers); the suggestions' stored library matches; per empty queue (flagged, overdue,
    # on hold): count only; whether the editor is also a reviewer (their queues too); the bulk assign's reviewers
    with django_assert_num_queries(3 + 2 * 3 + 1 + 3 * 1 + 1 + 1):
        response = client.get("/")
    assert response.status_code == 200
    assert len(re.findall(rb'href="/claims/\d+/"', response.content)) == 2 * min(rows, 10)


@pytest.mark.parametrize("rows", [1, 12])
def test_reviewer_desk_query_count_is_fixed(client, assigned_reviewer, make_claim, rows, django_assert_num_queries):
    for _ in range(rows):
        make_claim(S.ASSIGNED)
    client.force_login(assigned_reviewer)
    # session, user, perms; assigned: count, page, prefetch; waiting, returned and published (empty): count
    with django_assert_num_queries(3 + 3 + 3):
        response = client.get("/")
    assert response.status_code == 200
    assert len(re.findall(rb'href="/claims/\d+/"', response.content)) == min(rows, 10)


@pytest.mark.parametrize("who", ["editor_user", "assigned_reviewer", "other_reviewer"])
def test_claim_page_shows_the_timeline(request, client, make_claim, who):
    claim = make_claim(S.PUBLISHED)
    client.force_login(request.getfixturevalue(who))
    response = client.get(reverse("factcheck:claim", args=[claim.pk]))
    assert response.status_code == 200
    assert b"Unverifiable" in response.content and b"approve" in response.content


def test_unknown_claim_is_404(client, editor_user):
    client.force_login(editor_user)
    assert client.get("/claims/999999/").status_code == 404


@pytest.mark.parametrize(
    "url",
    [
        "/admin/factcheck/claim/?q=%00",
        "/admin/factcheck/claim/?reviewer=%00&rating=%00",
        "/articles/?q=%00&outlet=%00",
        "/?suggested-page=%00",
        "/api/v1/claims/?rating=%00",
    ],
)
def test_a_nul_character_in_a_query_is_a_400_never_a_database_error(client, editor_user, url):
    client.force_login(editor_user)
    response = client.get(url)
    assert response.status_code == 400 and b"NUL character" in response.content


def test_a_nul_character_in_a_form_is_a_400(client, editor_user):
    client.force_login(editor_user)
    response = client.post("/articles/import/", {"source": "paste", "paste-body": "Text\x00"})
    assert response.status_code == 400 and b"NUL character" in response.content
