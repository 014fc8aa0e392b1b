"""Every transition: allowed for the right role, refused for the wrong ones
with the domain error, and exactly one Event written when it happens."""

import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from factcheck import workflow
from factcheck.models import Assignment, Claim, Event, Rating, Verdict

S = Claim.Status
ACTORS = ["editor", "assigned_reviewer", "other_reviewer", "outsider", "anonymous"]


def _actor(request, name):
    return {
        "editor": request.getfixturevalue("editor_user"),
        "assigned_reviewer": request.getfixturevalue("assigned_reviewer"),
        "other_reviewer": request.getfixturevalue("other_reviewer"),
        "outsider": request.getfixturevalue("outsider"),
        "anonymous": request.getfixturevalue("anonymous"),
    }[name]


# transition name -> (status it starts from, status it ends in, who may do it, how to call it)
TRANSITIONS = {
    "accept": (S.SUGGESTED, S.FLAGGED, {"editor"}, lambda c, a, x: workflow.claim_accept(c, actor=a)),
    "dismiss": (S.FLAGGED, S.DISMISSED, {"editor"}, lambda c, a, x: workflow.claim_dismiss(c, actor=a)),
    "restore": (S.DISMISSED, S.SUGGESTED, {"editor"}, lambda c, a, x: workflow.claim_restore(c, actor=a)),
    "assign": (
        S.FLAGGED,
        S.ASSIGNED,
        {"editor"},
        lambda c, a, x: workflow.claim_assign(c, actor=a, reviewer=x["other_reviewer"]),
    ),
    "submit": (
        S.ASSIGNED,
        S.SUBMITTED,
        {"editor", "assigned_reviewer"},
        lambda c, a, x: workflow.verdict_submit(c, actor=a, rating=x["rating"], summary="Checked."),
    ),
    "approve": (S.SUBMITTED, S.PUBLISHED, {"editor"}, lambda c, a, x: workflow.verdict_approve(c, actor=a)),
    "return": (
        S.SUBMITTED,
        S.ASSIGNED,
        {"editor"},
        lambda c, a, x: workflow.verdict_return(c, actor=a, note="Find a second source."),
    ),
    "correct": (
        S.PUBLISHED,
        S.SUBMITTED,
        {"editor"},
        lambda c, a, x: workflow.verdict_correct(
            c, actor=a, rating=Rating.objects.get(slug="false"), summary="New footage.", reason="Video surfaced."
        ),
    ),
}


@pytest.mark.django_db
@pytest.mark.parametrize("actor_name", ACTORS)
@pytest.mark.parametrize("name", list(TRANSITIONS))
def test_each_transition_is_allowed_only_for_the_right_role(request, make_claim, rating, name, actor_name):
    start, end, allowed, call = TRANSITIONS[name]
    claim = make_claim(start)
    actor = _actor(request, actor_name)
    extra = {"rating": rating, "other_reviewer": request.getfixturevalue("other_reviewer")}
    events_before = Event.objects.filter(claim=claim, action=name).count()

    if actor_name in allowed:
        call(claim, actor, extra)
        claim.refresh_from_db()
        assert claim.status == end
        events = Event.objects.filter(claim=claim, action=name)
        assert events.count() == events_before + 1
        event = events.latest("id")
        assert (event.from_status, event.to_status, event.actor) == (start, end, actor)
    else:
        with pytest.raises(workflow.NotAllowed) as refused:
            call(claim, actor, extra)
        assert refused.value.message  # a sentence a person can read
        claim.refresh_from_db()
        assert claim.status == start
        assert Event.objects.filter(claim=claim, action=name).count() == events_before


@pytest.mark.django_db
@pytest.mark.parametrize("actor_name", ACTORS)
def test_only_editors_flag_claims(request, article, actor_name):
    actor = _actor(request, actor_name)
    text = "reportedly numbers in the thousands"
    if actor_name == "editor":
        claim = workflow.claim_flag(article=article, actor=actor, text=text, kind=Claim.Kind.STATISTIC)
        assert claim.status == S.FLAGGED
        assert article.body[claim.span_start : claim.span_end] == text
        assert list(claim.events.values_list("action", "to_status")) == [("flag", S.FLAGGED)]
    else:
        with pytest.raises(workflow.NotAllowed):
            workflow.claim_flag(article=article, actor=actor, text=text)
        assert not Claim.objects.exists()


def test_a_transition_from_the_wrong_status_is_a_conflict(make_claim, editor_user):
    claim = make_claim(S.PUBLISHED)
    with pytest.raises(workflow.Conflict, match="published"):
        workflow.verdict_approve(claim, actor=editor_user)
    with pytest.raises(workflow.Conflict):
        workflow.claim_accept(claim, actor=editor_user)
    assert Event.objects.filter(claim=claim, action="approve").count() == 1


def test_the_author_of_a_verdict_cannot_approve_it(make_claim, editor_user, second_editor, rating):
    claim = make_claim(S.ASSIGNED)
    workflow.verdict_submit(claim, actor=editor_user, rating=rating, summary="I looked myself.")
    with pytest.raises(workflow.NotAllowed, match="another editor"):
        workflow.verdict_approve(claim, actor=editor_user)
    claim.refresh_from_db()
    assert claim.status == S.SUBMITTED

    workflow.verdict_approve(claim, actor=second_editor)
    verdict = claim.verdicts.get()
    assert (verdict.author, verdict.approved_by) == (editor_user, second_editor)


def test_another_reviewer_cannot_submit_on_a_claim_not_assigned_to_them(make_claim, other_reviewer, rating):
    claim = make_claim(S.ASSIGNED)
    with pytest.raises(workflow.NotAllowed, match="not assigned to you"):
        workflow.verdict_submit(claim, actor=other_reviewer, rating=rating, summary="Mine now.")
    assert not Verdict.objects.exists()


def test_a_correction_keeps_the_earlier_verdict_on_record(make_claim, editor_user, second_editor):
    claim = make_claim(S.PUBLISHED)
    first = claim.verdicts.get()
    false = Rating.objects.get(slug="false")
    workflow.verdict_correct(claim, actor=editor_user, rating=false, summary="Footage shows otherwise.", reason="New")
    # Until the correction is approved, the first verdict is still the published one.
    assert claim.verdicts.filter(approved_at__isnull=False).get() == first
    workflow.verdict_approve(claim, actor=second_editor)

    claim.refresh_from_db()
    assert claim.status == S.PUBLISHED
    revisions = list(claim.verdicts.order_by("revision"))
    assert [v.revision for v in revisions] == [1, 2]
    first.refresh_from_db()
    assert first.rating.slug == "unverifiable" and first.approved_at is not None
    assert first.summary == "No evidence either way."
    assert revisions[1].rating == false and revisions[1].correction_reason == "New"
    assert claim.events.filter(action="approve").latest("id").data["correction"] is True


def test_a_returned_correction_leaves_the_published_verdict_in_force(make_claim, editor_user, second_editor):
    claim = make_claim(S.PUBLISHED)
    workflow.verdict_correct(
        claim, actor=editor_user, rating=Rating.objects.get(slug="false"), summary="x", reason="typo"
    )
    workflow.verdict_return(claim, actor=second_editor, note="Not convincing.")
    claim.refresh_from_db()
    assert claim.status == S.PUBLISHED
    assert claim.verdicts.get(revision=1).approved_at is not None
    assert claim.verdicts.get(revision=2).returned_at is not None


def test_a_returned_verdict_goes_back_to_the_reviewer_who_resubmits(make_claim, editor_user, assigned_reviewer):
    claim = make_claim(S.SUBMITTED)
    with pytest.raises(workflow.Invalid, match="note"):
        workflow.verdict_return(claim, actor=editor_user, note="  ")
    workflow.verdict_return(claim, actor=editor_user, note="Call the governor's office.")
    claim.refresh_from_db()
    assert claim.status == S.ASSIGNED
    workflow.verdict_submit(
        claim, actor=assigned_reviewer, rating=Rating.objects.get(slug="mixed"), summary="Called them."
    )
    assert [v.state for v in claim.verdicts.order_by("revision")] == ["returned", "pending"]


def test_dismissing_closes_open_assignments_and_restore_goes_back_to_flagged(make_claim, editor_user):
    claim = make_claim(S.ASSIGNED)
    workflow.claim_dismiss(claim, actor=editor_user, note="Not newsworthy.")
    assert not Assignment.objects.filter(claim=claim, done_at__isnull=True).exists()
    workflow.claim_restore(claim, actor=editor_user)
    assert claim.status == S.FLAGGED


def test_restoring_a_dismissed_suggestion_brings_it_back_as_a_suggestion(make_claim, editor_user):
    claim = make_claim(S.SUGGESTED)
    workflow.claim_dismiss(claim, actor=editor_user)
    workflow.claim_restore(claim, actor=editor_user)
    assert claim.status == S.SUGGESTED


def test_published_and_submitted_claims_cannot_be_dismissed(make_claim, editor_user):
    for status in (S.SUBMITTED, S.PUBLISHED):
        claim = make_claim(status)
        with pytest.raises(workflow.Conflict):
            workflow.claim_dismiss(claim, actor=editor_user)


def test_assign_validates_the_reviewer_and_the_due_date(make_claim, editor_user, assigned_reviewer, outsider):
    claim = make_claim(S.FLAGGED)
    with pytest.raises(workflow.Invalid, match="not a reviewer"):
        workflow.claim_assign(claim, actor=editor_user, reviewer=outsider)
    with pytest.raises(workflow.Invalid, match="future"):
        workflow.claim_assign(
            claim, actor=editor_user, reviewer=assigned_reviewer, due_at=timezone.now() - timedelta(hours=1)
        )
    due = timezone.now() + timedelta(days=1)
    workflow.claim_assign(claim, actor=editor_user, reviewer=assigned_reviewer, due_at=due)
    with pytest.raises(workflow.Conflict, match="already assigned"):
        workflow.claim_assign(claim, actor=editor_user, reviewer=assigned_reviewer)
    assignment = Assignment.objects.get(claim=claim)
    assert assignment.due_at == due and assignment.assigned_by == editor_user
    assert Event.objects.filter(claim=claim, action="assign").get().data["reviewer"] == assigned_reviewer.pk


def test_submit_requires_a_summary_and_stores_the_evidence(make_claim, assigned_reviewer, rating):
    claim = make_claim(S.ASSIGNED)
    with pytest.raises(workflow.Invalid, match="summary"):
        workflow.verdict_submit(claim, actor=assigned_reviewer, rating=rating, summary="")
    assert claim.status == S.ASSIGNED and not claim.verdicts.exists()
    workflow.verdict_submit(
        claim,
        actor=assigned_reviewer,
        rating=rating,
        summary="Geolocation inconclusive.",
        evidence=[{"url": "https://example.org/geo", "description": "Satellite view"}, {"url": " "}],
    )
    assert list(claim.evidence.values_list("url", "description")) == [("https://example.org/geo", "Satellite view")]


@pytest.mark.parametrize(
    ("start", "end", "text", "error"),
    [
        (0, 5, "The resistance", "does not match"),
        (10, 10_000, "x", "outside"),
        (5, None, "x", "both"),
        (None, None, "Words that are nowhere in the article", "not in the article"),
        (None, None, "   ", "needs its text"),
    ],
)
def test_flagging_refuses_a_span_that_does_not_fit(article, editor_user, start, end, text, error):
    with pytest.raises(workflow.Invalid, match=error):
        workflow.claim_flag(article=article, actor=editor_user, text=text, span_start=start, span_end=end)
    assert not Claim.objects.exists()


def test_no_module_but_workflow_assigns_a_claim_status():
    root = Path(__file__).resolve().parent.parent / "factcheck"
    # Writes only: `x.status = ...`, or status= inside create()/update() calls.
    pattern = re.compile(r"\.status\s*=[^=]|(create|update)\([^)]*\bstatus\s*=")
    offenders = [
        f"{path.relative_to(root)}:{number}"
        for path in root.rglob("*.py")
        if path.name != "workflow.py" and "migrations" not in path.parts
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if pattern.search(line)
    ]
    assert offenders == []
