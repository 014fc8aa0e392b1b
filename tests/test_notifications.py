from django.core import mail

from factcheck import workflow
from factcheck.models import Claim


def test_assignment_emails_the_reviewer_with_a_link(
    make_claim, editor_user, other_reviewer, django_capture_on_commit_callbacks
):
    claim = make_claim(Claim.Status.FLAGGED)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        workflow.claim_assign(claim, actor=editor_user, reviewer=other_reviewer)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["reviewer2@example.org"]
    assert f"/claims/{claim.pk}/" in message.body and "Assigned to you" in message.subject


def test_a_submitted_verdict_emails_the_editors(
    make_claim, assigned_reviewer, rating, second_editor, django_capture_on_commit_callbacks
):
    claim = make_claim(Claim.Status.ASSIGNED)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        workflow.verdict_submit(claim, actor=assigned_reviewer, rating=rating, summary="Checked.")
    # One email each: nobody sees the other editors' addresses.
    assert sorted(m.to for m in mail.outbox) == [["editor1@example.org"], ["editor2@example.org"]]
    assert all("awaiting approval" in m.subject for m in mail.outbox)


def test_nothing_is_sent_when_the_transaction_rolls_back(
    make_claim, editor_user, other_reviewer, django_capture_on_commit_callbacks
):
    claim = make_claim(Claim.Status.FLAGGED)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        workflow.claim_assign(claim, actor=editor_user, reviewer=other_reviewer)
    assert len(callbacks) == 1 and mail.outbox == []
