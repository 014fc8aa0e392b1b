"""Webhooks to the CMS: the endpoints that subscribe, each delivery of an event
(the outbox, frozen when queued) and every attempt to send it.

Sending, signing and retrying live in ``factcheck.webhooks``."""

import secrets
import uuid

from django.db import models
from django.db.models import Q
from django.utils import timezone

from factcheck.models.claims import Claim
from factcheck.models.notifications import NOTIFIABLE, NotificationChannel
from factcheck.models.receivers import EventNames, Subscriber


class WebhookEvent(models.TextChoices):
    """The events a CMS endpoint can subscribe to (the transition table says which action sends which)."""

    PUBLISHED = "verdict.published", "A verdict is published"
    CORRECTED = "verdict.corrected", "A correction of a published verdict is published"
    RETURNED = "claim.returned", "A verdict is returned for rework"


EVENTS = WebhookEvent.choices
EVENT_NAMES = list(WebhookEvent.values)
validate_events = EventNames(EVENT_NAMES)  # (named in migration 0006)


def generate_secret() -> str:
    return secrets.token_urlsafe(32)


class WebhookEndpoint(Subscriber):
    """A receiver on the CMS side, registered in the admin."""

    url = models.URLField(max_length=1000, help_text="Where events are POSTed (http or https).")
    events = models.JSONField(
        default=list, blank=True, validators=[validate_events], help_text="The event names it subscribes to."
    )
    secret = models.CharField(
        max_length=200,
        default=generate_secret,
        help_text="Signs every delivery (HMAC-SHA256). Shown once, when the endpoint is created or rotated.",
    )

    class Meta(Subscriber.Meta):
        pass


class WebhookDelivery(models.Model):
    """The outbox: one message for one receiver, frozen when queued, sent with retries.

    A CMS webhook (signed) to an endpoint, a chat message to a notification channel,
    or an email. Its ``delivery_id`` is the idempotency key the receiver dedupes on;
    every attempt and every redelivery sends the same id and body."""

    class State(models.TextChoices):
        PENDING = "pending", "Pending"
        DELIVERED = "delivered", "Delivered"
        FAILED = "failed", "Failed"

    class Transport(models.TextChoices):
        CMS = "cms", "CMS webhook"
        CHAT = "chat", "Chat channel"
        EMAIL = "email", "Email"

    transport = models.CharField(max_length=10, choices=Transport.choices, default=Transport.CMS)
    endpoint = models.ForeignKey(
        WebhookEndpoint, null=True, blank=True, on_delete=models.CASCADE, related_name="deliveries"
    )
    channel = models.ForeignKey(
        NotificationChannel, null=True, blank=True, on_delete=models.CASCADE, related_name="deliveries"
    )
    event = models.CharField(
        max_length=40, choices=EVENTS + NOTIFIABLE, help_text="A CMS event (verdict.published) or a workflow action."
    )
    claim = models.ForeignKey(Claim, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    delivery_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    payload = models.JSONField(help_text="The body, frozen when the delivery was queued.")
    state = models.CharField(max_length=20, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveIntegerField(default=0, help_text="Attempts since it was queued or redelivered.")
    next_attempt_at = models.DateTimeField(default=timezone.now)
    # Set while a worker sends an attempt: nobody else starts one until it is
    # cleared, or the lease runs out (the worker died: the attempt is retried).
    sending_since = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "outbox delivery"
        verbose_name_plural = "outbox deliveries"
        constraints = [
            models.CheckConstraint(
                condition=(Q(transport="cms") & Q(endpoint__isnull=False) & Q(channel__isnull=True))
                | (Q(transport="chat") & Q(channel__isnull=False) & Q(endpoint__isnull=True))
                | (Q(transport="email") & Q(endpoint__isnull=True) & Q(channel__isnull=True)),
                name="outbox_delivery_has_its_receiver",
            ),
            models.CheckConstraint(
                condition=Q(state__in=["pending", "delivered", "failed"]), name="webhook_delivery_state_known"
            ),
            models.CheckConstraint(
                condition=~Q(state="delivered") | Q(delivered_at__isnull=False),
                name="webhook_delivered_has_time",
            ),
        ]
        indexes = [
            models.Index(fields=["next_attempt_at"], condition=Q(state="pending"), name="webhook_due_idx"),
            models.Index(fields=["endpoint", "-created_at"], name="webhook_endpoint_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.event} → {self.receiver} ({self.delivery_id})"

    @property
    def receiver(self) -> str:
        if self.transport == self.Transport.EMAIL:
            return ", ".join(self.payload.get("to", [])) if isinstance(self.payload, dict) else "email"
        return str(self.endpoint or self.channel)

    @property
    def receiver_active(self) -> bool:
        target = self.endpoint or self.channel
        return True if target is None else target.active


class WebhookAttempt(models.Model):
    """One POST of a delivery, or a note (no ``duration_ms``) such as a redelivery request."""

    delivery = models.ForeignKey(WebhookDelivery, on_delete=models.CASCADE, related_name="attempt_log")
    at = models.DateTimeField(default=timezone.now)
    response_code = models.PositiveSmallIntegerField(null=True, blank=True)
    duration_ms = models.PositiveIntegerField(null=True, blank=True, help_text="Empty for notes: nothing was sent.")
    error = models.TextField(blank=True, default="")

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["delivery", "at"], name="webhook_attempt_idx")]

    def __str__(self) -> str:
        outcome = self.response_code or ("note" if self.duration_ms is None else "no answer")
        return f"{self.delivery.event} at {self.at:%Y-%m-%d %H:%M:%S}: {outcome}"
