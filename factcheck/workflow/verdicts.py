"""Transitions of a verdict: submit, approve (four eyes), return and correct.
A correction adds a revision; no verdict is ever overwritten."""

from dataclasses import dataclass

from django.db.models import Max
from django.utils import timezone

from factcheck import roles
from factcheck.models import Action, Assignment, Claim, Evidence, EvidenceChange, Rating, Verdict
from factcheck.models.claims import MEDIA_AUTHENTICITY
from factcheck.transitions import Transition
from factcheck.workflow.core import Conflict, Invalid, performs, require, transit

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
    added = Evidence.objects.bulk_create(
        Evidence(claim=claim, url=item.url.strip(), description=item.description.strip(), added_by=actor)
        for item in items
        if item.url.strip() or item.description.strip()
    )
    EvidenceChange.objects.record(EvidenceChange.Change.ADDED, added, actor=actor)  # the audit of evidence
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

    def add(locked: Claim, row: Transition) -> tuple[str, dict]:
        require(roles.may(row.who, actor, locked), "This claim is not assigned to you.")
        verdict = _add_verdict(
            locked, actor=actor, rating=rating, summary=summary, evidence=evidence,
            media_authenticity=media_authenticity,
        )  # fmt: skip
        return S.SUBMITTED, _verdict_data(verdict, rating=rating.slug)

    return transit(claim, Action.SUBMIT, actor=actor, note=note, step=add)


@performs(Action.APPROVE)
def verdict_approve(claim: Claim | int, *, actor, note: str = "") -> Claim:
    """Publish the pending verdict. Four eyes: never by its author."""

    def publish(locked: Claim, row: Transition) -> tuple[str, dict]:
        verdict = _pending_verdict(locked)
        require(verdict.author_id != actor.pk, "You wrote this verdict; another editor must approve it.")
        now = timezone.now()
        correction = locked.verdicts.approved().exists()
        Verdict.objects.filter(pk=verdict.pk).update(approved_by=actor, approved_at=now)
        Assignment.objects.filter(claim=locked, done_at__isnull=True).update(done_at=now)
        return S.PUBLISHED, _verdict_data(verdict, correction=correction)

    return transit(claim, Action.APPROVE, actor=actor, note=note, step=publish)


@performs(Action.RETURN)
def verdict_return(claim: Claim | int, *, actor, note: str = "") -> Claim:
    """Send the pending verdict back for rework, with a note saying why.

    A returned correction leaves the published verdict in force."""

    def send_back(locked: Claim, row: Transition) -> tuple[str, dict]:
        verdict = _pending_verdict(locked)
        Verdict.objects.filter(pk=verdict.pk).update(returned_at=timezone.now())
        target = S.PUBLISHED if locked.verdicts.approved().exists() else S.ASSIGNED
        return target, _verdict_data(verdict)

    return transit(claim, Action.RETURN, actor=actor, note=note, step=send_back)


@performs(Action.CORRECT)
def verdict_correct(
    claim: Claim | int, *, actor, rating: Rating, summary: str, reason: str = "", evidence=(),
    media_authenticity: str = "",
) -> Claim:  # fmt: skip
    """Propose a correction of a published verdict: a new revision that waits
    for approval; the published one stays on record (and in force until then).
    The reason is the event's note, and shown to readers."""

    def add(locked: Claim, row: Transition) -> tuple[str, dict]:
        verdict = _add_verdict(
            locked, actor=actor, rating=rating, summary=summary, evidence=evidence, reason=(reason or "").strip(),
            media_authenticity=media_authenticity,
        )  # fmt: skip
        return S.SUBMITTED, _verdict_data(verdict, rating=rating.slug)

    return transit(claim, Action.CORRECT, actor=actor, note=reason, step=add)
