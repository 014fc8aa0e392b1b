"""Two editors pressing "approve" at once, on PostgreSQL with real connections."""

import threading

import pytest
from django.db import connection, connections

from factcheck import workflow
from factcheck.models import Claim, Event

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
]


def _race(callables):
    barrier = threading.Barrier(len(callables))
    outcomes = [None] * len(callables)

    def run(index, call):
        try:
            barrier.wait(timeout=10)
            call()
            outcomes[index] = "ok"
        except workflow.WorkflowError as error:
            outcomes[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(callables)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


def test_two_simultaneous_approvals_publish_once(make_claim, editor_user, second_editor):
    claim = make_claim(Claim.Status.SUBMITTED)

    outcomes = _race(
        [
            lambda: workflow.verdict_approve(claim.pk, actor=editor_user),
            lambda: workflow.verdict_approve(claim.pk, actor=second_editor),
        ]
    )

    assert sorted(o == "ok" for o in outcomes) == [False, True]
    loser = next(o for o in outcomes if o != "ok")
    assert isinstance(loser, workflow.Conflict)
    assert "published" in loser.message
    assert Event.objects.filter(claim=claim, action="approve").count() == 1
    assert claim.verdicts.filter(approved_at__isnull=False).count() == 1


def test_approve_and_return_at_once_do_exactly_one_thing(make_claim, editor_user, second_editor):
    claim = make_claim(Claim.Status.SUBMITTED)

    outcomes = _race(
        [
            lambda: workflow.verdict_approve(claim.pk, actor=editor_user),
            lambda: workflow.verdict_return(claim.pk, actor=second_editor, note="Wait."),
        ]
    )

    assert sum(o == "ok" for o in outcomes) == 1
    assert Event.objects.filter(claim=claim, action__in=["approve", "return"]).count() == 1
