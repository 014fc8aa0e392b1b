"""Evidence and comments on a claim: who may add them, and what makes them valid."""

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils import timezone

from factcheck import roles
from factcheck.models import Claim, Comment, Evidence
from factcheck.roles import is_assigned
from factcheck.workflow import Invalid, NotAllowed


def may_contribute(claim: Claim, user) -> bool:
    """Editors on any claim; reviewers on claims assigned to them."""
    return roles.can_triage(user) or (roles.can_review(user) and is_assigned(claim, user))


def evidence_add(claim: Claim, *, actor, url: str = "", description: str = "") -> Evidence:
    if not may_contribute(claim, actor):
        raise NotAllowed("Only editors and the assigned reviewer can add evidence.")
    if claim.status == Claim.Status.DISMISSED:
        raise Invalid("This claim was dismissed; restore it before adding evidence.")
    url, description = (url or "").strip(), (description or "").strip()
    if not url and not description:
        raise Invalid("Give a link or say what the evidence shows.")
    if url:
        try:
            URLValidator(schemes=["http", "https"])(url)
        except ValidationError:
            raise Invalid("The link must be an http(s) address.") from None
    evidence = Evidence.objects.create(claim=claim, url=url, description=description, added_by=actor)
    _touch(claim)
    return evidence


def comment_add(claim: Claim, *, actor, body: str) -> Comment:
    if not may_contribute(claim, actor):
        raise NotAllowed("Only editors and the assigned reviewer can comment on this claim.")
    body = (body or "").strip()
    if not body:
        raise Invalid("A comment needs some text.")
    comment = Comment.objects.create(claim=claim, author=actor, body=body)
    _touch(claim)
    return comment


def _touch(claim: Claim) -> None:
    """The claim changed: incremental sync (updated_since) must see it again."""
    claim.updated_at = timezone.now()
    Claim.objects.filter(pk=claim.pk).update(updated_at=claim.updated_at)
