"""On hold: an editor parks a flagged or assigned claim with a note and resumes it later, back to
where it was, its deadlines moved by the time it waited. Through the workflow, the pages, the
API, the admin's bulk actions and the reviewers' email."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from factcheck import workflow
from factcheck.models import Assignment, Claim, Event

from .api_clients import _error
from .api_clients import api as api  # a pytest fixture, imported so that pytest finds it
from .api_clients import cms_user as cms_user  # the fixture ``api`` needs
from .desk_pages import ANON, ASSIGNED, EDITOR, OTHER, OUTSIDER, login, messages_of, post_action, state

S = Claim.Status
NOTE = "Waiting for the governor's office to call back."
WORKFLOW_ACTORS = ["editor_user", "assigned_reviewer", "other_reviewer", "anonymous"]
PAGE_ACTORS = [EDITOR, ASSIGNED, OTHER, OUTSIDER, ANON]
API_ACTORS = ["editor", "assigned_reviewer", "other_reviewer", "cms", "outsider", "anonymous"]


# --- helpers ---------------------------------------------------------------
class Clock:
    """``django.utils.timezone.now`` under the test's control: it moves only when told."""

    def __init__(self, start):
        self.now = start

    def __call__(self):
        return self.now

    def advance(self, **delta):
        self.now += timedelta(**delta)


@pytest.fixture
def clock(monkeypatch):
    clock = Clock(timezone.now())
    # Every caller reads ``timezone.now`` at call time (the workflow, overdue, is_overdue);
    # model defaults bound the real function at import and keep the real time.
    monkeypatch.setattr(timezone, "now", clock)
    return clock


def hold_events(claim):
    return list(Event.objects.filter(claim=claim, action="hold"))


def snapshot(claim):
    claim.refresh_from_db()
    return claim.status, claim.updated_at, Event.objects.filter(claim=claim).count()


def queue_ids(response, name):
    """The claims listed in one queue of the desk page."""
    match = re.search(rf'<section[^>]*id="queue-{name}".*?</section>', response.content.decode(), re.S)
    assert match, f"no queue {name} on the desk"
    return {int(pk) for pk in re.findall(r'href="/claims/(\d+)/"', match.group())}


def shown_actions(response):
    return set(re.findall(r'id="action-(\w+)"', response.content.decode()))


def assigned_with_due(make_claim, editor_user, reviewer, due_at):
    claim = make_claim(S.FLAGGED)
    return workflow.claim_assign(claim, actor=editor_user, reviewer=reviewer, due_at=due_at)


# --- 1. the workflow -------------------------------------------------------
@pytest.mark.parametrize("start", [S.FLAGGED, S.ASSIGNED])
def test_an_editor_puts_a_flagged_or_assigned_claim_on_hold_with_a_note(make_claim, editor_user, start):
    claim = make_claim(start)
    events = Event.objects.filter(claim=claim).count()

    held = workflow.perform("hold", claim, actor=editor_user, note=f"  {NOTE}  ")

    claim.refresh_from_db()
    assert held.status == claim.status == S.ON_HOLD
    assert Event.objects.filter(claim=claim).count() == events + 1
    [event] = hold_events(claim)
    assert (event.from_status, event.to_status, event.actor, event.note) == (start, S.ON_HOLD, editor_user, NOTE)


@pytest.mark.parametrize("note", ["", "   \n "])
def test_a_hold_without_a_note_is_refused_and_nothing_changes(make_claim, editor_user, note):
    claim = make_claim(S.ASSIGNED)
    before = snapshot(claim)
    with pytest.raises(workflow.Invalid, match="the desk needs a note"):
        workflow.perform("hold", claim, actor=editor_user, note=note)
    assert snapshot(claim) == before


@pytest.mark.parametrize("start", [S.SUGGESTED, S.SUBMITTED, S.PUBLISHED, S.DISMISSED, S.ON_HOLD])
def test_a_claim_can_only_be_held_while_flagged_or_assigned(make_claim, editor_user, start):
    claim = make_claim(start)
    before = snapshot(claim)
    with pytest.raises(workflow.Conflict, match="Cannot put this claim on hold"):
        workflow.perform("hold", claim, actor=editor_user, note=NOTE)
    assert snapshot(claim) == before


@pytest.mark.parametrize("actor", WORKFLOW_ACTORS)
@pytest.mark.parametrize("action", ["hold", "resume"])
def test_only_an_editor_holds_or_resumes_a_claim(request, make_claim, actor, action):
    claim = make_claim(S.ASSIGNED if action == "hold" else S.ON_HOLD)
    person = request.getfixturevalue(actor)
    before = snapshot(claim)
    if actor == "editor_user":
        workflow.perform(action, claim, actor=person, note=NOTE)
        assert snapshot(claim)[0] == (S.ON_HOLD if action == "hold" else S.ASSIGNED)
    else:
        with pytest.raises(workflow.NotAllowed, match="Only editors"):
            workflow.perform(action, claim, actor=person, note=NOTE)
        assert snapshot(claim) == before


@pytest.mark.parametrize("start", [S.FLAGGED, S.ASSIGNED])
def test_resuming_goes_back_to_the_status_the_claim_was_held_from(make_claim, editor_user, start):
    claim = make_claim(start)
    workflow.perform("hold", claim, actor=editor_user, note=NOTE)

    resumed = workflow.perform("resume", claim, actor=editor_user)

    claim.refresh_from_db()
    assert resumed.status == claim.status == start
    event = Event.objects.filter(claim=claim, action="resume").get()
    assert (event.from_status, event.to_status) == (S.ON_HOLD, start)


def test_a_claim_held_twice_resumes_to_where_it_was_held_the_second_time(make_claim, editor_user, other_reviewer):
    claim = make_claim(S.FLAGGED)
    workflow.perform("hold", claim, actor=editor_user, note=NOTE)
    workflow.perform("resume", claim, actor=editor_user)
    workflow.claim_assign(claim, actor=editor_user, reviewer=other_reviewer)
    workflow.perform("hold", claim, actor=editor_user, note="Again.")
    assert workflow.perform("resume", claim, actor=editor_user).status == S.ASSIGNED


def test_a_held_claim_dismissed_closes_its_assignments_and_comes_back_flagged(make_claim, editor_user):
    """The only way a held claim loses its reviewers: dismissing it, which leaves on hold for
    dismissed (restore then gives flagged, and resume is not offered from there). The branch of
    resume that finds an assigned claim without open assignments cannot be reached."""
    claim = make_claim(S.ON_HOLD)
    workflow.claim_dismiss(claim, actor=editor_user, note="Moot now.")
    assert not Assignment.objects.filter(claim=claim, done_at__isnull=True).exists()
    with pytest.raises(workflow.Conflict):
        workflow.perform("resume", claim, actor=editor_user)
    assert workflow.claim_restore(claim, actor=editor_user).status == S.FLAGGED


def test_resuming_moves_open_due_dates_by_the_time_on_hold(
    clock, make_claim, editor_user, assigned_reviewer, other_reviewer
):
    due = clock.now + timedelta(days=2)
    claim = assigned_with_due(make_claim, editor_user, assigned_reviewer, due)
    workflow.claim_assign(claim, actor=editor_user, reviewer=other_reviewer)  # no due date
    workflow.perform("hold", claim, actor=editor_user, note=NOTE)
    clock.advance(days=5, hours=3)

    workflow.perform("resume", claim, actor=editor_user)

    dates = dict(Assignment.objects.filter(claim=claim).values_list("reviewer__username", "due_at"))
    assert dates == {"reviewer1": due + timedelta(days=5, hours=3), "reviewer2": None}
    event = Event.objects.get(claim=claim, action="resume")
    assert event.data == {"held_seconds": (5 * 24 + 3) * 3600, "due_dates_moved": 1}


def test_a_held_claim_is_never_overdue_and_is_not_late_after_resuming(
    clock, client, make_claim, editor_user, assigned_reviewer
):
    claim = assigned_with_due(make_claim, editor_user, assigned_reviewer, clock.now + timedelta(days=2))
    assignment = Assignment.objects.get(claim=claim)
    workflow.perform("hold", claim, actor=editor_user, note=NOTE)
    clock.advance(days=5)  # the due date passes while the claim waits
    client.force_login(editor_user)

    def late():
        assignment.refresh_from_db()
        assignment.claim.refresh_from_db()
        desk = client.get("/")
        in_queue = claim.pk in queue_ids(desk, "overdue")
        return Claim.objects.overdue().filter(pk=claim.pk).exists(), assignment.is_overdue, in_queue

    assert assignment.due_at < timezone.now()
    assert late() == (False, False, False)
    assert claim.pk in queue_ids(client.get("/"), "on_hold")

    workflow.perform("resume", claim, actor=editor_user)
    assert late() == (False, False, False)
    assert claim.pk not in queue_ids(client.get("/"), "on_hold")

    clock.advance(days=2, minutes=1)  # the two days it had left run out
    assert late() == (True, True, True)


def test_a_claim_late_before_the_hold_is_still_late_after_it(clock, make_claim, editor_user, assigned_reviewer):
    claim = assigned_with_due(make_claim, editor_user, assigned_reviewer, clock.now + timedelta(days=1))
    clock.advance(days=2)
    assert Claim.objects.overdue().filter(pk=claim.pk).exists()
    workflow.perform("hold", claim, actor=editor_user, note=NOTE)
    assert not Claim.objects.overdue().filter(pk=claim.pk).exists()
    clock.advance(days=10)
    workflow.perform("resume", claim, actor=editor_user)
    assert Claim.objects.overdue().filter(pk=claim.pk).exists()  # still a day late, not eleven
    assignment = Assignment.objects.get(claim=claim)
    assert timezone.now() - assignment.due_at == timedelta(days=1)


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


# --- 5. notifications ---------------------------------------------------------
def test_holding_an_assigned_claim_emails_its_reviewer_with_a_link(
    make_claim, editor_user, settings, django_capture_on_commit_callbacks
):
    claim = make_claim(S.ASSIGNED)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        workflow.perform("hold", claim, actor=editor_user, note=NOTE)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["reviewer1@example.org"]
    assert f"claim #{claim.pk}" in message.subject and "hold" in message.subject.lower()
    assert settings.SITE_URL + f"/claims/{claim.pk}/" in message.body and NOTE in message.body


def test_resuming_emails_the_reviewer_and_holding_an_unassigned_claim_emails_nobody(
    make_claim, editor_user, django_capture_on_commit_callbacks
):
    assigned, flagged = make_claim(S.ON_HOLD), make_claim(S.FLAGGED)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        workflow.perform("hold", flagged, actor=editor_user, note=NOTE)
    assert mail.outbox == []
    with django_capture_on_commit_callbacks(execute=True):
        workflow.perform("resume", assigned, actor=editor_user)
    assert [m.to for m in mail.outbox] == [["reviewer1@example.org"]]
    assert f"/claims/{assigned.pk}/" in mail.outbox[0].body and "Resumed" in mail.outbox[0].subject
