"""Webhooks to the CMS: the endpoints that subscribe, each delivery of an event
(the outbox, frozen when queued) and every attempt to send it.

Sending, signing and retrying live in ``factcheck.webhooks``."""

import secrets
import uuid

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone

from factcheck.models.claims import Claim

EVENTS = [
    ("verdict.published", "A verdict is published"),
    ("verdict.corrected", "A correction of a published verdict is published"),
    ("claim.returned", "A verdict is returned for rework"),
]
EVENT_NAMES = [name for name, _ in EVENTS]


def generate_secret() -> str:
    return secrets.token_urlsafe(32)


def validate_events(value) -> None:
    if not isinstance(value, list) or not all(isinstance(name, str) for name in value):
        raise ValidationError("Events must be a list of event names.")
    unknown = sorted(set(value) - set(EVENT_NAMES))
    if unknown:
        raise ValidationError(f"Unknown event(s): {', '.join(unknown)}. Known: {', '.join(EVENT_NAMES)}.")


class WebhookEndpoint(models.Model):
    """A receiver on the CMS side, registered in the admin."""

    name = models.CharField(max_length=200)
    url = models.URLField(max_length=1000, help_text="Where events are POSTed (http or https).")
    secret = models.CharField(
        max_length=200,
        default=generate_secret,
        help_text="Signs every delivery (HMAC-SHA256). Shown once, when the endpoint is created or rotated.",
    )
    events = models.JSONField(
        default=list, blank=True, validators=[validate_events], help_text="The event names it subscribes to."
    )
    active = models.BooleanField(default=True, help_text="Inactive endpoints get no new deliveries.")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name

    def subscribes_to(self, event: str) -> bool:
        return self.active and isinstance(self.events, list) and event in self.events


class WebhookDelivery(models.Model):
    """One event for one endpoint. Its ``delivery_id`` is the idempotency key the
    receiver dedupes on; every attempt and every redelivery sends the same id and body."""

    class State(models.TextChoices):
        PENDING = "pending", "Pending"
        DELIVERED = "delivered", "Delivered"
        FAILED = "failed", "Failed"

    endpoint = models.ForeignKey(WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries")
    event = models.CharField(max_length=40, choices=EVENTS)
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
        verbose_name_plural = "webhook deliveries"
        constraints = [
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
        return f"{self.event} → {self.endpoint} ({self.delivery_id})"


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
