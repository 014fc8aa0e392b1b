"""Emails the desk sends after a transition: the reviewer on assignment, the
editors when a verdict waits for approval, the reviewers when it comes back."""

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mass_mail
from django.urls import reverse

from factcheck import roles
from factcheck.models import Assignment, Event

log = logging.getLogger(__name__)


def _claim_link(event: Event) -> str:
    return settings.SITE_URL + reverse("factcheck:claim", args=[event.claim_id])


def _editors_emails() -> list[str]:
    users = get_user_model().objects.filter(is_active=True).exclude(email="")
    editors = users.filter(groups__name=roles.EDITORS) | users.filter(is_superuser=True)
    return sorted(set(editors.values_list("email", flat=True)))


def messages_for(event: Event) -> list[tuple[str, str, str, list[str]]]:
    """(subject, body, from, recipients) for each email this event calls for."""
    claim = event.claim
    link = _claim_link(event)
    sender = settings.DEFAULT_FROM_EMAIL
    quoted = claim.text if len(claim.text) <= 200 else claim.text[:199] + "…"
    if event.action == "assign":
        reviewer = get_user_model().objects.filter(pk=event.data.get("reviewer")).first()
        if reviewer is None or not reviewer.email:
            return []
        due = event.data.get("due_at")
        body = f"{event.actor} assigned you a claim to check:\n\n“{quoted}”\n\n"
        body += f"Due: {due}\n" if due else ""
        body += f"\n{link}\n"
        return [(f"[Fact-check] Assigned to you: claim #{claim.pk}", body, sender, [reviewer.email])]
    if event.action in ("submit", "correct"):
        recipients = [email for email in _editors_emails() if email != getattr(event.actor, "email", None)]
        if not recipients:
            return []
        body = f"{event.actor} submitted a verdict for approval on:\n\n“{quoted}”\n\n{link}\n"
        return [(f"[Fact-check] Verdict awaiting approval: claim #{claim.pk}", body, sender, recipients)]
    if event.action == "return" and event.to_status == claim.Status.ASSIGNED:
        open_assignments = Assignment.objects.filter(claim=claim, done_at__isnull=True).select_related("reviewer")
        recipients = sorted({a.reviewer.email for a in open_assignments if a.reviewer.email})
        if not recipients:
            return []
        body = f"{event.actor} returned the verdict on:\n\n“{quoted}”\n\nNote: {event.note}\n\n{link}\n"
        return [(f"[Fact-check] Verdict returned: claim #{claim.pk}", body, sender, recipients)]
    return []


def send_for_event(event_id: int) -> int:
    event = Event.objects.select_related("claim", "actor").filter(pk=event_id).first()
    if event is None:
        log.warning("Event %s vanished before its notifications were sent", event_id)
        return 0
    messages = messages_for(event)
    return send_mass_mail(messages, fail_silently=False) if messages else 0
