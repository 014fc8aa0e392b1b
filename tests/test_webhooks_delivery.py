"""Signed webhooks to the CMS, against real HTTP receivers on 127.0.0.1. Retries are driven by
calling ``deliver_due`` with a ``now`` in the future: nothing sleeps."""

import hashlib
import hmac
import time
from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone

from factcheck import webhooks
from factcheck.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint

from .webhook_receiver import Receiver, State, closed_port_url, make_endpoint, queue_one, render
from .webhook_receiver import approved as approved  # a pytest fixture, imported so that pytest finds it


# The README's receiver snippet (with the secret as a parameter): keep the two in step.
def is_genuine(secret: bytes, headers, body: bytes, tolerance: int = 300) -> bool:
    """headers: the request's headers; body: the raw request body, before any JSON parsing."""
    timestamp = headers.get("X-Factcheck-Timestamp", "")
    signature = headers.get("X-Factcheck-Signature", "")
    if not timestamp.isdecimal() or abs(time.time() - int(timestamp)) > tolerance:
        return False  # missing, or too old: a replay
    expected = hmac.new(secret, timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(signature.encode(), f"sha256={expected}".encode())


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
