"""Transitions of a verdict: submit, approve (four eyes), return and correct.
A correction adds a revision; no verdict is ever overwritten."""

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from factcheck import roles
from factcheck.models import Action, Assignment, Claim, Evidence, Rating, Verdict
from factcheck.models.claims import MEDIA_AUTHENTICITY
from factcheck.transitions import Transition, transition
from factcheck.workflow.core import Conflict, Invalid, allowed_to, begin, note_of, performs, record, require, sync

S = Claim.Status
MEDIA_CATEGORIES = {value for value, _ in MEDIA_AUTHENTICITY}


@dataclass(frozen=True)
class EvidenceItem:
    url: str = ""
    description: str = ""


def _pending_verdict(claim: Claim) -> Verdict:
    verdict = claim.verdicts.pending().order_by("-revision").first()
    if verdict is None:  # pragma: no cover - a submitted claim always has one
        raise Conflict("This claim has no verdict waiting for approval.")
    return verdict


def _add_verdict(
    claim: Claim, *, actor, rating: Rating, summary: str, evidence, reason: str = "", media_authenticity: str = ""
) -> Verdict:
    if not isinstance(rating, Rating):
        raise Invalid("Choose a rating from the scale.")
    media_authenticity = media_authenticity or ""
    if media_authenticity and media_authenticity not in MEDIA_CATEGORIES:
        raise Invalid(
            f"Unknown media authenticity {media_authenticity!r}; use one of {', '.join(sorted(MEDIA_CATEGORIES))}."
        )
    if media_authenticity and claim.kind not in (Claim.Kind.IMAGE, Claim.Kind.VIDEO):
        raise Invalid("Media authenticity applies to image and video claims only.")
    summary = (summary or "").strip()
    if not summary:
        raise Invalid("A verdict needs a summary.")
    revision = (claim.verdicts.aggregate(n=Max("revision"))["n"] or 0) + 1
    verdict = Verdict.objects.create(
        claim=claim, revision=revision, rating=rating, summary=summary, author=actor,
        correction_reason=reason, media_authenticity=media_authenticity,
    )  # fmt: skip
    items = [EvidenceItem(**item) if isinstance(item, dict) else item for item in evidence or ()]
    Evidence.objects.bulk_create(
        Evidence(claim=claim, url=item.url.strip(), description=item.description.strip(), added_by=actor)
        for item in items
        if item.url.strip() or item.description.strip()
    )
    return verdict


def _verdict_data(verdict: Verdict, **more) -> dict:
    return {"verdict": verdict.pk, "revision": verdict.revision, **more}


@performs(Action.SUBMIT)
def verdict_submit(
    claim: Claim | int,
    *,
    actor,
    rating: Rating,
    summary: str,
    evidence=(),
    note: str = "",
    media_authenticity: str = "",
) -> Claim:
    """The assigned reviewer (or an editor) records a verdict and asks for approval."""
    row = transition(Action.SUBMIT)
    allowed_to(row, actor)
    note = note_of(row, note)
    with transaction.atomic():
        locked = begin(claim, row)
        require(roles.may(row.who, actor, locked), "This claim is not assigned to you.")
        verdict = _add_verdict(
            locked, actor=actor, rating=rating, summary=summary, evidence=evidence,
            media_authenticity=media_authenticity,
        )  # fmt: skip
        data = _verdict_data(verdict, rating=rating.slug)
        record(locked, row, actor=actor, to_status=S.SUBMITTED, note=note, data=data)
    return sync(claim, locked)


@performs(Action.APPROVE)
def verdict_approve(claim: Claim | int, *, actor, note: str = "") -> Claim:
    """Publish the pending verdict. Four eyes: never by its author."""
    row = transition(Action.APPROVE)
    allowed_to(row, actor)
    note = note_of(row, note)
    with transaction.atomic():
        locked = begin(claim, row)
        verdict = _pending_verdict(locked)
        require(verdict.author_id != actor.pk, "You wrote this verdict; another editor must approve it.")
        now = timezone.now()
        correction = locked.verdicts.approved().exists()
        Verdict.objects.filter(pk=verdict.pk).update(approved_by=actor, approved_at=now)
        Assignment.objects.filter(claim=locked, done_at__isnull=True).update(done_at=now)
        data = _verdict_data(verdict, correction=correction)
        record(locked, row, actor=actor, to_status=S.PUBLISHED, note=note, data=data)
    return sync(claim, locked)


@performs(Action.RETURN)
def verdict_return(claim: Claim | int, *, actor, note: str = "") -> Claim:
    """Send the pending verdict back for rework, with a note saying why.

    A returned correction leaves the published verdict in force."""
    row = transition(Action.RETURN)
    allowed_to(row, actor)
    note = note_of(row, note)
    with transaction.atomic():
        locked = begin(claim, row)
        verdict = _pending_verdict(locked)
        Verdict.objects.filter(pk=verdict.pk).update(returned_at=timezone.now())
        target = S.PUBLISHED if locked.verdicts.approved().exists() else S.ASSIGNED
        record(locked, row, actor=actor, to_status=target, note=note, data=_verdict_data(verdict))
    return sync(claim, locked)


@performs(Action.CORRECT)
def verdict_correct(
    claim: Claim | int, *, actor, rating: Rating, summary: str, reason: str = "", evidence=(),
    media_authenticity: str = "",
) -> Claim:  # fmt: skip
    """Propose a correction of a published verdict: a new revision that waits
    for approval; the published one stays on record (and in force until then).
    The reason is the event's note, and shown to readers."""
    row: Transition = transition(Action.CORRECT)
    allowed_to(row, actor)
    reason = note_of(row, reason)
    with transaction.atomic():
        locked = begin(claim, row)
        verdict = _add_verdict(
            locked, actor=actor, rating=rating, summary=summary, evidence=evidence, reason=reason,
            media_authenticity=media_authenticity,
        )  # fmt: skip
        data = _verdict_data(verdict, rating=rating.slug)
        record(locked, row, actor=actor, to_status=S.SUBMITTED, note=reason, data=data)
    return sync(claim, locked)
