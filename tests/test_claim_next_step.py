"""Issue 12, the claim page: one main next action for this person, the others folded away;
the author of a pending verdict is told why they can't approve it; an editor records a
verdict on someone else's assignment only as an explicit take-over."""

import re

from factcheck import workflow
from factcheck.models import Claim
from tests.factories import editor

S = Claim.Status


def _page(client, user, claim) -> str:
    client.force_login(user)
    return client.get(f"/claims/{claim.pk}/").content.decode()


def _next_step(page: str) -> str:
    found = re.search(r'<section class="card border-primary mb-3" id="next-step">(.*?)</section>', page, re.S)
    return found.group(1) if found else ""


def _folded(page: str) -> list[str]:
    return re.findall(r'<details class="mb-2"[^>]*><summary class="h6">([^<]+)</summary>', page)


def test_the_assigned_reviewer_sees_record_a_verdict_as_the_next_step(client, assigned_reviewer, make_claim):
    page = _page(client, assigned_reviewer, make_claim(S.ASSIGNED))
    assert 'id="action-submit"' in _next_step(page)
    assert "Your next step: record a verdict" in page


def test_an_editor_approves_as_the_next_step_and_return_is_folded(client, second_editor, make_claim):
    page = _page(client, second_editor, make_claim(S.SUBMITTED))
    assert 'id="action-approve"' in _next_step(page)
    assert "Return for rework" in _folded(page)


def test_the_author_of_a_pending_verdict_is_told_why_they_cannot_approve(client, editor_user, make_claim, rating):
    claim = make_claim(S.FLAGGED)
    workflow.claim_assign(claim, actor=editor_user, reviewer=editor_user)
    workflow.verdict_submit(claim, actor=editor_user, rating=rating, summary="Mine.")
    page = _page(client, editor_user, claim)
    assert 'id="own-verdict"' in page and "another editor must approve it" in page
    assert 'id="action-approve"' not in page


def test_an_editor_on_someone_elses_assignment_can_only_take_over(client, editor_user, make_claim):
    page = _page(client, editor_user, make_claim(S.ASSIGNED))
    assert 'id="action-submit"' not in _next_step(page)
    assert "Take over: record a verdict instead of the assigned reviewer" in _folded(page)


def test_an_editor_assigned_to_the_claim_records_the_verdict_as_the_next_step(client, make_claim):
    boss = editor("boss")
    claim = make_claim(S.FLAGGED)
    workflow.claim_assign(claim, actor=boss, reviewer=boss)
    page = _page(client, boss, claim)
    assert 'id="action-submit"' in _next_step(page)
    assert "Take over" not in page


def test_a_flagged_claim_gives_the_editor_assign_as_the_next_step(client, editor_user, make_claim):
    page = _page(client, editor_user, make_claim(S.FLAGGED))
    assert 'id="action-assign"' in _next_step(page)
    assert "Put on hold" in _folded(page)
