"""The claim state machine. Every status change in the code base happens here.

    suggested --accept--> flagged --assign--> assigned --submit--> submitted --approve--> published
        \\--dismiss--> dismissed <--dismiss--/        ^                  |
                      |--restore--> suggested/flagged \\----return-------/
    published --correct--> submitted (a new verdict revision; the old one stays on record)

Each transition is one function: it checks the actor's right, locks the claim
row inside a transaction, changes the status only if nobody changed it first,
writes one Event and queues its side effects for after the commit.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from factcheck import roles
from factcheck.models import Article, Assignment, Claim, Event, Evidence, Media, Rating, Verdict

S = Claim.Status


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


@dataclass(frozen=True)
class EvidenceItem:
    url: str = ""
    description: str = ""


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise NotAllowed(message)


def _lock(claim: Claim | int) -> Claim:
    pk = claim.pk if isinstance(claim, Claim) else claim
    try:
        return Claim.objects.select_for_update().get(pk=pk)
    except Claim.DoesNotExist:
        raise Conflict("This claim no longer exists.") from None


def _expect(claim: Claim, allowed: Iterable[str], doing: str) -> None:
    if claim.status not in allowed:
        raise Conflict(f"Cannot {doing}: the claim is {claim.get_status_display().lower()} now.")


def _record(claim: Claim, *, actor, action: str, to_status: str, note: str = "", data=None) -> Event:
    from_status = claim.status
    now = timezone.now()
    # The row is locked, but the conditional update also guards backends where
    # SELECT ... FOR UPDATE is a no-op (SQLite): two writers that both read the
    # old status cannot both move it.
    changed = Claim.objects.filter(pk=claim.pk, status=from_status).update(status=to_status, updated_at=now)
    if changed != 1:
        raise Conflict("Someone else changed this claim first; reload it and try again.")
    claim.status, claim.updated_at = to_status, now
    event = Event.objects.create(
        claim=claim,
        actor=actor,
        action=action,
        from_status=from_status,
        to_status=to_status,
        note=note,
        data=data or {},
        at=now,
    )
    _after_commit(event)
    return event


def _after_commit(event: Event) -> None:
    from factcheck import tasks, webhooks

    event_id = event.pk
    transaction.on_commit(lambda: tasks.notify_event.enqueue(event_id))
    # Inside the transition's transaction: the deliveries commit with the event (an outbox),
    # and their sending is queued for after the commit.
    for delivery in webhooks.queue_for_event(event, webhooks.claim_renderer()):
        webhooks.schedule(delivery, tasks.deliver_webhook)


def _sync(target: Claim | int, locked: Claim) -> Claim:
    if isinstance(target, Claim):
        target.status, target.updated_at = locked.status, locked.updated_at
    return locked


def _clean_span(article: Article, text: str, span_start: int | None, span_end: int | None) -> tuple:
    if span_start is None and span_end is None:
        position = article.body.find(text)
        if position < 0:
            return None, None
        return position, position + len(text)
    if span_start is None or span_end is None:
        raise Invalid("Give both the start and the end of the span, or neither.")
    if not 0 <= span_start < span_end <= len(article.body):
        raise Invalid(f"The span {span_start}–{span_end} lies outside the article ({len(article.body)} characters).")
    if article.body[span_start:span_end] != text:
        raise Invalid("The text does not match the article at the given span.")
    return span_start, span_end


def _new_claim(article: Article, *, status: str, actor, action: str, **fields) -> Claim:
    text = (fields.get("text") or "").strip()
    if not text:
        raise Invalid("A claim needs its text.")
    media: Media | None = fields.get("media")
    if media is not None and media.article_id != article.pk:
        raise Invalid("The media belongs to another article.")
    start, end = _clean_span(article, text, fields.pop("span_start", None), fields.pop("span_end", None))
    kind = fields.get("kind") or Claim.Kind.STATEMENT
    if start is None and media is None:
        raise Invalid("The text is not in the article; select it from the article's text.")
    if kind in (Claim.Kind.IMAGE, Claim.Kind.VIDEO) and media is None and start is None:
        raise Invalid("An image or video claim needs the media it is about.")
    fields["text"] = text
    with transaction.atomic():
        claim = Claim.objects.create(
            article=article, status=status, span_start=start, span_end=end, created_by=actor, **fields
        )
        Event.objects.create(claim=claim, actor=actor, action=action, to_status=status, at=claim.created_at)
    return claim


def claim_suggest(*, article: Article, text: str, kind: str = Claim.Kind.STATEMENT, **fields) -> Claim:
    """Store a claim that detection proposes; an editor accepts or dismisses it."""
    return _new_claim(
        article, status=S.SUGGESTED, actor=None, action="suggest", text=text, kind=kind, suggested=True, **fields
    )


def claim_flag(*, article: Article, actor, text: str, kind: str = Claim.Kind.STATEMENT, **fields) -> Claim:
    """An editor flags something in the article for checking."""
    _require(roles.can_triage(actor), "Only editors can flag claims.")
    claim = _new_claim(article, status=S.FLAGGED, actor=actor, action="flag", text=text, kind=kind, **fields)
    return claim


def claim_accept(claim: Claim | int, *, actor, note: str = "") -> Claim:
    _require(roles.can_triage(actor), "Only editors can accept suggested claims.")
    with transaction.atomic():
        locked = _lock(claim)
        _expect(locked, [S.SUGGESTED], "accept this claim")
        _record(locked, actor=actor, action="accept", to_status=S.FLAGGED, note=note)
    return _sync(claim, locked)


def claim_dismiss(claim: Claim | int, *, actor, note: str = "") -> Claim:
    _require(roles.can_triage(actor), "Only editors can dismiss claims.")
    with transaction.atomic():
        locked = _lock(claim)
        _expect(locked, [S.SUGGESTED, S.FLAGGED, S.ASSIGNED], "dismiss this claim")
        closed = Assignment.objects.filter(claim=locked, done_at__isnull=True).update(done_at=timezone.now())
        _record(locked, actor=actor, action="dismiss", to_status=S.DISMISSED, note=note, data={"closed": closed})
    return _sync(claim, locked)


def claim_restore(claim: Claim | int, *, actor, note: str = "") -> Claim:
    """Undo a dismissal: back to suggested if it was never accepted, else flagged."""
    _require(roles.can_triage(actor), "Only editors can restore dismissed claims.")
    with transaction.atomic():
        locked = _lock(claim)
        _expect(locked, [S.DISMISSED], "restore this claim")
        last = Event.objects.filter(claim=locked, action="dismiss").order_by("-at", "-id").first()
        target = S.SUGGESTED if last and last.from_status == S.SUGGESTED else S.FLAGGED
        _record(locked, actor=actor, action="restore", to_status=target, note=note)
    return _sync(claim, locked)


def claim_assign(claim: Claim | int, *, actor, reviewer, due_at=None, note: str = "") -> Claim:
    """Give the claim to a reviewer (another reviewer may be added while it is assigned)."""
    _require(roles.can_triage(actor), "Only editors can assign reviewers.")
    if not roles.can_review(reviewer):
        raise Invalid(f"{reviewer} is not a reviewer.")
    if due_at is not None and due_at <= timezone.now():
        raise Invalid("The due date must be in the future.")
    with transaction.atomic():
        locked = _lock(claim)
        _expect(locked, [S.FLAGGED, S.ASSIGNED], "assign this claim")
        if Assignment.objects.filter(claim=locked, reviewer=reviewer, done_at__isnull=True).exists():
            raise Conflict(f"{reviewer} is already assigned to this claim.")
        Assignment.objects.create(claim=locked, reviewer=reviewer, assigned_by=actor, due_at=due_at)
        data = {"reviewer": reviewer.pk, "reviewer_username": reviewer.get_username()}
        if due_at is not None:
            data["due_at"] = due_at.isoformat()
        _record(locked, actor=actor, action="assign", to_status=S.ASSIGNED, note=note, data=data)
    return _sync(claim, locked)


def _pending_verdict(claim: Claim) -> Verdict:
    verdict = claim.verdicts.filter(approved_at__isnull=True, returned_at__isnull=True).order_by("-revision").first()
    if verdict is None:  # pragma: no cover - a submitted claim always has one
        raise Conflict("This claim has no verdict waiting for approval.")
    return verdict


MEDIA_CATEGORIES = {value for value, _ in Verdict._meta.get_field("media_authenticity").choices}


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
        claim=claim,
        revision=revision,
        rating=rating,
        summary=summary,
        author=actor,
        correction_reason=reason,
        media_authenticity=media_authenticity,
    )
    items = [EvidenceItem(**item) if isinstance(item, dict) else item for item in evidence or ()]
    Evidence.objects.bulk_create(
        Evidence(claim=claim, url=item.url.strip(), description=item.description.strip(), added_by=actor)
        for item in items
        if item.url.strip() or item.description.strip()
    )
    return verdict


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
    _require(roles.can_review(actor), "Only reviewers and editors can record verdicts.")
    with transaction.atomic():
        locked = _lock(claim)
        _expect(locked, [S.ASSIGNED], "submit a verdict")
        assigned = Assignment.objects.filter(claim=locked, reviewer=actor, done_at__isnull=True).exists()
        _require(assigned or roles.can_triage(actor), "This claim is not assigned to you.")
        verdict = _add_verdict(
            locked,
            actor=actor,
            rating=rating,
            summary=summary,
            evidence=evidence,
            media_authenticity=media_authenticity,
        )
        _record(
            locked,
            actor=actor,
            action="submit",
            to_status=S.SUBMITTED,
            note=note,
            data={"verdict": verdict.pk, "revision": verdict.revision, "rating": rating.slug},
        )
    return _sync(claim, locked)


def verdict_approve(claim: Claim | int, *, actor, note: str = "") -> Claim:
    """Publish the pending verdict. Four eyes: never by its author."""
    _require(roles.can_approve(actor), "Only editors can approve verdicts.")
    with transaction.atomic():
        locked = _lock(claim)
        _expect(locked, [S.SUBMITTED], "approve this verdict")
        verdict = _pending_verdict(locked)
        _require(verdict.author_id != actor.pk, "You wrote this verdict; another editor must approve it.")
        now = timezone.now()
        correction = locked.verdicts.filter(approved_at__isnull=False).exists()
        Verdict.objects.filter(pk=verdict.pk).update(approved_by=actor, approved_at=now)
        Assignment.objects.filter(claim=locked, done_at__isnull=True).update(done_at=now)
        _record(
            locked,
            actor=actor,
            action="approve",
            to_status=S.PUBLISHED,
            note=note,
            data={"verdict": verdict.pk, "revision": verdict.revision, "correction": correction},
        )
    return _sync(claim, locked)


def verdict_return(claim: Claim | int, *, actor, note: str) -> Claim:
    """Send the pending verdict back for rework, with a note saying why.

    A returned correction leaves the published verdict in force."""
    _require(roles.can_approve(actor), "Only editors can return verdicts.")
    if not (note or "").strip():
        raise Invalid("Say why the verdict goes back: the reviewer needs a note.")
    with transaction.atomic():
        locked = _lock(claim)
        _expect(locked, [S.SUBMITTED], "return this verdict")
        verdict = _pending_verdict(locked)
        Verdict.objects.filter(pk=verdict.pk).update(returned_at=timezone.now())
        published_before = locked.verdicts.filter(approved_at__isnull=False).exists()
        target = S.PUBLISHED if published_before else S.ASSIGNED
        data = {"verdict": verdict.pk, "revision": verdict.revision}
        _record(locked, actor=actor, action="return", to_status=target, note=note.strip(), data=data)
    return _sync(claim, locked)


def verdict_correct(
    claim: Claim | int, *, actor, rating: Rating, summary: str, reason: str, evidence=(), media_authenticity: str = ""
) -> Claim:
    """Propose a correction of a published verdict: a new revision that waits
    for approval; the published one stays on record (and in force until then)."""
    _require(roles.can_approve(actor), "Only editors can correct published verdicts.")
    if not (reason or "").strip():
        raise Invalid("A correction needs a reason, shown to readers.")
    with transaction.atomic():
        locked = _lock(claim)
        _expect(locked, [S.PUBLISHED], "correct this verdict")
        verdict = _add_verdict(
            locked,
            actor=actor,
            rating=rating,
            summary=summary,
            evidence=evidence,
            reason=reason.strip(),
            media_authenticity=media_authenticity,
        )
        data = {"verdict": verdict.pk, "revision": verdict.revision, "rating": rating.slug}
        _record(locked, actor=actor, action="correct", to_status=S.SUBMITTED, note=reason.strip(), data=data)
    return _sync(claim, locked)
