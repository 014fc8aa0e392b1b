"""The transition table is the single source of the workflow: every face (the workflow's
performers, what a person is offered, the API's routes, the admin's bulk actions) follows
its rows, and nothing exists beside them."""

import inspect
import re

import pytest
from django.urls import resolve, reverse

from factcheck import roles, transitions, workflow
from factcheck.models import Action, Claim, Event, Rating
from factcheck.transitions import CREATING, TABLE, Who
from factcheck.workflow.core import PERFORMERS

S = Claim.Status
ROWS = list(TABLE.values())
PEOPLE = ["editor_user", "assigned_reviewer", "other_reviewer"]
CONTRIBUTE = {"evidence", "comment", "tags"}


def row_id(row):
    return row.action.value


# --- the table itself -----------------------------------------------------------
@pytest.mark.parametrize("row", ROWS, ids=row_id)
def test_every_row_is_an_action_choice_between_real_statuses(row):
    assert isinstance(row.action, Action) and row.action in Action.values
    assert TABLE[row.action] is row and transitions.transition(row.action) is row
    assert row.sources and row.sources <= set(S.values)
    assert row.goes_to() and row.goes_to() <= set(S.values)
    assert (row.target is None) == bool(row.targets), "a row has one target or, where history decides, targets"
    assert isinstance(row.who, Who)
    assert not row.note_required or row.note_prompt, "a required note says why it is required"


def test_the_creating_actions_have_no_row_and_every_other_action_has_one():
    assert not CREATING & set(TABLE)
    assert set(TABLE) | CREATING == set(Action.values)


def test_every_status_but_suggested_is_reached_by_some_row_or_a_creating_action():
    reached = set().union(*(row.goes_to() for row in ROWS))
    created = {S.FLAGGED}  # flag makes a flagged claim (suggest a suggested one, from detection)
    assert set(S.values) - {S.SUGGESTED} <= reached | created


def test_every_status_but_the_ends_has_a_way_out():
    for status in S.values:
        assert transitions.from_status(status), f"nothing leaves {status}"
        assert [row.action for row in transitions.from_status(status)] == [
            row.action for row in ROWS if row.leaves(status)
        ]


def test_every_row_has_exactly_one_registered_performer():
    assert set(PERFORMERS) == set(TABLE)
    for action, function in PERFORMERS.items():
        assert callable(function), action
        assert "actor" in inspect.signature(function).parameters, action


def test_performing_an_unknown_action_is_invalid(make_claim, editor_user):
    claim = make_claim(S.FLAGGED)
    with pytest.raises(workflow.Invalid, match="no action"):
        workflow.perform("publish", claim, actor=editor_user)
    with pytest.raises(LookupError):
        transitions.transition("publish")


# --- the faces follow the rows ---------------------------------------------------
@pytest.mark.parametrize("row", ROWS, ids=row_id)
def test_every_row_is_an_api_route(row):
    path = reverse(f"api:claim-{row.action}", args=[1])
    assert path == f"/api/v1/claims/1/{row.action}/"
    match = resolve(path)
    assert match.url_name == f"claim-{row.action}" and match.kwargs == {"pk": "1"}


def test_the_api_schema_documents_every_row(client, db):
    paths = client.get("/api/schema/?format=json").json()["paths"]
    for row in ROWS:
        assert "post" in paths[f"/api/v1/claims/{{id}}/{row.action}/"], row.action


def test_the_admin_offers_a_bulk_action_for_exactly_the_bulk_rows(client, editor_user, make_claim):
    make_claim(S.FLAGGED)  # (the changelist shows its actions only when it lists something)
    client.force_login(editor_user)
    page = client.get(reverse("admin:factcheck_claim_changelist")).content.decode()
    offered = set(re.findall(r'<option value="(\w+)_claims"', page))
    assert offered == {row.action.value for row in ROWS if row.bulk}


@pytest.mark.parametrize("row", ROWS, ids=row_id)
def test_every_row_is_a_page_action(row):
    assert reverse("factcheck:claim-action", args=[1, row.action]) == f"/claims/1/{row.action}/"


# --- what a person is offered is what the table allows ------------------------------
def expected_actions(claim, user):
    """The rows that leave the claim's status and whose ``who`` fits; approve never to
    the author of the pending verdict (four eyes)."""
    actions = {row.action.value for row in transitions.from_status(claim.status) if roles.may(row.who, user, claim)}
    pending = claim.pending_verdict()
    if pending is None or pending.author_id == user.pk:
        actions.discard(Action.APPROVE)
    return actions


@pytest.mark.parametrize("person", PEOPLE)
@pytest.mark.parametrize("status", S.values)
def test_available_actions_are_the_rows_that_leave_the_status_and_fit_the_person(request, make_claim, status, person):
    claim = make_claim(status)
    user = request.getfixturevalue(person)
    offered = roles.available_actions(claim, user)
    assert offered - CONTRIBUTE == expected_actions(claim, user)
    assert offered - CONTRIBUTE <= set(TABLE)


@pytest.mark.parametrize("person", PEOPLE)
def test_available_actions_never_offer_approval_to_the_author_of_the_verdict(
    request, make_claim, editor_user, rating, person
):
    claim = make_claim(S.ASSIGNED)
    user = request.getfixturevalue(person)
    author = editor_user if person == "other_reviewer" else user  # the other reviewer may not write one
    workflow.verdict_submit(claim, actor=author, rating=rating, summary="Checked.")
    offered = roles.available_actions(claim, user) - CONTRIBUTE
    assert offered == expected_actions(claim, user)
    assert Action.APPROVE not in offered
    if person == "editor_user":  # the table alone would offer it: the four-eyes rule takes it away
        assert any(row.action == Action.APPROVE for row in transitions.from_status(claim.status))
        assert Action.RETURN in offered


# --- a required note is required through the one entry point -----------------------
def _note_cases():
    return [
        pytest.param(row, source, id=f"{row.action}-from-{source}")
        for row in ROWS
        if row.note_required
        for source in sorted(row.sources)
    ]


def _inputs(row, rating):
    """What the row's performer needs besides its note."""
    params = inspect.signature(PERFORMERS[row.action]).parameters
    inputs = {}
    if "rating" in params:
        inputs |= {"rating": Rating.objects.get(slug="false"), "summary": "New footage."}
    note_name = "note" if "note" in params else "reason"
    return inputs, note_name


def test_some_rows_require_a_note():
    assert {row.action for row in ROWS if row.note_required} >= {Action.RETURN, Action.CORRECT, Action.HOLD}


@pytest.mark.parametrize("note", ["", "  \n\t "])
@pytest.mark.parametrize(("row", "source"), _note_cases())
def test_a_row_that_requires_a_note_refuses_an_empty_one(make_claim, editor_user, rating, row, source, note):
    claim = make_claim(source)
    claim.refresh_from_db()
    before = (claim.status, claim.updated_at, Event.objects.filter(claim=claim).count(), claim.verdicts.count())
    inputs, note_name = _inputs(row, rating)

    with pytest.raises(workflow.Invalid) as refused:
        workflow.perform(row.action, claim, actor=editor_user, **inputs, **{note_name: note})

    assert refused.value.message == row.note_prompt
    claim.refresh_from_db()
    after = (claim.status, claim.updated_at, Event.objects.filter(claim=claim).count(), claim.verdicts.count())
    assert after == before
