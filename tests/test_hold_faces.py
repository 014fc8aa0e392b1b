"""On hold through the faces: the claim page and the desk, the API, and the admin's bulk actions."""

import re

import pytest
from django.urls import reverse

from factcheck import workflow
from factcheck.models import Claim, Event

from .api_clients import _error
from .api_clients import api as api  # a pytest fixture, imported so that pytest finds it
from .api_clients import cms_user as cms_user  # the fixture ``api`` needs
from .desk_pages import ANON, ASSIGNED, EDITOR, OTHER, OUTSIDER, login, messages_of, post_action, state
from .hold_helpers import NOTE, S, hold_events, queue_ids, snapshot

PAGE_ACTORS = [EDITOR, ASSIGNED, OTHER, OUTSIDER, ANON]
API_ACTORS = ["editor", "assigned_reviewer", "other_reviewer", "cms", "outsider", "anonymous"]


def shown_actions(response):
    return set(re.findall(r'id="action-(\w+)"', response.content.decode()))


# --- 2. the pages -----------------------------------------------------------
@pytest.mark.parametrize(
    ("status", "actor", "offered"),
    [
        (S.FLAGGED, EDITOR, {"hold"}),
        (S.ASSIGNED, EDITOR, {"hold"}),
        (S.ON_HOLD, EDITOR, {"resume"}),
        (S.SUBMITTED, EDITOR, set()),
        (S.ASSIGNED, ASSIGNED, set()),
        (S.ON_HOLD, ASSIGNED, set()),
        (S.ASSIGNED, OTHER, set()),
        (S.ON_HOLD, OTHER, set()),
    ],
)
def test_the_claim_page_offers_hold_and_resume_to_editors_only(request, client, make_claim, status, actor, offered):
    claim = make_claim(status)
    login(client, request.getfixturevalue(actor))
    response = client.get(f"/claims/{claim.pk}/")
    assert response.status_code == 200
    assert shown_actions(response) & {"hold", "resume"} == offered


def test_holding_on_the_page_without_a_note_shows_the_error_and_changes_nothing(client, make_claim, editor_user):
    claim = make_claim(S.ASSIGNED)
    client.force_login(editor_user)
    before = state(claim)
    response = post_action(client, claim, "hold", {"note": "  "})
    assert response.status_code == 400
    form = re.search(r'<form[^>]*id="action-hold".*?</form>', response.content.decode(), re.S).group()
    assert "This field is required" in form
    assert state(claim) == before


@pytest.mark.parametrize("actor", PAGE_ACTORS)
def test_holding_on_the_page_is_for_editors_only(request, client, make_claim, actor):
    claim = make_claim(S.ASSIGNED)
    login(client, request.getfixturevalue(actor))
    before = state(claim)
    response = post_action(client, claim, "hold", {"note": NOTE})
    if actor == EDITOR:
        assert response.status_code == 302 and response.url == f"/claims/{claim.pk}/"
        assert messages_of(response) == [("success", "Put on hold.")]
        assert state(claim)[0] == S.ON_HOLD
        assert hold_events(claim)[0].note == NOTE
        return
    if actor == ANON:
        assert response.status_code == 302 and response.url.startswith("/accounts/login/")
    elif actor == OUTSIDER:
        assert response.status_code == 403
    else:
        assert response.status_code == 302 and response.url == f"/claims/{claim.pk}/"
        [(level, text)] = messages_of(response)
        assert level == "error" and "Only editors" in text
    assert state(claim) == before


def test_the_editor_desk_lists_held_claims_and_resuming_on_the_page_takes_them_off(client, make_claim, editor_user):
    held, flagged = make_claim(S.ON_HOLD), make_claim(S.FLAGGED, text="reportedly numbers in the thousands")
    client.force_login(editor_user)
    desk = client.get("/")
    assert queue_ids(desk, "on_hold") == {held.pk}
    assert "On hold" in re.search(r'id="queue-on_hold".*?</h2>', desk.content.decode(), re.S).group()
    assert held.pk not in queue_ids(desk, "flagged") and flagged.pk in queue_ids(desk, "flagged")

    response = post_action(client, held, "resume", {"note": ""})
    assert messages_of(response) == [("success", "Resumed.")]
    assert state(held)[0] == S.ASSIGNED
    assert queue_ids(client.get("/"), "on_hold") == set()


def test_a_reviewer_desk_has_no_held_claims(client, make_claim, assigned_reviewer):
    held = make_claim(S.ON_HOLD)
    client.force_login(assigned_reviewer)
    desk = client.get("/")
    assert 'id="queue-on_hold"' not in desk.content.decode()
    assert held.pk not in queue_ids(desk, "assigned")


# --- 3. the API ---------------------------------------------------------------
@pytest.mark.parametrize("actor", API_ACTORS)
def test_holding_through_the_api_is_for_editors_only(api, make_claim, actor):
    claim = make_claim(S.ASSIGNED)
    before = snapshot(claim)
    response = api(actor).post(f"/api/v1/claims/{claim.pk}/hold/", {"note": NOTE}, format="json")
    if actor == "editor":
        assert response.status_code == 200, response.json()
        assert response.json()["status"] == S.ON_HOLD == snapshot(claim)[0]
        assert hold_events(claim)[0].note == NOTE
    else:
        assert response.status_code in ((401, 403) if actor == "anonymous" else (403,))
        _error(response)
        assert snapshot(claim) == before


@pytest.mark.parametrize("body", [{}, {"note": ""}, {"note": "   "}])
def test_holding_through_the_api_without_a_note_answers_400(api, make_claim, body):
    claim = make_claim(S.FLAGGED)
    before = snapshot(claim)
    response = api("editor").post(f"/api/v1/claims/{claim.pk}/hold/", body, format="json")
    assert response.status_code == 400, response.json()
    error = _error(response)
    assert error["code"] == "invalid" and "note" in error["fields"]
    assert snapshot(claim) == before


@pytest.mark.parametrize(("start", "action"), [(S.PUBLISHED, "hold"), (S.SUBMITTED, "hold"), (S.ASSIGNED, "resume")])
def test_holding_or_resuming_from_the_wrong_status_answers_409(api, make_claim, start, action):
    claim = make_claim(start)
    before = snapshot(claim)
    response = api("editor").post(f"/api/v1/claims/{claim.pk}/{action}/", {"note": NOTE}, format="json")
    assert response.status_code == 409
    assert _error(response)["code"] == "conflict"
    assert snapshot(claim) == before


@pytest.mark.parametrize("start", [S.FLAGGED, S.ASSIGNED])
def test_resuming_through_the_api_goes_back_to_the_previous_status(api, make_claim, start):
    claim = make_claim(start)
    client = api("editor")
    assert client.post(f"/api/v1/claims/{claim.pk}/hold/", {"note": NOTE}, format="json").status_code == 200
    response = client.post(f"/api/v1/claims/{claim.pk}/resume/", {}, format="json")
    assert response.status_code == 200
    assert response.json()["status"] == start == snapshot(claim)[0]


@pytest.mark.parametrize("actor", ["assigned_reviewer", "other_reviewer", "cms", "anonymous"])
def test_resuming_through_the_api_is_refused_to_everyone_but_editors(api, make_claim, actor):
    claim = make_claim(S.ON_HOLD)
    before = snapshot(claim)
    response = api(actor).post(f"/api/v1/claims/{claim.pk}/resume/", {}, format="json")
    assert response.status_code in ((401, 403) if actor == "anonymous" else (403,))
    _error(response)
    assert snapshot(claim) == before


def test_the_desk_lists_held_claims_through_the_api_and_the_cms_never_sees_them(api, make_claim):
    held, flagged = make_claim(S.ON_HOLD), make_claim(S.FLAGGED, text="reportedly numbers in the thousands")
    listed = api("editor").get("/api/v1/claims/", {"status": "on_hold"}).json()["results"]
    assert [(c["id"], c["status"]) for c in listed] == [(held.pk, "on_hold")]
    assert flagged.pk not in {c["id"] for c in listed}
    assert api("assigned_reviewer").get(f"/api/v1/claims/{held.pk}/").json()["status"] == "on_hold"
    assert api("cms").get(f"/api/v1/claims/{held.pk}/").status_code == 404


def test_the_openapi_schema_documents_hold_and_resume(client, db):
    paths = client.get("/api/schema/?format=json").json()["paths"]
    for action in ("hold", "resume"):
        operation = paths[f"/api/v1/claims/{{id}}/{action}/"]["post"]
        assert {"200", "400", "403", "409"} <= set(operation["responses"])


# --- 4. the admin's bulk actions ---------------------------------------------
CHANGELIST = reverse("admin:factcheck_claim_changelist")


def _admin_messages(response):
    from django.contrib.messages import get_messages

    return " ".join(str(m) for m in get_messages(response.wsgi_request))


def _done(text, verb):
    """The claims a bulk action reports done (in the changelist's order, whatever it is)."""
    match = re.search(rf"{verb} (\d+) claim\(s\): ([#\d, ]+)\.", text)
    assert match, text
    ids = {int(pk) for pk in re.findall(r"#(\d+)", match.group(2))}
    assert len(ids) == int(match.group(1))
    return ids


def test_bulk_hold_asks_for_a_note_then_holds_the_allowed_and_reports_the_refused(client, editor_user, make_claim):
    flagged, assigned = make_claim(S.FLAGGED), make_claim(S.ASSIGNED)
    published = make_claim(S.PUBLISHED)
    ids = [flagged.pk, assigned.pk, published.pk]
    client.force_login(editor_user)

    page = client.post(CHANGELIST, {"action": "hold_claims", "_selected_action": ids})
    assert page.status_code == 200
    text = page.content.decode()
    assert "Put on hold: 3 claim(s)" in text and 'name="note"' in text and 'name="apply"' in text
    assert not Event.objects.filter(action="hold").exists()

    empty = client.post(CHANGELIST, {"action": "hold_claims", "_selected_action": ids, "apply": "1", "note": ""})
    assert empty.status_code == 200 and "This field is required" in empty.content.decode()
    assert not Event.objects.filter(action="hold").exists()

    done = client.post(
        CHANGELIST, {"action": "hold_claims", "_selected_action": ids, "apply": "1", "note": NOTE}, follow=True
    )
    text = _admin_messages(done)
    assert _done(text, "Put on hold") == {flagged.pk, assigned.pk}
    assert f"Refused 1 claim(s): #{published.pk}: Cannot put this claim on hold: the claim is published now." in text
    statuses = dict(Claim.objects.values_list("pk", "status"))
    assert statuses == {flagged.pk: S.ON_HOLD, assigned.pk: S.ON_HOLD, published.pk: S.PUBLISHED}
    assert set(Event.objects.filter(action="hold").values_list("note", flat=True)) == {NOTE}


def test_bulk_resume_resumes_each_claim_to_where_it_was(client, editor_user, make_claim):
    flagged, assigned, waiting = make_claim(S.FLAGGED), make_claim(S.ASSIGNED), make_claim(S.SUBMITTED)
    for claim in (flagged, assigned):
        workflow.perform("hold", claim, actor=editor_user, note=NOTE)
    client.force_login(editor_user)
    ids = [flagged.pk, assigned.pk, waiting.pk]
    done = client.post(CHANGELIST, {"action": "resume_claims", "_selected_action": ids}, follow=True)
    text = _admin_messages(done)
    assert _done(text, "Resumed") == {flagged.pk, assigned.pk}
    assert f"Refused 1 claim(s): #{waiting.pk}: Cannot resume this claim" in text
    statuses = dict(Claim.objects.values_list("pk", "status"))
    assert statuses == {flagged.pk: S.FLAGGED, assigned.pk: S.ASSIGNED, waiting.pk: S.SUBMITTED}


@pytest.mark.parametrize("actor", [ASSIGNED, OTHER, ANON])
def test_people_outside_the_back_office_cannot_hold_in_bulk(request, client, make_claim, actor):
    claim = make_claim(S.ASSIGNED)
    login(client, request.getfixturevalue(actor))
    response = client.post(
        CHANGELIST, {"action": "hold_claims", "_selected_action": [claim.pk], "apply": "1", "note": NOTE}
    )
    assert response.status_code == 302 and response.url.startswith(reverse("admin:login"))
    assert snapshot(claim)[0] == S.ASSIGNED and not hold_events(claim)
