"""What the hold tests share: the note, a claim's hold events and state, and the claims listed
in one queue of the desk page."""

import re

from factcheck.models import Claim, Event

S = Claim.Status
NOTE = "Waiting for the governor's office to call back."


def hold_events(claim):
    return list(Event.objects.filter(claim=claim, action="hold"))


def snapshot(claim):
    claim.refresh_from_db()
    return claim.status, claim.updated_at, Event.objects.filter(claim=claim).count()


def queue_ids(response, name):
    """The claims listed in one queue of the desk page."""
    match = re.search(rf'<section[^>]*id="queue-{name}".*?</section>', response.content.decode(), re.S)
    assert match, f"no queue {name} on the desk"
    return {int(pk) for pk in re.findall(r'href="/claims/(\d+)/"', match.group())}
