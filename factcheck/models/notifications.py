"""Who hears about what: chat channels (Slack-compatible incoming webhooks) with the
events each gets, and each person's choice of emails. Sending goes through the
outbox (``WebhookDelivery``), like the CMS's webhooks."""

from django.conf import settings
from django.db import models

from factcheck.models.claims import CREATING_ACTIONS, Action
from factcheck.models.receivers import EventNames, Subscriber

NOTIFIABLE = [(value, label) for value, label in Action.choices if value not in CREATING_ACTIONS]
NOTIFIABLE_NAMES = [value for value, _ in NOTIFIABLE]
validate_actions = EventNames(NOTIFIABLE_NAMES, "workflow actions")  # (named in migration 0008)


class NotificationChannel(Subscriber):
    """A chat room's incoming webhook: Slack, Mattermost, or a Microsoft Teams workflow.

    Each message is ``{"text": ...}`` with a link to the claim, which all three accept."""

    url = models.URLField(max_length=1000, help_text="The incoming webhook's URL (http or https).")
    events = models.JSONField(
        default=list, blank=True, validators=[validate_actions],
        help_text="The workflow events it is told about.",
    )  # fmt: skip

    class Meta(Subscriber.Meta):
        pass


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
