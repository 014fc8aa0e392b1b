"""Signed webhooks to the CMS, against real HTTP receivers on 127.0.0.1. Retries are driven by
calling ``deliver_due`` with a ``now`` in the future: nothing sleeps."""

import hashlib
import hmac
import json
import socket
import threading
import time
import uuid
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.contrib.messages import get_messages
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from factcheck import tasks, webhooks, workflow
from factcheck.models import Claim, Event, WebhookAttempt, WebhookDelivery, WebhookEndpoint

S = Claim.Status
State = WebhookDelivery.State
ALL_EVENTS = ["verdict.published", "verdict.corrected", "claim.returned"]
DUMMY_TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend", "QUEUES": ["default"]}}


def render(claim):
    return {"id": claim.pk, "text": claim.text, "status": claim.status}


# The README's receiver snippet (with the secret as a parameter): keep the two in step.
def is_genuine(secret: bytes, headers, body: bytes, tolerance: int = 300) -> bool:
    """headers: the request's headers; body: the raw request body, before any JSON parsing."""
    timestamp = headers.get("X-Factcheck-Timestamp", "")
    signature = headers.get("X-Factcheck-Signature", "")
    if not timestamp.isdecimal() or abs(time.time() - int(timestamp)) > tolerance:
        return False  # missing, or too old: a replay
    expected = hmac.new(secret, timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(signature.encode(), f"sha256={expected}".encode())


class _QuietServer(ThreadingHTTPServer):
    def handle_error(self, request, client_address):
        pass  # the client gave up on a slow answer: a broken pipe here is expected


class Receiver:
    """A webhook receiver answering a scripted sequence of status codes (the last one repeats).

    ``processed`` holds the bodies it accepted, each delivery id once, as a real receiver should."""

    def __init__(self, *codes: int, delay: float = 0.0, secret: str = ""):
        self.codes, self.delay, self.secret = list(codes) or [200], delay, secret
        self.requests: list[tuple] = []  # (headers, body)
        self.processed: dict[str, dict] = {}
        self.release = threading.Event()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's naming
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                receiver.requests.append((self.headers, body))
                code = receiver.codes.pop(0) if len(receiver.codes) > 1 else receiver.codes[0]
                if receiver.delay:
                    receiver.release.wait(receiver.delay)
                if 200 <= code < 300:
                    receiver.processed.setdefault(self.headers["X-Factcheck-Delivery"], json.loads(body))
                self.send_response(code)
                if 300 <= code < 400:
                    self.send_header("Location", "http://127.0.0.1:9/elsewhere")
                self.send_header("Content-Length", "7")
                self.end_headers()
                self.wfile.write(b"answer.")

            def log_message(self, *args):
                pass

        self.server = _QuietServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hooks/factcheck"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.release.set()
        self.server.shutdown()
        self.server.server_close()


def closed_port_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/down"


def make_endpoint(url="http://127.0.0.1:9/unused", events=None, active=True, name="CMS") -> WebhookEndpoint:
    return WebhookEndpoint.objects.create(
        name=name, url=url, events=ALL_EVENTS if events is None else events, active=active, secret="s3cret-for-tests"
    )


@pytest.fixture
def approved(make_claim) -> Event:
    claim = make_claim(S.PUBLISHED)
    return Event.objects.get(claim=claim, action="approve")


def queue_one(event: Event) -> WebhookDelivery:
    [delivery] = webhooks.queue_for_event(event, render)
    return delivery


def attempts_of(delivery) -> list[WebhookAttempt]:
    return list(WebhookAttempt.objects.filter(delivery=delivery, duration_ms__isnull=False).order_by("at", "id"))


# --- The receiver's view ----------------------------------------------------------------------


def test_a_receiver_that_fails_twice_gets_the_event_once_it_succeeds(approved):
    with Receiver(500, 503, 200) as receiver:
        make_endpoint(receiver.url)
        delivery = queue_one(approved)
        start = timezone.now()

        assert webhooks.deliver_due(now=start) == 1
        delivery.refresh_from_db()
        assert (delivery.state, delivery.attempts) == (State.PENDING, 1)
        assert delivery.next_attempt_at == start + timedelta(seconds=30)
        assert webhooks.deliver_due(now=start + timedelta(seconds=29)) == 0  # not due yet

        second = start + timedelta(seconds=30)
        assert webhooks.deliver_due(now=second) == 1
        delivery.refresh_from_db()
        assert delivery.next_attempt_at == second + timedelta(seconds=60)  # doubled

        assert webhooks.deliver_due(now=second + timedelta(seconds=60)) == 1
        assert webhooks.deliver_due(now=start + timedelta(days=2)) == 0  # done: nothing more is sent

    delivery.refresh_from_db()
    assert delivery.state == State.DELIVERED and delivery.delivered_at is not None and delivery.attempts == 3
    assert len(receiver.requests) == 3
    assert list(receiver.processed) == [str(delivery.delivery_id)]
    body = receiver.processed[str(delivery.delivery_id)]
    assert body == {
        "id": str(delivery.delivery_id),
        "event": "verdict.published",
        "occurred_at": approved.at.isoformat().replace("+00:00", "Z"),
        "claim": render(approved.claim),
    }
    headers, raw = receiver.requests[-1]
    assert webhooks.verify("s3cret-for-tests", headers["X-Factcheck-Timestamp"], raw, headers["X-Factcheck-Signature"])
    assert is_genuine(b"s3cret-for-tests", headers, raw)
    # Every attempt sent the same message.
    assert {r[1] for r in receiver.requests} == {raw}
    assert {r[0]["X-Factcheck-Delivery"] for r in receiver.requests} == {str(delivery.delivery_id)}

    log = attempts_of(delivery)
    assert [a.response_code for a in log] == [500, 503, 200]
    assert all(isinstance(a.duration_ms, int) and 0 <= a.duration_ms < 5000 for a in log)
    assert [bool(a.error) for a in log] == [True, True, False]
    assert "500" in log[0].error and "answer." in log[0].error


def test_the_request_carries_the_documented_headers(approved):
    with Receiver(200) as receiver:
        make_endpoint(receiver.url)
        delivery = webhooks.attempt(queue_one(approved).delivery_id)
    headers, body = receiver.requests[0]
    assert headers["Content-Type"] == "application/json"
    assert headers["X-Factcheck-Event"] == "verdict.published"
    assert headers["X-Factcheck-Delivery"] == str(delivery.delivery_id)
    timestamp = headers["X-Factcheck-Timestamp"]
    assert timestamp.isdecimal() and abs(int(timestamp) - time.time()) < 60
    assert headers["X-Factcheck-Signature"] == "sha256=" + webhooks.sign("s3cret-for-tests", timestamp, body)
    assert body == webhooks.body_of(delivery)


def test_a_receiver_that_is_down_keeps_the_delivery_pending_then_failed(approved):
    make_endpoint(closed_port_url())
    delivery = queue_one(approved)
    now = timezone.now()
    delays = []
    for number in range(1, 8):
        assert webhooks.deliver_due(now=now) == 1
        delivery.refresh_from_db()
        assert (delivery.state, delivery.attempts) == (State.PENDING, number)  # nothing lost
        delays.append((delivery.next_attempt_at - now).total_seconds())
        now = delivery.next_attempt_at
    assert delays == [30, 60, 120, 240, 480, 960, 1920]
    log = attempts_of(delivery)
    assert len(log) == 7 and all(a.response_code is None for a in log)
    assert all("Could not connect" in a.error for a in log)
    assert delivery.payload["claim"] == render(approved.claim)

    assert webhooks.deliver_due(now=now) == 1  # the 8th, the last
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts) == (State.FAILED, 8)
    assert "Gave up after 8 attempts" in attempts_of(delivery)[-1].error
    assert webhooks.deliver_due(now=now + timedelta(days=30)) == 0


@pytest.mark.parametrize("code", [400, 401, 404, 410, 422])
def test_a_refusal_fails_at_once(approved, code):
    with Receiver(code) as receiver:
        make_endpoint(receiver.url)
        delivery = webhooks.attempt(queue_one(approved).delivery_id)
    assert (delivery.state, delivery.attempts, len(receiver.requests)) == (State.FAILED, 1, 1)
    [attempt] = attempts_of(delivery)
    assert attempt.response_code == code
    assert f"refused it ({code}); not retried" in attempt.error and "answer." in attempt.error


@pytest.mark.parametrize("code", [408, 429, 500, 502, 503])
def test_timeouts_throttling_and_server_errors_are_retried(approved, code):
    with Receiver(code) as receiver:
        make_endpoint(receiver.url)
        delivery = webhooks.attempt(queue_one(approved).delivery_id)
    assert (delivery.state, delivery.attempts) == (State.PENDING, 1)
    assert attempts_of(delivery)[0].response_code == code


def test_a_redirect_is_not_followed(approved):
    with Receiver(301) as receiver:
        make_endpoint(receiver.url)
        delivery = webhooks.attempt(queue_one(approved).delivery_id)
    assert delivery.state == State.FAILED and len(receiver.requests) == 1
    assert "not followed: to http://127.0.0.1:9/elsewhere" in attempts_of(delivery)[0].error


@override_settings(WEBHOOK_TIMEOUT=0.3)
def test_a_slow_receiver_past_the_timeout_is_a_failed_attempt(approved):
    with Receiver(200, delay=3) as receiver:
        make_endpoint(receiver.url)
        started = time.monotonic()
        delivery = webhooks.attempt(queue_one(approved).delivery_id)
        elapsed = time.monotonic() - started
    assert elapsed < 2
    assert (delivery.state, delivery.attempts) == (State.PENDING, 1)
    [attempt] = attempts_of(delivery)
    assert attempt.response_code is None and "Timed out after 0.3 s" in attempt.error
    assert 250 <= attempt.duration_ms < 2000


def test_an_endpoint_deactivated_after_queuing_is_not_sent_to(approved):
    with Receiver(200) as receiver:
        endpoint = make_endpoint(receiver.url)
        delivery = queue_one(approved)
        WebhookEndpoint.objects.filter(pk=endpoint.pk).update(active=False)
        delivery = webhooks.attempt(delivery.delivery_id)
    assert delivery.state == State.FAILED and receiver.requests == []
    assert "inactive" in attempts_of(delivery)[0].error


# --- Two workers ------------------------------------------------------------------------------


def test_two_workers_that_read_the_same_delivery_make_one_attempt(approved):
    make_endpoint(closed_port_url())
    delivery = queue_one(approved)
    now = timezone.now()
    first, second = (WebhookDelivery.objects.select_related("endpoint").get(pk=delivery.pk) for _ in range(2))

    assert webhooks._claim(first, now) is True
    assert webhooks._claim(second, now) is False  # the conditional UPDATE matched nothing
    assert webhooks._attempt(second, now) is False
    assert WebhookDelivery.objects.get(pk=delivery.pk).attempts == 1
    # A worker that died mid-attempt holds it only for the lease; then it is tried again.
    assert webhooks.deliver_due(now=now + timedelta(seconds=59)) == 0
    later = now + webhooks._lease() + timedelta(seconds=1)
    assert webhooks.deliver_due(now=later) == 1
    delivery.refresh_from_db()
    assert delivery.attempts == 2 and delivery.sending_since is None


def test_a_second_deliver_due_while_the_first_is_sending_sends_nothing(approved, monkeypatch):
    with Receiver(200) as receiver:
        make_endpoint(receiver.url)
        delivery = queue_one(approved)
        now = timezone.now()
        real_post, nested = webhooks._post, []

        def post_while_another_worker_runs(*args):
            nested.append(webhooks.deliver_due(now=now))  # the second worker, mid-attempt
            return real_post(*args)

        monkeypatch.setattr(webhooks, "_post", post_while_another_worker_runs)
        assert webhooks.deliver_due(now=now) == 1
    assert nested == [0] and len(receiver.requests) == 1
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts) == (State.DELIVERED, 1)


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
    renderer = webhooks.claim_renderer()
    from factcheck.api.serializers import claim_payload

    assert renderer is claim_payload  # the claim as the API shows it to the CMS
    delivery = webhooks.queue_for_event(Event.objects.get(claim=claim, action="approve"), renderer)[0]
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


# --- Redelivery -------------------------------------------------------------------------------


def test_redeliver_sends_the_same_message_again(approved):
    with Receiver(200, 400, 200) as receiver:
        make_endpoint(receiver.url)
        delivery = webhooks.attempt(queue_one(approved).delivery_id)
        assert delivery.state == State.DELIVERED

        delivery = webhooks.redeliver(delivery, by="chief")
        assert (delivery.state, delivery.attempts, delivery.delivered_at) == (State.PENDING, 0, None)
        assert webhooks.deliver_due() == 1  # the receiver refuses it this time
        delivery.refresh_from_db()
        assert delivery.state == State.FAILED

        delivery = webhooks.redeliver(delivery)  # a failed one too
        assert webhooks.deliver_due() == 1
    delivery.refresh_from_db()
    assert delivery.state == State.DELIVERED and delivery.attempts == 1
    assert len(receiver.requests) == 3
    assert {headers["X-Factcheck-Delivery"] for headers, _ in receiver.requests} == {str(delivery.delivery_id)}
    assert {body for _, body in receiver.requests} == {webhooks.body_of(delivery)}
    assert all(is_genuine(b"s3cret-for-tests", headers, body) for headers, body in receiver.requests)
    assert list(receiver.processed) == [str(delivery.delivery_id)]  # the receiver deduped it
    notes = WebhookAttempt.objects.filter(delivery=delivery, duration_ms__isnull=True).order_by("id")
    assert [n.error.split(":")[0] for n in notes] == ["Redelivery requested by chief", "Redelivery"]
    assert "it was delivered after 1 attempt(s)" in notes[0].error
    assert WebhookDelivery.objects.count() == 1


def test_redeliver_and_attempt_now_wait_for_an_attempt_in_flight(approved):
    make_endpoint()
    delivery = queue_one(approved)
    WebhookDelivery.objects.filter(pk=delivery.pk).update(sending_since=timezone.now())
    with pytest.raises(webhooks.Busy):
        webhooks.redeliver(delivery)
    assert webhooks.hurry(delivery) is False


# --- Signature --------------------------------------------------------------------------------


def test_sign_is_hmac_sha256_of_timestamp_dot_body():
    expected = hmac.new(b"k", b"1700000000.{}", hashlib.sha256).hexdigest()
    assert webhooks.sign("k", 1700000000, b"{}") == expected


@pytest.mark.parametrize("check", ["domain", "snippet"])
def test_verify_accepts_the_genuine_and_rejects_the_rest(check):
    body, now = b'{"event":"verdict.published"}', int(time.time())

    def ok(secret="k", timestamp=now, payload=body, signature=None):  # noqa: S107 - a test key
        signature = signature if signature is not None else "sha256=" + webhooks.sign("k", timestamp, body)
        if check == "domain":
            return webhooks.verify(secret, str(timestamp), payload, signature)
        headers = {"X-Factcheck-Timestamp": str(timestamp), "X-Factcheck-Signature": signature}
        return is_genuine(secret.encode(), headers, payload)

    assert ok()
    assert not ok(payload=body.replace(b"published", b"corrected"))  # tampered body
    assert not ok(secret="not-k")  # wrong secret
    assert not ok(timestamp=now - 301)  # stale: a replay
    assert not ok(timestamp=now + 301)
    assert not ok(timestamp="soon")
    assert not ok(signature="")
    assert not ok(signature="sha256=" + "0" * 64)
    assert not ok(signature="sha256=é")
    assert ok(timestamp=now - 299)


def test_verify_takes_a_bare_hex_signature_and_a_clock():
    signature = webhooks.sign("k", 100, b"x")
    assert webhooks.verify("k", 100, "x", signature, now=150)
    assert not webhooks.verify("k", 100, b"x", signature, tolerance=10, now=150)
    assert not webhooks.verify("k", None, b"x", signature, now=150)
    assert not webhooks.verify("k", 100, b"x", None, now=150)


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
            assert not WebhookDelivery.objects.exists()
            workflow.verdict_approve(claim, actor=editor_user)
            assert WebhookDelivery.objects.get().state == State.PENDING  # queued with the event
    delivery = WebhookDelivery.objects.get()
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


# --- Admin ------------------------------------------------------------------------------------


@pytest.fixture
def chief_client(client, db):
    chief = get_user_model().objects.create_superuser("chief", "chief@example.org", "pass-for-tests")
    client.force_login(chief)
    return client


def _messages(response):
    return " ".join(str(m) for m in get_messages(response.wsgi_request))


DELIVERIES = reverse("admin:factcheck_webhookdelivery_changelist")


def _many_deliveries(approved, count):
    endpoint = make_endpoint(closed_port_url(), name=f"cms-{count}")
    for _ in range(count):
        delivery = WebhookDelivery.objects.create(endpoint=endpoint, event="verdict.published", payload={"a": 1})
        WebhookAttempt.objects.create(delivery=delivery, response_code=503, duration_ms=12, error="busy")


def test_the_delivery_changelist_query_count_does_not_grow_with_rows(chief_client, approved, django_assert_num_queries):
    _many_deliveries(approved, 1)
    # session, user, count (filtered), count (total), page with endpoint and last code, endpoint filter
    with django_assert_num_queries(6) as small:
        response = chief_client.get(DELIVERIES)
    assert response.content.count(b'class="action-select"') == 1 and b"503" in response.content
    _many_deliveries(approved, 19)
    with django_assert_num_queries(len(small.captured_queries)):
        response = chief_client.get(DELIVERIES)
    assert response.content.count(b'class="action-select"') == 20


def test_the_endpoint_changelist_query_count_does_not_grow_with_rows(chief_client, db, django_assert_num_queries):
    url = reverse("admin:factcheck_webhookendpoint_changelist")
    make_endpoint()
    with django_assert_num_queries(5) as small:
        chief_client.get(url)
    for n in range(20):
        make_endpoint(name=f"cms{n}")
    with django_assert_num_queries(len(small.captured_queries)):
        response = chief_client.get(url)
    assert response.status_code == 200


def test_the_redeliver_action(chief_client, approved, django_capture_on_commit_callbacks):
    with Receiver(400, 200) as receiver:
        make_endpoint(receiver.url)
        delivery = webhooks.attempt(queue_one(approved).delivery_id)
        assert delivery.state == State.FAILED
        with django_capture_on_commit_callbacks(execute=True):  # the task, once wired, runs on commit
            response = chief_client.post(
                DELIVERIES, {"action": "redeliver", "_selected_action": [delivery.pk]}, follow=True
            )
    assert f"Redelivered 1 deliveries: {str(delivery.delivery_id)[:8]} (" in _messages(response)
    delivery.refresh_from_db()
    assert delivery.state == State.DELIVERED and len(receiver.requests) == 2
    assert "requested by chief" in WebhookAttempt.objects.get(delivery=delivery, duration_ms__isnull=True).error

    page = chief_client.get(reverse("admin:factcheck_webhookdelivery_change", args=[delivery.pk]))
    assert page.status_code == 200 and b"refused it (400)" in page.content and b"requested by chief" in page.content


def test_the_attempt_now_action(chief_client, approved, django_capture_on_commit_callbacks):
    with Receiver(200) as receiver:
        make_endpoint(receiver.url)
        waiting = queue_one(approved)
        WebhookDelivery.objects.filter(pk=waiting.pk).update(
            attempts=3, next_attempt_at=timezone.now() + timedelta(hours=1)
        )
        done = WebhookDelivery.objects.create(
            endpoint=waiting.endpoint, event="verdict.published", payload={}, state=State.DELIVERED,
            delivered_at=timezone.now(),
        )  # fmt: skip
        with django_capture_on_commit_callbacks(execute=True):
            response = chief_client.post(
                DELIVERIES, {"action": "attempt_now", "_selected_action": [waiting.pk, done.pk]}, follow=True
            )
    text = _messages(response)
    assert f"Attempted 1 deliveries: {str(waiting.delivery_id)[:8]} (" in text
    waiting.refresh_from_db()
    assert (waiting.state, waiting.attempts) == (State.DELIVERED, 4)
    assert f"{str(done.delivery_id)[:8]}: not pending (redeliver it)" in text
    assert len(receiver.requests) == 1


def test_an_endpoint_is_added_with_checkboxes_and_its_secret_shown_once(chief_client, db):
    add = reverse("admin:factcheck_webhookendpoint_add")
    form = chief_client.get(add)
    assert b'type="checkbox" name="events" value="verdict.corrected"' in form.content
    assert b'name="secret"' not in form.content  # generated, shown after saving
    response = chief_client.post(
        add,
        {"name": "CMS", "url": "https://cms.example/hooks", "events": ["verdict.published", "claim.returned"],
         "active": "on"},
        follow=True,
    )  # fmt: skip
    endpoint = WebhookEndpoint.objects.get()
    assert endpoint.events == ["verdict.published", "claim.returned"]
    assert endpoint.secret in _messages(response)
    change = chief_client.get(reverse("admin:factcheck_webhookendpoint_change", args=[endpoint.pk]))
    assert endpoint.secret.encode() not in change.content and endpoint.secret[-4:].encode() in change.content

    old = endpoint.secret
    rotated = chief_client.post(
        reverse("admin:factcheck_webhookendpoint_changelist"),
        {"action": "rotate_secret", "_selected_action": [endpoint.pk]},
        follow=True,
    )
    endpoint.refresh_from_db()
    assert endpoint.secret != old and endpoint.secret in _messages(rotated)


def test_deliveries_cannot_be_added_by_hand(chief_client, db):
    assert chief_client.get(reverse("admin:factcheck_webhookdelivery_add")).status_code == 403


def test_an_unknown_delivery_id_searched_for_is_no_error(chief_client, db):
    assert chief_client.get(DELIVERIES, {"q": "not-a-uuid"}).status_code == 200
    assert chief_client.get(DELIVERIES, {"q": str(uuid.uuid4())}).status_code == 200
