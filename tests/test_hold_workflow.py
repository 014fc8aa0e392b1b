"""On hold through the workflow: an editor parks a flagged or assigned claim with a note and
resumes it later, back to where it was, its deadlines moved by the time it waited; and the
reviewers' email."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from factcheck import workflow
from factcheck.models import Assignment, Claim, Event

from .hold_helpers import NOTE, S, hold_events, queue_ids, snapshot

WORKFLOW_ACTORS = ["editor_user", "assigned_reviewer", "other_reviewer", "anonymous"]


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
