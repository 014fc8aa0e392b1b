"""Which events become webhook deliveries and for whom, and the task and the command that send
them. Retries are driven with a ``now`` in the future or by moving ``next_attempt_at``: nothing sleeps."""

import json
import time
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.core.serializers.json import DjangoJSONEncoder
from django.test import override_settings
from django.utils import timezone
from django_tasks import task

from factcheck import tasks, webhooks, workflow
from factcheck.models import Event, WebhookDelivery, WebhookEndpoint

from .webhook_receiver import Receiver, S, State, closed_port_url, make_endpoint, queue_one, render
from .webhook_receiver import approved as approved  # a pytest fixture, imported so that pytest finds it

DUMMY_TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend", "QUEUES": ["default"]}}


# --- Which events, to whom --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("action", "data", "to_status", "expected"),
    [
        ("approve", {"verdict": 1, "revision": 1, "correction": False}, S.PUBLISHED, "verdict.published"),
        ("approve", {"verdict": 2, "revision": 2, "correction": True}, S.PUBLISHED, "verdict.corrected"),
        ("approve", {}, S.PUBLISHED, "verdict.published"),
        ("return", {"verdict": 1, "revision": 1}, S.ASSIGNED, "claim.returned"),
        ("return", {"verdict": 2, "revision": 2}, S.PUBLISHED, "claim.returned"),
        ("submit", {}, S.SUBMITTED, None),
        ("correct", {}, S.SUBMITTED, None),
        ("assign", {}, S.ASSIGNED, None),
        ("dismiss", {}, S.DISMISSED, None),
    ],
)
def test_event_mapping(action, data, to_status, expected):
    assert webhooks.EVENT_FOR(Event(action=action, data=data, to_status=to_status)) == expected


def test_only_active_subscribed_endpoints_get_deliveries(make_claim, editor_user, second_editor, rating):
    published_only = make_endpoint(events=["verdict.published"], name="published")
    returned_only = make_endpoint(events=["claim.returned"], name="returned")
    everything = make_endpoint(name="everything")
    make_endpoint(active=False, name="inactive")
    make_endpoint(events=[], name="nothing")
    claim = make_claim(S.PUBLISHED)

    first = webhooks.queue_for_event(Event.objects.get(claim=claim, action="approve"), render)
    assert {d.endpoint for d in first} == {published_only, everything}
    assert {d.event for d in first} == {"verdict.published"}
    assert len({d.delivery_id for d in first}) == 2
    assert all(d.payload["id"] == str(d.delivery_id) for d in first)

    workflow.verdict_correct(claim, actor=editor_user, rating=rating, summary="Now known.", reason="New photo.")
    workflow.verdict_return(claim, actor=second_editor, note="Source?")
    returned = webhooks.queue_for_event(Event.objects.filter(claim=claim, action="return").get(), render)
    assert {(d.endpoint, d.event) for d in returned} == {
        (returned_only, "claim.returned"),
        (everything, "claim.returned"),
    }

    workflow.verdict_correct(claim, actor=editor_user, rating=rating, summary="Now known.", reason="New photo.")
    workflow.verdict_approve(claim, actor=second_editor)
    corrected = webhooks.queue_for_event(Event.objects.filter(claim=claim, action="approve").last(), render)
    assert [(d.endpoint, d.event) for d in corrected] == [(everything, "verdict.corrected")]

    assert webhooks.queue_for_event(Event.objects.get(claim=claim, action="submit"), render) == []


def test_the_payload_is_frozen_when_queued_and_the_default_renderer_is_json(make_claim, editor_user, rating):
    make_endpoint()
    claim = make_claim(S.PUBLISHED)
    from factcheck import payloads

    # The claim as the API shows it to the CMS, built by the domain (no serializer, no setting).
    delivery = webhooks.queue_for_event(Event.objects.get(claim=claim, action="approve"))[0]
    assert delivery.payload["claim"] == json.loads(json.dumps(payloads.cms_claim(claim), cls=DjangoJSONEncoder))
    stored = WebhookDelivery.objects.get(pk=delivery.pk).payload
    assert stored == delivery.payload
    assert stored["claim"]["status"] == "published" and stored["claim"]["verdict"]["rating"]["slug"] == "unverifiable"
    assert (
        stored["claim"]["verdict"]["approved_at"].endswith("Z") or "+00:00" in stored["claim"]["verdict"]["approved_at"]
    )

    workflow.verdict_correct(claim, actor=editor_user, rating=rating, summary="Changed.", reason="Why.")
    assert WebhookDelivery.objects.get(pk=delivery.pk).payload == stored


def test_endpoint_events_are_validated(db):
    endpoint = WebhookEndpoint(name="x", url="https://cms.example/hook", events=["verdict.published", "nope"])
    with pytest.raises(Exception, match="Unknown event"):
        endpoint.full_clean()
    assert len(WebhookEndpoint(name="y", url="https://cms.example/").secret) >= 40


# --- Tasks ------------------------------------------------------------------------------------


@task()
def deliver_webhook_for_tests(delivery_id: str) -> str:
    """What the lead's ``tasks.deliver_webhook`` is."""
    return webhooks.deliver(delivery_id, retry_with=deliver_webhook_for_tests)


def test_with_an_immediate_backend_the_task_sends_at_once_and_leaves_retries_to_the_command(
    approved, django_capture_on_commit_callbacks
):
    with Receiver(503, 200) as receiver:
        make_endpoint(receiver.url)
        with django_capture_on_commit_callbacks(execute=True):
            delivery = queue_one(approved)
            assert webhooks.schedule(delivery, deliver_webhook_for_tests) is True
        delivery.refresh_from_db()
        assert (delivery.state, delivery.attempts) == (State.PENDING, 1)  # no run_after: no retry task
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            assert webhooks.schedule(delivery, deliver_webhook_for_tests) is False
        assert callbacks == []
        out = StringIO()
        call_command("deliver_webhooks", stdout=out)  # not due yet
        assert len(receiver.requests) == 1 and out.getvalue() == ""
        WebhookDelivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())
        call_command("deliver_webhooks", stdout=out)
    delivery.refresh_from_db()
    assert delivery.state == State.DELIVERED and len(receiver.requests) == 2
    assert "1 attempt(s) made; now 0 pending, 0 failed" in out.getvalue()


@override_settings(TASKS=DUMMY_TASKS)
def test_with_a_deferring_backend_the_retry_is_enqueued_with_run_after(approved, django_capture_on_commit_callbacks):
    backend = deliver_webhook_for_tests.get_backend()
    with Receiver(500) as receiver:
        make_endpoint(receiver.url)
        delivery = queue_one(approved)
        with django_capture_on_commit_callbacks(execute=True):
            webhooks.schedule(delivery, deliver_webhook_for_tests)
        [first] = backend.results
        assert first.args == [str(delivery.delivery_id)] and first.task.run_after is None

        with django_capture_on_commit_callbacks(execute=True):
            assert webhooks.deliver(str(delivery.delivery_id), retry_with=deliver_webhook_for_tests) == "pending"
        delivery.refresh_from_db()
        [_, retry] = backend.results
        assert retry.task.run_after == delivery.next_attempt_at > timezone.now()

        # A duplicate task that finds nothing due makes no attempt and queues nothing.
        with django_capture_on_commit_callbacks(execute=True):
            webhooks.deliver(str(delivery.delivery_id), retry_with=deliver_webhook_for_tests)
    assert len(backend.results) == 2 and len(receiver.requests) == 1


@pytest.mark.skipif(not hasattr(tasks, "deliver_webhook"), reason="tasks.deliver_webhook is not wired yet")
def test_approving_in_the_workflow_delivers_the_webhook(make_claim, editor_user, django_capture_on_commit_callbacks):
    with Receiver(200) as receiver:
        make_endpoint(receiver.url)
        with django_capture_on_commit_callbacks(execute=True):
            claim = make_claim(S.SUBMITTED)
            cms = WebhookDelivery.objects.filter(transport=WebhookDelivery.Transport.CMS)
            assert not cms.exists()
            workflow.verdict_approve(claim, actor=editor_user)
            assert cms.get().state == State.PENDING  # queued with the event
    delivery = cms.get()
    assert delivery.state == State.DELIVERED and delivery.claim == claim
    [body] = receiver.processed.values()
    assert body["event"] == "verdict.published" and body["claim"]["id"] == claim.pk
    assert body["claim"]["status"] == "published"


def test_a_task_for_a_delivery_deleted_with_its_endpoint_does_nothing(approved):
    endpoint = make_endpoint()
    delivery = queue_one(approved)
    endpoint.delete()
    assert webhooks.deliver(str(delivery.delivery_id), retry_with=deliver_webhook_for_tests) == "gone"


# --- Command ----------------------------------------------------------------------------------


@pytest.mark.parametrize("arguments", [["--every", "-1"], ["--limit", "0"], ["--every", "soon"]])
def test_the_command_refuses_bad_arguments(db, arguments):
    with pytest.raises(CommandError):
        call_command("deliver_webhooks", *arguments, stdout=StringIO(), stderr=StringIO())


def test_the_command_attempts_what_is_due_in_batches_and_loops(approved, monkeypatch):
    with Receiver(200) as receiver:
        for n in range(3):
            make_endpoint(receiver.url, name=f"cms{n}")
        webhooks.queue_for_event(approved, render)
        make_endpoint(closed_port_url(), name="down")
        webhooks.queue_for_event(approved, render)  # 4 more, one to a receiver that is down
        sleeps = []

        def sleep(seconds):
            sleeps.append(seconds)
            if len(sleeps) == 2:
                raise KeyboardInterrupt

        monkeypatch.setattr(time, "sleep", sleep)
        out = StringIO()
        call_command("deliver_webhooks", "--limit", "2", "--every", "5", stdout=out)  # no error: failures are data
    assert len(receiver.requests) == 6
    assert "7 attempt(s) made; now 1 pending, 0 failed in all." in out.getvalue()
    assert sleeps == [5, 5] and "Stopped." in out.getvalue()
