"""The CMS export API under /api/v1/, writing: pushing articles and the workflow actions, with who
may do each and the errors a bad request gets."""

import pytest

from factcheck import workflow
from factcheck.models import Article, Claim, Event

from .api_clients import ACTORS, ARTICLE, S, _error
from .api_clients import api as api  # a pytest fixture, imported so that pytest finds it
from .api_clients import cms_user as cms_user  # the fixture ``api`` needs

# --- pushing articles ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("actor", "expected"),
    [("editor", 201), ("cms", 201), ("assigned_reviewer", 403), ("outsider", 403), ("anonymous", 401)],
)
def test_who_may_push_an_article(api, actor, expected):
    response = api(actor).post("/api/v1/articles/", ARTICLE, format="json")
    assert response.status_code == expected
    assert Article.objects.count() == (1 if expected == 201 else 0)


def test_pushing_an_article_is_idempotent_on_url_or_external_id(api):
    client = api("cms")
    first = client.post("/api/v1/articles/", ARTICLE, format="json")
    assert first.status_code == 201 and first.json()["url"] == "https://news.example.org/turnout"
    again = client.post("/api/v1/articles/", {**ARTICLE, "body": ARTICLE["body"] + " Edited."}, format="json")
    by_id = client.post("/api/v1/articles/", {**ARTICLE, "url": "", "body": "Other text said 3."}, format="json")
    assert (again.status_code, by_id.status_code) == (200, 200)
    assert again.json()["id"] == by_id.json()["id"] == first.json()["id"]
    article = Article.objects.get()
    assert article.source == Article.Source.API and article.claims.filter(status=S.SUGGESTED).exists()


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"title": "No body"}, None),
        ({**ARTICLE, "status": "published"}, "status"),
        ({**ARTICLE, "published_at": "soon"}, None),
        ({**ARTICLE, "url": "javascript:alert(1)"}, None),
        ([1, 2, 3], None),
        ({"title": ["not", "a", "string"], "body": "x"}, "title"),
    ],
)
def test_bad_article_payloads_answer_400_json(api, payload, field):
    response = api("cms").post("/api/v1/articles/", payload, format="json")
    assert response.status_code == 400
    error = _error(response)
    if field:
        assert field in error["fields"]
    assert not Article.objects.exists()


def test_malformed_json_answers_400_json(api):
    response = api("cms").post("/api/v1/articles/", "{not json", content_type="application/json")
    assert response.status_code == 400 and "JSON parse error" in _error(response)["message"]


# --- workflow actions ---------------------------------------------------------------

ACTIONS = {
    # action: (start status, body, who may)
    "accept": (S.SUGGESTED, {}, {"editor"}),
    "dismiss": (S.FLAGGED, {"note": "Not newsworthy"}, {"editor"}),
    "restore": (S.DISMISSED, {}, {"editor"}),
    "assign": (S.FLAGGED, {"reviewer": "reviewer2", "due_at": "2099-01-01T12:00:00Z"}, {"editor"}),
    "submit": (S.ASSIGNED,
               {"rating": "false", "summary": "Checked.", "evidence": [{"url": "https://e.org/x", "note": "y"}]},
               {"editor", "assigned_reviewer"}),
    "approve": (S.SUBMITTED, {}, {"editor"}),
    "return": (S.SUBMITTED, {"note": "Find a second source."}, {"editor"}),
    "correct": (S.PUBLISHED, {"rating": "false", "summary": "New video.", "reason": "Footage surfaced."}, {"editor"}),
}  # fmt: skip


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("name", list(ACTIONS))
def test_each_action_is_allowed_only_for_the_right_account(api, make_claim, name, actor):
    start, body, allowed = ACTIONS[name]
    claim = make_claim(start)
    events = Event.objects.filter(claim=claim).count()
    response = api(actor).post(f"/api/v1/claims/{claim.pk}/{name}/", body, format="json")
    claim.refresh_from_db()
    if actor in allowed:
        assert response.status_code == 200, response.json()
        assert response.json()["status"] == claim.status != start or name == "assign"
        assert Event.objects.filter(claim=claim).count() == events + 1
    else:
        expected = {"anonymous": 401}.get(actor, 403)
        assert response.status_code == expected, response.json()
        _error(response)
        assert claim.status == start and Event.objects.filter(claim=claim).count() == events


def test_a_stale_action_answers_409(api, make_claim):
    claim = make_claim(S.PUBLISHED)
    response = api("editor").post(f"/api/v1/claims/{claim.pk}/approve/", {}, format="json")
    assert response.status_code == 409 and "published" in _error(response)["message"]


def test_the_author_of_a_verdict_cannot_approve_it_through_the_api(api, make_claim, editor_user, rating):
    claim = make_claim(S.ASSIGNED)
    workflow.verdict_submit(claim, actor=editor_user, rating=rating, summary="Mine.")
    response = api("editor").post(f"/api/v1/claims/{claim.pk}/approve/", {}, format="json")
    assert response.status_code == 403 and "another editor" in _error(response)["message"]


@pytest.mark.parametrize(
    ("name", "body", "field"),
    [
        ("assign", {"reviewer": "nobody"}, "reviewer"),
        ("assign", {"reviewer": "y\U0003414f\u0000"}, "reviewer"),  # found by schemathesis on PostgreSQL
        ("assign", {"reviewer": "reviewer2", "note": "nul\u0000"}, "note"),
        ("assign", {"reviewer": "reviewer2", "due_at": "tomorrow"}, "due_at"),
        ("submit", {"rating": "pants-on-fire", "summary": "x"}, "rating"),
        ("submit", {"rating": "false"}, "summary"),
        ("submit", {"rating": "false", "summary": "x", "status": "published"}, "status"),
        ("submit", {"rating": "false", "summary": "x", "author": 1}, "author"),
        ("return", {}, "note"),
        ("submit", {"rating": "false", "summary": "x", "evidence": [{"url": "javascript:alert(1)"}]}, "evidence"),
    ],
)
def test_invalid_action_bodies_answer_400_with_the_field(api, make_claim, name, body, field):
    claim = make_claim(S.SUBMITTED if name == "return" else S.FLAGGED if name == "assign" else S.ASSIGNED)
    response = api("editor").post(f"/api/v1/claims/{claim.pk}/{name}/", body, format="json")
    assert response.status_code == 400, response.json()
    assert field in _error(response)["fields"]


def test_the_api_assigns_by_username_or_id(api, make_claim, other_reviewer):
    first, second = make_claim(S.FLAGGED), make_claim(S.FLAGGED)
    assert api("editor").post(f"/api/v1/claims/{first.pk}/assign/", {"reviewer": other_reviewer.pk}).status_code == 200
    assert api("editor").post(f"/api/v1/claims/{second.pk}/assign/", {"reviewer": "reviewer2"}).status_code == 200


def test_flagging_a_claim_through_the_api(api, article):
    text = "reportedly numbers in the thousands"
    start = article.body.index(text)
    body = {"article": article.pk, "kind": "statistic", "text": text, "start": start, "end": start + len(text)}
    response = api("editor").post("/api/v1/claims/", body, format="json")
    assert response.status_code == 201 and response.json()["status"] == "flagged"
    wrong = api("editor").post("/api/v1/claims/", {**body, "start": 0}, format="json")
    assert wrong.status_code == 400 and "does not match" in _error(wrong)["message"]
    forged = api("editor").post("/api/v1/claims/", {**body, "status": "published"}, format="json")
    assert forged.status_code == 400 and "status" in _error(forged)["fields"]
    reviewer = api("assigned_reviewer").post("/api/v1/claims/", body, format="json")
    assert reviewer.status_code == 403
    assert Claim.objects.count() == 1


def test_claims_cannot_be_edited_or_deleted(api, make_claim):
    claim = make_claim(S.FLAGGED)
    client = api("editor")
    assert client.patch(f"/api/v1/claims/{claim.pk}/", {"status": "published"}, format="json").status_code == 405
    assert client.delete(f"/api/v1/claims/{claim.pk}/").status_code == 405
    claim.refresh_from_db()
    assert claim.status == S.FLAGGED


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/claims/99999999999999999999999/",
        "/api/v1/claims/abc/",
        "/api/v1/claims/?article=99999999999999999999999",
        "/api/v1/claims/?updated_since=yesterday",
        "/api/v1/claims/?cursor=garbage",
        "/api/v1/claims/?status=bogus",
        "/api/v1/claims/?page_size=100000",
        "/api/v1/articles/?updated_since=9999-12-31T23:59:59Z",
    ],
)
def test_odd_queries_answer_json_never_500(api, path, make_claim):
    make_claim(S.PUBLISHED)
    response = api("editor").get(path)
    assert response.status_code < 500
    if response.status_code >= 400:
        assert "json" in response["Content-Type"]
        _error(response)


def test_page_size_is_capped(api, make_claim, settings):
    settings.API_MAX_PAGE_SIZE = 3
    for _ in range(5):
        make_claim(S.FLAGGED)
    body = api("editor").get("/api/v1/claims/?page_size=100").json()
    assert len(body["results"]) == 3 and body["next"]


def test_ratings_list_the_stable_slugs(api):
    slugs = [r["slug"] for r in api("cms").get("/api/v1/ratings/").json()]
    assert slugs == ["true", "mostly-true", "mixed", "mostly-false", "false", "misleading", "unverifiable"]
