"""Who may do what. Roles are Django groups carrying the desk's permissions
(created by migration 0002); superusers may do everything."""

from django.contrib.auth.models import AnonymousUser, Group

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


def is_editor(user) -> bool:
    return can_triage(user)


def reviewer_group() -> Group:
    return Group.objects.get(name=REVIEWERS)
