"""What a CMS webhook endpoint and a chat channel share: a named URL that receives
the events it subscribes to (outbox messages, ``factcheck.webhooks``)."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.deconstruct import deconstructible


@deconstructible
class EventNames:
    """Validates a JSON list of event names against the ones a receiver may get."""

    def __init__(self, known: list[str] | tuple[str, ...], what: str = "event names"):
        self.known, self.what = tuple(known), what

    def __call__(self, value) -> None:
        if not isinstance(value, list) or not all(isinstance(name, str) for name in value):
            raise ValidationError(f"Events must be a list of {self.what}.")
        unknown = sorted(set(value) - set(self.known))
        if unknown:
            raise ValidationError(f"Unknown event(s): {', '.join(unknown)}. Known: {', '.join(self.known)}.")

    def __eq__(self, other) -> bool:
        return isinstance(other, EventNames) and (self.known, self.what) == (other.known, other.what)


class Subscriber(models.Model):
    name = models.CharField(max_length=200)
    events = models.JSONField(default=list, blank=True, help_text="The events it receives.")
    active = models.BooleanField(default=True, help_text="Inactive receivers get no new deliveries.")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        abstract = True
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name

    def subscribes_to(self, event: str) -> bool:
        return self.active and isinstance(self.events, list) and event in self.events
