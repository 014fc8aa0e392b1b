"""Who hears about what: chat channels (Slack-compatible incoming webhooks) with the
events each gets, and each person's choice of emails. Sending goes through the
outbox (``WebhookDelivery``), like the CMS's webhooks."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from factcheck.models.claims import Action

NOTIFIABLE = [(value, label) for value, label in Action.choices if value not in ("suggest", "flag")]
NOTIFIABLE_NAMES = [value for value, _ in NOTIFIABLE]


def validate_actions(value) -> None:
    if not isinstance(value, list) or not all(isinstance(name, str) for name in value):
        raise ValidationError("Events must be a list of workflow actions.")
    unknown = sorted(set(value) - set(NOTIFIABLE_NAMES))
    if unknown:
        raise ValidationError(f"Unknown event(s): {', '.join(unknown)}. Known: {', '.join(NOTIFIABLE_NAMES)}.")


class NotificationChannel(models.Model):
    """A chat room's incoming webhook: Slack, Mattermost, or a Microsoft Teams workflow.

    Each message is ``{"text": ...}`` with a link to the claim, which all three accept."""

    name = models.CharField(max_length=200)
    url = models.URLField(max_length=1000, help_text="The incoming webhook's URL (http or https).")
    events = models.JSONField(
        default=list, blank=True, validators=[validate_actions], help_text="The workflow events it is told about."
    )
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name

    def subscribes_to(self, action: str) -> bool:
        return self.active and isinstance(self.events, list) and action in self.events


class NotificationPreference(models.Model):
    """A person's choice for one kind of event; without a row, emails are on."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_choices")
    action = models.CharField(max_length=30, choices=NOTIFIABLE)
    email = models.BooleanField(default=True)

    class Meta:
        ordering = ["user", "action"]
        constraints = [models.UniqueConstraint(fields=["user", "action"], name="notification_choice_unique")]

    def __str__(self) -> str:
        return f"{self.user}: {self.action} by email {'on' if self.email else 'off'}"
