"""Transitions of a claim before any verdict: suggest and flag (new claims), accept,
dismiss, restore, assign, hold and resume. Each reads its row of the transition table."""

from datetime import timedelta

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from factcheck import roles
from factcheck.models import Action, Article, Assignment, Claim, Event, Media
from factcheck.transitions import Transition, transition
from factcheck.workflow.core import Conflict, Invalid, allowed_to, note_only, performs, require, transit

S = Claim.Status


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


def _unsaved_claim(article: Article, *, status: str, actor, **fields) -> Claim:
    """A new claim, checked (its text, span and media) but not stored."""
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
    return Claim(article=article, status=status, span_start=start, span_end=end, created_by=actor, **fields)


def _new_claim(article: Article, *, status: str, actor, action: str, **fields) -> Claim:
    claim = _unsaved_claim(article, status=status, actor=actor, **fields)
    with transaction.atomic():
        claim.save(force_insert=True)
        Event.objects.create(claim=claim, actor=actor, action=action, to_status=status, at=claim.created_at)
    return claim


def claim_suggest(*, article: Article, text: str, kind: str = Claim.Kind.STATEMENT, **fields) -> Claim:
    """Store a claim that detection proposes; an editor accepts or dismisses it."""
    return _new_claim(
        article, status=S.SUGGESTED, actor=None, action=Action.SUGGEST, text=text, kind=kind, suggested=True, **fields
    )


def claims_suggest(*, article: Article, found: list[dict]) -> list[Claim]:
    """Store many suggestions at once (an import's): each checked as ``claim_suggest`` does,
    the claims and their events inserted in one statement each (issue 14)."""
    claims = [_unsaved_claim(article, status=S.SUGGESTED, actor=None, suggested=True, **fields) for fields in found]
    if not claims:
        return []
    with transaction.atomic():
        claims = Claim.objects.bulk_create(claims)
        Event.objects.bulk_create(
            [Event(claim=c, action=Action.SUGGEST, to_status=S.SUGGESTED, at=c.created_at) for c in claims]
        )
    return claims


def claim_flag(*, article: Article, actor, text: str, kind: str = Claim.Kind.STATEMENT, **fields) -> Claim:
    """An editor flags something in the article for checking."""
    require(roles.can_triage(actor), "Only editors can flag claims.")
    return _new_claim(article, status=S.FLAGGED, actor=actor, action=Action.FLAG, text=text, kind=kind, **fields)


def claim_flag_media(*, media: Media, actor, text: str, reason: str = "", attribution: str = "") -> Claim:
    """An editor flags a photo or video sent to the newsroom on its own (no article):
    the claim it carries goes through the same workflow, API and export."""
    require(roles.can_triage(actor), "Only editors can flag claims.")
    text = (text or "").strip()
    if not text:
        raise Invalid("Say what the photo or video is said to show.")
    kind = Claim.Kind.VIDEO if media.kind == Media.Kind.VIDEO else Claim.Kind.IMAGE
    with transaction.atomic():
        claim = Claim.objects.create(
            article=media.article, media=media, kind=kind, text=text, reason=reason, attribution=attribution,
            status=S.FLAGGED, created_by=actor,
        )  # fmt: skip
        Event.objects.create(claim=claim, actor=actor, action=Action.FLAG, to_status=S.FLAGGED, at=claim.created_at)
    return claim


claim_accept = note_only(Action.ACCEPT)
claim_hold = note_only(Action.HOLD)  # park a flagged or assigned claim, with a note saying why


@performs(Action.DISMISS)
def claim_dismiss(claim: Claim | int, *, actor, note: str = "") -> Claim:
    """Dismiss a claim; its open assignments end."""

    def close_assignments(locked: Claim, row: Transition) -> tuple[str, dict]:
        closed = Assignment.objects.filter(claim=locked, done_at__isnull=True).update(done_at=timezone.now())
        return S.DISMISSED, {"closed": closed}

    return transit(claim, Action.DISMISS, actor=actor, note=note, step=close_assignments)


def _last(claim: Claim, action: str) -> Event | None:
    """The claim's last event of this action."""
    return Event.objects.filter(claim=claim, action=action).order_by("-at", "-id").first()


@performs(Action.RESTORE)
def claim_restore(claim: Claim | int, *, actor, note: str = "") -> Claim:
    """Undo a dismissal: back to suggested if it was never accepted, else flagged."""

    def back(locked: Claim, row: Transition) -> tuple[str, dict]:
        dismissed = _last(locked, Action.DISMISS)
        return (S.SUGGESTED if dismissed and dismissed.from_status == S.SUGGESTED else S.FLAGGED), {}

    return transit(claim, Action.RESTORE, actor=actor, note=note, step=back)


@performs(Action.ASSIGN)
def claim_assign(claim: Claim | int, *, actor, reviewer, due_at=None, note: str = "") -> Claim:
    """Give the claim to a reviewer (another reviewer may be added while it is assigned)."""
    allowed_to(transition(Action.ASSIGN), actor)  # refused before the input is even looked at
    if not roles.can_review(reviewer):
        raise Invalid(f"{reviewer} is not a reviewer.")
    if due_at is not None and due_at <= timezone.now():
        raise Invalid("The due date must be in the future.")

    def add_assignment(locked: Claim, row: Transition) -> tuple[str, dict]:
        if Assignment.objects.filter(claim=locked, reviewer=reviewer, done_at__isnull=True).exists():
            raise Conflict(f"{reviewer} is already assigned to this claim.")
        Assignment.objects.create(claim=locked, reviewer=reviewer, assigned_by=actor, due_at=due_at)
        data = {"reviewer": reviewer.pk, "reviewer_username": reviewer.get_username()}
        if due_at is not None:
            data["due_at"] = due_at.isoformat()
        return S.ASSIGNED, data

    return transit(claim, Action.ASSIGN, actor=actor, note=note, step=add_assignment)


@performs(Action.RESUME)
def claim_resume(claim: Claim | int, *, actor, note: str = "") -> Claim:
    """Back to the status the claim was put on hold from. Time on hold does not count
    towards a deadline: the open assignments' due dates move by the time spent on hold."""

    def back(locked: Claim, row: Transition) -> tuple[str, dict]:
        held = _last(locked, Action.HOLD)
        target = held.from_status if held is not None and held.from_status in row.goes_to() else S.FLAGGED
        open_assignments = Assignment.objects.filter(claim=locked, done_at__isnull=True)
        if target == S.ASSIGNED and not open_assignments.exists():
            target = S.FLAGGED  # nobody holds it any more
        paused = timezone.now() - held.at if held is not None else timedelta(0)
        moved = open_assignments.filter(due_at__isnull=False).update(due_at=F("due_at") + paused)
        return target, {"held_seconds": round(paused.total_seconds()), "due_dates_moved": moved}

    return transit(claim, Action.RESUME, actor=actor, note=note, step=back)
