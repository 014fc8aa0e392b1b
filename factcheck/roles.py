"""Who may do what. Roles are Django groups carrying the desk's permissions
(created by migration 0002); superusers may do everything."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet

from factcheck.models import Action, Assignment, Claim
from factcheck.transitions import Who, from_status

EDITORS = "Editors"
REVIEWERS = "Reviewers"
CMS = "CMS"

TRIAGE = "factcheck.triage_claim"
APPROVE = "factcheck.approve_verdict"
REVIEW = "factcheck.review_claim"


def _active(user) -> bool:
    return user is not None and not isinstance(user, AnonymousUser) and user.is_active


def can_triage(user) -> bool:
    """Flag, accept, dismiss, restore and assign claims (editors)."""
    return _active(user) and user.has_perm(TRIAGE)


def can_approve(user) -> bool:
    """Approve, return and correct verdicts (editors)."""
    return _active(user) and user.has_perm(APPROVE)


def can_review(user) -> bool:
    """Be assigned claims and record verdicts on them (reviewers; editors too)."""
    return _active(user) and (user.has_perm(REVIEW) or user.has_perm(TRIAGE))


def desk_members() -> QuerySet:
    """Active editors and reviewers (by group) and superusers: who can be assigned, and mentioned."""
    wanted = Q(groups__name__in=[REVIEWERS, EDITORS]) | Q(is_superuser=True)
    return get_user_model().objects.filter(wanted, is_active=True).distinct()


def approvers() -> QuerySet:
    """Active people who may approve verdicts: by the permission (through a group or their
    own), or superusers — the same rule as ``can_approve``."""
    app_label, codename = APPROVE.split(".")
    granted = Q(groups__permissions__codename=codename, groups__permissions__content_type__app_label=app_label)
    granted |= Q(user_permissions__codename=codename, user_permissions__content_type__app_label=app_label)
    return get_user_model().objects.filter(granted | Q(is_superuser=True), is_active=True).distinct()


def is_editor(user) -> bool:
    return can_triage(user)


def is_reviewer(user) -> bool:
    """A member of the Reviewers (editors may review too, but only a member of both groups
    gets both sets of queues on the desk)."""
    return _active(user) and user.groups.filter(name=REVIEWERS).exists()


def is_cms(user) -> bool:
    """A service account of the CMS: reads published data, pushes articles."""
    return _active(user) and not can_review(user) and user.has_perm("factcheck.add_article")


def _open_assignment_of(claim: Claim, user) -> bool:
    cached = getattr(claim, "_prefetched_objects_cache", {}).get("assignments")
    if cached is not None:
        return any(a.reviewer_id == user.pk and a.done_at is None for a in cached)
    return Assignment.objects.filter(claim=claim, reviewer=user, done_at__isnull=True).exists()


def is_assigned(claim: Claim, user) -> bool:
    """Does this person hold an open assignment on the claim?"""
    return bool(user is not None and user.is_authenticated and _open_assignment_of(claim, user))


def may(who: Who, user, claim: Claim | None = None) -> bool:
    """Does this person fit a transition's ``who``? With a claim, "assigned" means
    an open assignment on that claim; without one, being a reviewer is enough."""
    if who is Who.EDITOR:
        return can_triage(user)
    if who is Who.APPROVER:
        return can_approve(user)
    if can_triage(user):
        return True
    return can_review(user) and (claim is None or is_assigned(claim, user))


def available_actions(claim: Claim, user) -> set[str]:
    """What this person may do to this claim now (transition table rows, plus
    evidence and comments); pages show only these.

    A hint for faces: the functions of factcheck.workflow check again, under lock."""
    if not can_review(user):
        return set()
    actions = {row.action.value for row in from_status(claim.status) if may(row.who, user, claim)}
    if Action.APPROVE in actions:
        pending = claim.pending_verdict()
        if pending is None or pending.author_id == user.pk:
            actions.discard(Action.APPROVE)  # four eyes: never the author
    if can_triage(user) or is_assigned(claim, user):
        actions.add("comment")
        if claim.status != Claim.Status.DISMISSED:
            actions.add("evidence")
        actions.add("tags")
    return actions
