"""Signed webhooks to the CMS: which events go out, the signature, and delivery with retries.

Queuing: ``queue_for_event`` writes one ``WebhookDelivery`` per subscribed active endpoint,
its body frozen, inside the transition's transaction (an outbox: nothing is lost between the
commit and the sending). ``schedule`` then hands it to a task after the commit.

Sending is at least once (receivers dedupe on ``X-Factcheck-Delivery``): ``attempt`` makes one
POST after taking it with one conditional UPDATE (pending, due, same attempt count, nobody
sending it), so two workers never send the same attempt, also on SQLite where SELECT ... FOR
UPDATE does nothing. A worker that dies mid-attempt holds it only for a lease.

Redelivery keeps the delivery id and the body: it is the same message sent again (after the
receiver was fixed, or lost it), not a new event, so a receiver that did process it already
sees a duplicate it knows, never a second, different "verdict.published". Only the timestamp
and signature are new. A receiver that wants to process it again forgets the id first; for
the claim as it is now, read the API.
"""

import hashlib
import hmac
import json
import logging
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from factcheck import background, payloads, transitions, transports
from factcheck.models import Claim, Event, WebhookAttempt, WebhookDelivery, WebhookEndpoint
from factcheck.models.webhooks import generate_secret

logger = logging.getLogger(__name__)
State = WebhookDelivery.State
Transport = WebhookDelivery.Transport
USER_AGENT = transports.USER_AGENT
MAX_DELAY = timedelta(days=1)
DELIVERY_TASK = "deliver_webhook"  # the background task that makes an attempt (factcheck.tasks)


class Busy(Exception):
    """An attempt of this delivery is being sent right now."""

    message = "An attempt is being sent right now; try again in a moment."


def EVENT_FOR(event: Event) -> str | None:
    """The webhook event a workflow Event sends, if any (the transition table says)."""
    name = transitions.webhook_for(event.action, event.data)
    return None if name is None else name.value


def _lease() -> timedelta:
    """How long a claimed attempt stays reserved for its worker (well past the timeouts)."""
    return timedelta(seconds=2 * transports.timeout() + 60)


def _free(now: datetime) -> Q:
    return Q(sending_since__isnull=True) | Q(sending_since__lt=now - _lease())


def queue_for_event(event: Event, render_claim: Callable[[Claim], dict] = payloads.cms_claim) -> list[WebhookDelivery]:
    """Create one pending delivery per active endpoint subscribed to the event's webhook.

    Call it inside the transaction that wrote the event; ``render_claim`` gives the claim's JSON
    (the CMS's view of it, ``payloads.cms_claim``)."""
    name = EVENT_FOR(event)
    if name is None:
        return []
    endpoints = [endpoint for endpoint in WebhookEndpoint.objects.filter(active=True) if endpoint.subscribes_to(name)]
    if not endpoints:
        return []
    # Through JSON once, so the stored payload and the one in memory are the same.
    claim = json.loads(json.dumps(render_claim(event.claim), cls=DjangoJSONEncoder))
    now, occurred_at = timezone.now(), event.at.astimezone(UTC).isoformat().replace("+00:00", "Z")
    deliveries = []
    for endpoint in endpoints:
        delivery_id = uuid.uuid4()
        payload = {"id": str(delivery_id), "event": name, "occurred_at": occurred_at, "claim": claim}
        fields = {"event": name, "claim_id": event.claim_id, "next_attempt_at": now, "created_at": now}
        deliveries.append(WebhookDelivery(endpoint=endpoint, delivery_id=delivery_id, payload=payload, **fields))
    return WebhookDelivery.objects.bulk_create(deliveries)


def publish_event(event: Event) -> list[WebhookDelivery]:
    """The workflow's call: queue the event's deliveries in its transaction, send them after the commit."""
    deliveries = queue_for_event(event)
    for delivery in deliveries:
        send_soon(delivery)
    return deliveries


def send_soon(delivery: WebhookDelivery) -> bool:
    """Schedule the delivery's next attempt on the background task, after the commit."""
    return schedule(delivery, background.task(DELIVERY_TASK))


def schedule(delivery: WebhookDelivery, task, *, now: datetime | None = None) -> bool:
    """Enqueue ``task(delivery_id)`` for the delivery's next attempt, after the current commit.

    ``task`` is a django-tasks Task (``tasks.deliver_webhook``). A future attempt is enqueued
    with ``run_after`` when the backend supports it; otherwise nothing is enqueued and
    ``manage.py deliver_webhooks`` sends it when due. Returns whether it was enqueued."""
    if delivery.state != State.PENDING:
        return False
    if delivery.next_attempt_at > (now or timezone.now()):
        if not task.get_backend().supports_defer:
            return False
        task = task.using(run_after=delivery.next_attempt_at)
    delivery_id = str(delivery.delivery_id)
    transaction.on_commit(lambda: task.enqueue(delivery_id), robust=True)
    return True


def sign(secret: str, timestamp: int | str, body: bytes) -> str:
    """Hex HMAC-SHA256 of ``f"{timestamp}."`` followed by the body."""
    return hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()


def verify(
    secret: str, timestamp, body: bytes | str, signature: str, tolerance: int = 300, now: float | None = None
) -> bool:
    """Is ``signature`` (``sha256=<hex>`` or the bare hex) right, and the timestamp fresh?"""
    try:
        stamp = int(timestamp)
    except (TypeError, ValueError):
        return False
    if abs((time.time() if now is None else now) - stamp) > tolerance or not isinstance(signature, str):
        return False
    body = body.encode() if isinstance(body, str) else body
    expected = sign(secret, stamp, body)
    return hmac.compare_digest(expected.encode(), signature.removeprefix("sha256=").encode())


def body_of(delivery: WebhookDelivery) -> bytes:
    return json.dumps(delivery.payload, ensure_ascii=False, separators=(",", ":")).encode()


def headers_for(delivery: WebhookDelivery, body: bytes, timestamp: int) -> dict[str, str]:
    """The headers of a CMS webhook, signed with its endpoint's secret."""
    assert delivery.endpoint is not None  # the database's check: a CMS delivery has its endpoint
    return {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "X-Factcheck-Event": delivery.event,
        "X-Factcheck-Delivery": str(delivery.delivery_id),
        "X-Factcheck-Timestamp": str(timestamp),
        "X-Factcheck-Signature": "sha256=" + sign(delivery.endpoint.secret, timestamp, body),
    }


def _post(url: str, body: bytes, headers: dict[str, str]) -> transports.Sent:
    return transports.post_json(url, body, headers)


def _send(delivery: WebhookDelivery, timestamp: int) -> transports.Sent:
    """One attempt through the delivery's transport."""
    if delivery.transport == Transport.EMAIL:
        return transports.send_email(delivery.payload)
    body = body_of(delivery)
    if delivery.transport == Transport.CHAT and delivery.channel is not None:
        # Unsigned (chat services have their own secret URL), but with the id a receiver dedupes on.
        headers = {"Content-Type": "application/json", "User-Agent": USER_AGENT}
        headers |= {"X-Factcheck-Event": delivery.event, "X-Factcheck-Delivery": str(delivery.delivery_id)}
        return _post(delivery.channel.url, body, headers)
    assert delivery.endpoint is not None
    return _post(delivery.endpoint.url, body, headers_for(delivery, body, timestamp))


def _outcome(sent: transports.Sent, number: int, now: datetime) -> tuple[str, str, datetime | None]:
    """(new state, error text, next attempt time) after attempt ``number``."""
    code, error = sent.code, sent.error
    if sent.ok:
        return State.DELIVERED, "", None
    if code is not None and 300 <= code < 400:
        return State.FAILED, f"Redirected ({code}), not followed: {error} Fix the endpoint's URL, then redeliver.", None
    said = f" It said: {error}" if error else ""
    if code is not None and code < 500 and code not in (408, 429):
        return State.FAILED, f"The receiver refused it ({code}); not retried.{said} Fix it, then redeliver.", None
    error = error if code is None else f"The receiver answered {code}.{said}"
    limit = int(getattr(settings, "WEBHOOK_MAX_ATTEMPTS", 8))
    if number >= limit:
        return State.FAILED, f"{error} Gave up after {number} attempts.", None
    delay = timedelta(seconds=float(getattr(settings, "WEBHOOK_RETRY_BASE", 30)) * 2 ** min(number - 1, 20))
    return State.PENDING, error, now + min(delay, MAX_DELAY)


def _claim(delivery: WebhookDelivery, now: datetime) -> bool:
    """Take the next attempt for this worker: of two that read the same row, one UPDATE wins."""
    mine = WebhookDelivery.objects.filter(
        _free(now), pk=delivery.pk, state=State.PENDING, attempts=delivery.attempts, next_attempt_at__lte=now
    )
    return mine.update(attempts=F("attempts") + 1, sending_since=now) == 1


def _attempt(delivery: WebhookDelivery, now: datetime) -> bool:
    """Make one attempt if it is due and nobody else is making it; whether one was made."""
    if not _claim(delivery, now):
        return False
    number = delivery.attempts + 1
    started = time.monotonic()
    if delivery.receiver_active:
        sent = _send(delivery, int(time.time()))
        code = sent.code
        state, error, next_at = _outcome(sent, number, now)
    else:
        code, state, next_at = None, State.FAILED, None
        error = "The endpoint is inactive: not sent. Activate it, then redeliver."
    duration = round((time.monotonic() - started) * 1000)
    with transaction.atomic():
        WebhookAttempt.objects.create(delivery=delivery, at=now, response_code=code, duration_ms=duration, error=error)
        changes = {"state": state, "sending_since": None, "next_attempt_at": next_at or now}
        if state == State.DELIVERED:
            changes["delivered_at"] = timezone.now()
        # Unless the lease ran out and someone else took the delivery meanwhile.
        WebhookDelivery.objects.filter(pk=delivery.pk, attempts=number, sending_since=now).update(**changes)
    return True


def attempt(delivery_id: uuid.UUID | str, *, now: datetime | None = None) -> WebhookDelivery:
    """Make ONE attempt of the delivery if it is pending and due (else nothing); return it as it is now."""
    delivery = WebhookDelivery.objects.select_related("endpoint", "channel").get(delivery_id=delivery_id)
    _attempt(delivery, now or timezone.now())
    delivery.refresh_from_db()
    return delivery


def deliver(delivery_id: uuid.UUID | str, retry_with=None) -> str:
    """The task's body: one attempt, then the retry scheduled on ``retry_with`` (a Task).

    Only the worker that made the attempt schedules the next one, so duplicates die out."""
    delivery = WebhookDelivery.objects.select_related("endpoint", "channel").filter(delivery_id=delivery_id).first()
    if delivery is None:
        return "gone"  # deleted with its endpoint
    made = _attempt(delivery, timezone.now())
    delivery.refresh_from_db()
    if made and retry_with is not None:
        schedule(delivery, retry_with)
    return delivery.state


def deliver_due(now: datetime | None = None, limit: int = 100) -> int:
    """Attempt every pending delivery due at ``now`` (at most ``limit``); the number of attempts made."""
    now = now or timezone.now()
    due = WebhookDelivery.objects.filter(_free(now), state=State.PENDING, next_attempt_at__lte=now)
    due = due.select_related("endpoint", "channel").order_by("next_attempt_at", "id")[:limit]
    made = 0
    for delivery in list(due):
        try:
            made += _attempt(delivery, now)
        except Exception:  # noqa: BLE001 - one broken delivery must not stop the others; its lease expires
            logger.exception("Webhook delivery %s: the attempt failed", delivery.delivery_id)
    return made


def redeliver(delivery: WebhookDelivery, *, by: str = "", now: datetime | None = None) -> WebhookDelivery:
    """Send the delivery again: same delivery id and body, pending, due now, with a fresh
    budget of attempts; noted in its attempts. Raises Busy while an attempt is in flight."""
    now = now or timezone.now()
    with transaction.atomic():
        previous = WebhookDelivery.objects.filter(pk=delivery.pk).values("state", "attempts").first()
        fresh = {"state": State.PENDING, "attempts": 0, "next_attempt_at": now, "delivered_at": None}
        changed = WebhookDelivery.objects.filter(_free(now), pk=delivery.pk).update(**fresh, sending_since=None)
        if not changed or previous is None:
            raise Busy
        note = f"Redelivery{f' requested by {by}' if by else ''}: it was {previous['state']} after "
        note += f"{previous['attempts']} attempt(s). Same delivery id and body, new timestamp and signature."
        WebhookAttempt.objects.create(delivery=delivery, at=now, error=note)
    delivery.refresh_from_db()
    return delivery


def rotate_secret(endpoint: WebhookEndpoint) -> str:
    """Give the endpoint a new signing secret and return it (shown once). Deliveries
    already queued are signed with the new one at their next attempt."""
    endpoint.secret = generate_secret()
    endpoint.save(update_fields=["secret"])
    return endpoint.secret


def hurry(delivery: WebhookDelivery, *, now: datetime | None = None) -> bool:
    """Make a pending delivery due now (the admin's "Attempt now"); False if it is not pending or in flight."""
    now = now or timezone.now()
    if not WebhookDelivery.objects.filter(_free(now), pk=delivery.pk, state=State.PENDING).update(next_attempt_at=now):
        return False
    delivery.refresh_from_db()
    return True
