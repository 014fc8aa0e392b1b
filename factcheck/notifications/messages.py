"""What the messages say. Every one carries a link to the claim (``SITE_URL``)."""

from django.conf import settings
from django.urls import reverse

from factcheck.models import Action, Claim, Event, Verdict
from factcheck.transitions import Audience, Transition


def claim_link(event: Event) -> str:
    return settings.SITE_URL + reverse("factcheck:claim", args=[event.claim_id])


def _quoted(claim: Claim, limit: int = 200) -> str:
    text = claim.text if len(claim.text) <= limit else claim.text[: limit - 1] + "…"
    return f"“{text}”"


def _published_rating(event: Event) -> str:
    verdict_id = (event.data or {}).get("verdict")
    if not isinstance(verdict_id, int):
        return ""
    verdict = Verdict.objects.select_related("rating").filter(pk=verdict_id).first()
    return verdict.rating.label if verdict is not None else ""


def email(event: Event, row: Transition) -> tuple[str, str]:
    """(subject, body) of the email to the row's audience."""
    claim, link, who = event.claim, claim_link(event), event.actor or "The desk"
    number = f"claim #{claim.pk}"
    if row.audience is Audience.NEW_REVIEWER:
        due = (event.data or {}).get("due_at")
        body = f"{who} assigned you a claim to check:\n\n{_quoted(claim)}\n\n" + (f"Due: {due}\n" if due else "")
        return f"[Fact-check] Assigned to you: {number}", body + f"\n{link}\n"
    if row.audience is Audience.EDITORS:
        body = f"{who} submitted a verdict for approval on:\n\n{_quoted(claim)}\n\n{link}\n"
        return f"[Fact-check] Verdict awaiting approval: {number}", body
    if event.action == Action.RETURN:
        body = f"{who} returned the verdict on:\n\n{_quoted(claim)}\n\nNote: {event.note}\n\n{link}\n"
        return f"[Fact-check] Verdict returned: {number}", body
    note = f"Note: {event.note}\n\n" if event.note else ""
    body = f"{who}: {event.get_action_display().lower()} on:\n\n{_quoted(claim)}\n\n{note}{link}\n"
    return f"[Fact-check] {event.get_action_display()}: {number}", body


def _chat_escape(text: str) -> str:
    """Slack's control characters as its formatting rules ask: a claim quoting
    ``<!channel>`` or ``<https://evil.example|the report>`` stays text."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def chat(event: Event) -> dict:
    """A Slack-compatible incoming-webhook message: ``{"text": ...}``. Slack, Mattermost and
    Teams workflows all show ``text``; the bare link is made clickable by each of them.
    What people wrote (the claim, the note, names) is escaped."""
    claim = event.claim
    what = event.get_action_display()
    if event.action == Action.APPROVE:
        rating = _published_rating(event)
        correction = (event.data or {}).get("correction")
        what = ("Correction published" if correction else "Verdict published") + (f": {rating}" if rating else "")
    line = f"{_chat_escape(what)} on claim #{claim.pk} {_chat_escape(_quoted(claim, 300))}"
    if event.actor is not None:
        line += f" (by {_chat_escape(event.actor.get_username())})"
    if event.note:
        line += f"\nNote: {_chat_escape(event.note)}"
    return {"text": f"{line}\n{claim_link(event)}"}
