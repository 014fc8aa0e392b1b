"""What every transition shares: its errors, the guards read from the transition
table, the row lock, the conditional status change with its Event, and the side
effects queued for after the commit."""

from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.utils import timezone

from factcheck import notifications, roles, visibility, webhooks
from factcheck.library import own
from factcheck.models import Action, Claim, Event
from factcheck.transitions import Transition, transition

PERFORMERS: dict[str, Callable[..., Claim]] = {}


class WorkflowError(Exception):
    """A transition that cannot happen; ``message`` is for people."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class NotAllowed(WorkflowError):
    """The actor has no right to do this."""


class Conflict(WorkflowError):
    """The claim is not in a state that allows this, usually because someone acted first."""


class Invalid(WorkflowError):
    """The request itself is wrong (bad span, unknown reviewer, empty note...)."""


def performs(action: str) -> Callable[[Callable[..., Claim]], Callable[..., Claim]]:
    """Register the function that carries out ``action`` (see ``perform``)."""

    def register(function: Callable[..., Claim]) -> Callable[..., Claim]:
        transition(action)  # a row must exist
        PERFORMERS[action] = function
        return function

    return register


def perform(action: str, claim: Claim | int, *, actor, **inputs: Any) -> Claim:
    """Carry out any action of the table: the one entry point the faces use."""
    try:
        function = PERFORMERS[action]
    except KeyError:
        raise Invalid(f"There is no action {action!r}.") from None
    return function(claim, actor=actor, **inputs)


def require(allowed: bool, message: str) -> None:
    if not allowed:
        raise NotAllowed(message)


def allowed_to(row: Transition, actor) -> None:
    """The role check of the table's row, before anything is locked."""
    require(roles.may(row.who, actor), f"Only {row.who} can {row.verb}.")


def note_of(row: Transition, note: str | None) -> str:
    note = (note or "").strip()
    if row.note_required and not note:
        raise Invalid(row.note_prompt or "A note is required.")
    return note


def lock(claim: Claim | int) -> Claim:
    pk = claim.pk if isinstance(claim, Claim) else claim
    try:
        return Claim.objects.select_for_update().get(pk=pk)
    except Claim.DoesNotExist:
        raise Conflict("This claim no longer exists.") from None


def expect(claim: Claim, row: Transition) -> None:
    if not row.leaves(claim.status):
        raise Conflict(f"Cannot {row.verb}: the claim is {claim.get_status_display().lower()} now.")


def begin(claim: Claim | int, row: Transition) -> Claim:
    """Inside a transaction: lock the claim and check that the row leaves its status."""
    locked = lock(claim)
    expect(locked, row)
    return locked


def record(claim: Claim, row: Transition, *, actor, to_status: str, note: str = "", data=None) -> Event:
    """Move the (locked) claim to ``to_status``, write the Event and queue what follows."""
    if to_status not in row.goes_to():  # pragma: no cover - a programming error
        raise ValueError(f"{row.action} does not lead to {to_status}")
    from_status = claim.status
    now = timezone.now()
    changes = {"status": to_status, "updated_at": now}
    if visibility.publishes(row.action):
        changes["public_updated_at"] = now
    # The row is locked, but the conditional update also guards backends where
    # SELECT ... FOR UPDATE is a no-op (SQLite): two writers that both read the
    # old status cannot both move it.
    if Claim.objects.filter(pk=claim.pk, status=from_status).update(**changes) != 1:
        raise Conflict("Someone else changed this claim first; reload it and try again.")
    for name, value in changes.items():
        setattr(claim, name, value)
    if row.action in (Action.ACCEPT, Action.DISMISS) and claim.suggested and claim.score is not None:
        # An editor's verdict on a suggestion, with the score it had: precision in production
        # is measured from these, and `retrain_checkworthiness` learns from them.
        data = {**(data or {}), "score": claim.score, "band": claim.score_band}
    event = Event.objects.create(
        claim=claim, actor=actor, action=row.action, from_status=from_status, to_status=to_status,
        note=note, data=data or {}, at=now,
    )  # fmt: skip
    # Inside the transition's transaction: notifications and webhooks are written to the
    # outbox with the event, and their sending is queued for after the commit.
    notifications.queue_for_event(event, row)
    webhooks.publish_event(event)
    if visibility.publishes(row.action):
        own.record_verdict(claim)  # the fact-check library holds every verdict the desk publishes
    return event


Step = Callable[[Claim, Transition], tuple[str, dict[str, Any]]]


def transit(claim: Claim | int, action: str, *, actor, note: str | None = "", step: Step | None = None) -> Claim:
    """The frame every transition shares: its row's role check and note rule, then in one
    transaction the lock, the status check, ``step`` (the transition's own work under the
    lock; it returns the status to go to and the event's data) and the Event."""
    row = transition(action)
    allowed_to(row, actor)
    note = note_of(row, note)
    with transaction.atomic():
        locked = begin(claim, row)
        if step is None:
            if row.target is None:  # pragma: no cover - a programming error
                raise ValueError(f"{action} decides its status: give it a step")
            to_status, data = row.target, dict[str, Any]()
        else:
            to_status, data = step(locked, row)
        record(locked, row, actor=actor, to_status=to_status, note=note, data=data)
    return sync(claim, locked)


def note_only(action: str) -> Callable[..., Claim]:
    """The function of a row that goes to a fixed status and takes nothing but a note."""

    def perform_row(claim: Claim | int, *, actor, note: str = "") -> Claim:
        return transit(claim, action, actor=actor, note=note)

    perform_row.__doc__ = transition(action).summary + "."
    return performs(action)(perform_row)


def sync(target: Claim | int, locked: Claim) -> Claim:
    """Give the caller's object the state the transition left."""
    if isinstance(target, Claim):
        target.status, target.updated_at = locked.status, locked.updated_at
        target.public_updated_at = locked.public_updated_at
    return locked
