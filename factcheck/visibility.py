"""What the CMS may see, in one place.

The desk's people see every claim with everything on it. A CMS account sees a
claim once it has a verdict in force (the latest approved revision), and then:
that verdict and the earlier published ones, never a correction that waits for
approval; the evidence that was on record when the verdict in force was
approved; no triage notes (reason, priority, suggested) and no names of the
desk's people. Its incremental sync follows ``Claim.public_updated_at``, which
moves only when something it can see changes.
"""

from django.db.models import QuerySet
from django.utils import timezone

from factcheck import roles
from factcheck.models import Action, Claim, Evidence, Verdict

# Fields of a claim that the CMS sees and the back office can edit: editing one
# of them on a published claim sends the claim to the CMS again.
PUBLIC_EDITABLE_FIELDS = frozenset({"kind", "attribution", "media"})
# Fields the CMS never sees.
DESK_ONLY_FIELDS = ("reason", "priority", "suggested", "checkworthiness")


def is_public(user) -> bool:
    """Does this account see the CMS's view (anyone who is not on the desk)?"""
    return not roles.can_review(user)


def claims_visible_to(user, queryset: QuerySet[Claim] | None = None) -> QuerySet[Claim]:
    queryset = Claim.objects.all() if queryset is None else queryset
    if not is_public(user):
        return queryset
    # public_updated_at is set when a verdict is first approved and never cleared: saying so
    # lets the CMS's sync read its partial index (claim_public_updated_idx) in order.
    return queryset.published().filter(public_updated_at__isnull=False)  # type: ignore[attr-defined]


def sync_field(user) -> str:
    """The timestamp this account's incremental sync follows."""
    return "public_updated_at" if is_public(user) else "updated_at"


def publishes(action: str) -> bool:
    """Does a transition of this kind change what the CMS sees? Only approval does:
    a submitted correction or a returned one leaves the verdict in force as it was."""
    return action == Action.APPROVE


def on_record(added_at, approved_at) -> bool:
    """The rule: the CMS sees the evidence on record when the verdict in force was approved
    (``approved_at``: that verdict's approval, None when no verdict is in force)."""
    return approved_at is not None and added_at <= approved_at


def _on_record(evidence: Evidence, verdict: Verdict | None) -> bool:
    return on_record(evidence.added_at, None if verdict is None else verdict.approved_at)


def cms_sees_evidence(evidence: Evidence) -> bool:
    """Is this item among what the CMS sees (on record when the verdict in force was approved)?"""
    return _on_record(
        evidence, Verdict.objects.approved().filter(claim_id=evidence.claim_id).order_by("-revision").first()
    )


def claim_edited(claim: Claim, fields: set[str] | frozenset[str]) -> list[str]:
    """Bump the timestamps an edit of ``fields`` calls for; returns the fields to save."""
    now = timezone.now()
    claim.updated_at = now
    touched = ["updated_at"]
    if claim.public_updated_at is not None and fields & PUBLIC_EDITABLE_FIELDS:
        claim.public_updated_at = now
        touched.append("public_updated_at")
    return touched
