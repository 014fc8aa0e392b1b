"""Who must know about an event: the domain's half of notifications. The
transition table names an audience per action; this finds the people, and
leaves out whoever switched that event's emails off."""

from django.contrib.auth import get_user_model
from django.db.models import QuerySet

from factcheck import roles
from factcheck.models import Assignment, Event, NotificationPreference
from factcheck.transitions import Audience, Transition


def _active_with_email() -> QuerySet:
    return get_user_model().objects.filter(is_active=True).exclude(email="")


def people(event: Event, row: Transition, *, with_email: bool = True) -> list:
    """The people this event concerns (not its actor), before their email choices; only
    those with an address unless ``with_email`` is false (the bell needs none)."""
    users: QuerySet = _active_with_email() if with_email else get_user_model().objects.filter(is_active=True)
    if row.audience is Audience.NEW_REVIEWER:
        found = users.filter(pk__in=[(event.data or {}).get("reviewer")])
    elif row.audience is Audience.EDITORS:
        found = users.filter(pk__in=roles.approvers().values("pk"))
        if event.actor_id is not None:
            found = found.exclude(pk=event.actor_id)
    elif row.audience is Audience.REVIEWERS:
        open_assignments = Assignment.objects.filter(claim_id=event.claim_id, done_at__isnull=True)
        found = users.filter(pk__in=open_assignments.values("reviewer_id"))
    else:
        return []
    return list(found.distinct().order_by("email", "pk"))


def wants_email(users: list, action: str) -> list:
    """Those of ``users`` who did not switch off emails about ``action``."""
    off = set(
        NotificationPreference.objects.filter(user__in=users, action=action, email=False).values_list(
            "user_id", flat=True
        )
    )
    return [user for user in users if user.pk not in off]


def email_choices(user) -> dict[str, bool]:
    """Each notifiable action -> whether this person gets emails about it."""
    from factcheck.models.notifications import NOTIFIABLE_NAMES

    off = set(NotificationPreference.objects.filter(user=user, email=False).values_list("action", flat=True))
    return {action: action not in off for action in NOTIFIABLE_NAMES}


def set_email_choices(user, choices: dict[str, bool]) -> None:
    """Store a person's choices (one row per action they changed from the default)."""
    from factcheck.models.notifications import NOTIFIABLE_NAMES

    for action in NOTIFIABLE_NAMES:
        if action in choices:
            NotificationPreference.objects.update_or_create(
                user=user, action=action, defaults={"email": bool(choices[action])}
            )
