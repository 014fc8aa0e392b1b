"""Notifications: who must know about a workflow event (``audience``, read from the
transition table), what they are told (``messages``), and through which channel:
email to each person who did not switch it off, and a message to each chat
channel (Slack-compatible incoming webhook) that subscribes to the event.

Every message is written to the outbox (``WebhookDelivery``) inside the
transition's transaction and sent after the commit, with the CMS webhooks'
retries and record of attempts (``factcheck.webhooks``)."""

import uuid

from django.utils import timezone

from factcheck import webhooks
from factcheck.models import Event, NotificationChannel, WebhookDelivery
from factcheck.notifications import audience, messages, notices
from factcheck.notifications.audience import email_choices, set_email_choices
from factcheck.transitions import Audience, Transition

Transport = WebhookDelivery.Transport
__all__ = ["email_choices", "outbox_for_event", "queue_for_event", "set_email_choices"]


def _delivery(event: Event, transport: str, payload: dict, **receiver) -> WebhookDelivery:
    now, delivery_id = timezone.now(), uuid.uuid4()
    return WebhookDelivery(
        transport=transport, event=event.action, claim_id=event.claim_id, delivery_id=delivery_id,
        payload=payload, next_attempt_at=now, created_at=now, **receiver,
    )  # fmt: skip


def outbox_for_event(event: Event, row: Transition) -> list[WebhookDelivery]:
    """The messages this event calls for, unsaved: an email to each person who must know
    and wants it (one each: nobody sees the others' addresses, and one bad address fails
    alone), and one message per chat channel subscribed to the event."""
    deliveries = []
    if row.audience is not Audience.NOBODY:
        recipients = audience.wants_email(audience.people(event, row), event.action)
        if recipients:
            subject, body = messages.email(event, row)
            for address in sorted({user.email for user in recipients}):
                payload = {"subject": subject, "body": body, "to": [address]}
                deliveries.append(_delivery(event, Transport.EMAIL, payload))
    channels = [c for c in NotificationChannel.objects.filter(active=True) if c.subscribes_to(event.action)]
    if channels:
        text = messages.chat(event)
        deliveries += [_delivery(event, Transport.CHAT, text, channel=channel) for channel in channels]
    return deliveries


def queue_for_event(event: Event, row: Transition) -> list[WebhookDelivery]:
    """Write the event's messages to the outbox (call inside its transaction); they are sent after the commit."""
    notices.for_event(event, row)  # the bell, in the same transaction
    deliveries = WebhookDelivery.objects.bulk_create(outbox_for_event(event, row))
    for delivery in deliveries:
        webhooks.send_soon(delivery)
    return deliveries
