"""What the notification tests share: a chat channel, the outbox's chat and email deliveries and
their attempts, the link a message carries, and a claim submitted or assigned with an empty outbox."""

import pytest
from django.conf import settings
from django.core import mail

from factcheck.models import Claim, NotificationChannel, WebhookAttempt, WebhookDelivery

S = Claim.Status
State = WebhookDelivery.State
Transport = WebhookDelivery.Transport
EMAILED = ["return", "submit", "correct", "assign", "hold", "resume"]  # the actions with an audience


def make_channel(url="http://127.0.0.1:9/unused", events=("approve",), active=True, name="Desk room"):
    return NotificationChannel.objects.create(name=name, url=url, events=list(events), active=active)


def claim_link(claim) -> str:
    return f"{settings.SITE_URL}/claims/{claim.pk}/"


def chat_deliveries():
    return WebhookDelivery.objects.filter(transport=Transport.CHAT)


def email_deliveries():
    return WebhookDelivery.objects.filter(transport=Transport.EMAIL).order_by("id")


def attempts_of(delivery) -> list[WebhookAttempt]:
    return list(WebhookAttempt.objects.filter(delivery=delivery, duration_ms__isnull=False).order_by("at", "id"))


def clear_outbox():
    """Set aside what the setup's own transitions queued (never sent: their commit never came)."""
    WebhookDelivery.objects.all().delete()
    mail.outbox.clear()


@pytest.fixture
def submitted(make_claim) -> Claim:
    """A verdict by reviewer1 waiting for approval, with an empty outbox."""
    claim = make_claim(S.SUBMITTED)
    clear_outbox()
    return claim


@pytest.fixture
def assigned(make_claim) -> Claim:
    """A claim assigned to reviewer1, with an empty outbox."""
    claim = make_claim(S.ASSIGNED)
    clear_outbox()
    return claim
