"""A claim: its context, timeline and verdicts, and the actions the person
viewing it may take. Every action calls the workflow (or contributions)."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from factcheck import contributions, highlight, roles, selectors, transitions, workflow
from factcheck.forms import AssignForm, CommentForm, CorrectForm, EvidenceForm, NoteForm, TagsForm, VerdictForm
from factcheck.library import matches
from factcheck.media import similar
from factcheck.models import Action, Claim, Comment, Event
from factcheck.transitions import Tone

# Transitions that take more than a note; every other row of the table gets a NoteForm.
INPUT_FORMS = {Action.ASSIGN: AssignForm, Action.SUBMIT: VerdictForm, Action.CORRECT: CorrectForm}
# Not transitions: evidence and comments (factcheck.contributions).
CONTRIBUTIONS = {
    "evidence": (EvidenceForm, "Add evidence", "Evidence added."),
    "comment": (CommentForm, "", "Comment added."),
    "tags": (TagsForm, "Topics", "Topics saved."),
}
TONE_CSS = {
    Tone.PRIMARY: "btn-primary",
    Tone.SUCCESS: "btn-success",
    Tone.WARNING: "btn-outline-warning",
    Tone.DANGER: "btn-outline-danger",
    Tone.QUIET: "btn-outline-secondary",
}


def _form(name: str, data=None, claim: Claim | None = None):
    """The form of an action: the table's label, tone and note rule for plain transitions."""
    if name in CONTRIBUTIONS:
        return CONTRIBUTIONS[name][0](data, action=name, claim=claim)
    row = transitions.transition(name)
    if row.action in INPUT_FORMS:
        return INPUT_FORMS[row.action](data, action=name, claim=claim)
    return NoteForm(data, label=row.label, required=row.note_required, css=TONE_CSS[row.tone], action=name, claim=claim)


def _perform(name: str, claim: Claim, user, form) -> str:
    """Carry out the action; the message for the person."""
    if name == "evidence":
        data = form.cleaned_data
        contributions.evidence_add(claim, actor=user, url=data["url"], description=data["description"])
    elif name == "comment":
        contributions.comment_add(claim, actor=user, body=form.cleaned_data["body"])
    elif name == "tags":
        contributions.set_tags(claim, actor=user, names=form.names())
    else:
        workflow.perform(name, claim, actor=user, **form.workflow_inputs())
        return transitions.transition(name).done
    return CONTRIBUTIONS[name][2]


def _taking_over(actions: set[str], claim: Claim, user) -> bool:
    """An editor may record a verdict on a claim assigned to someone else: only as a take-over."""
    others = [a for a in claim.assignments.all() if a.done_at is None and a.reviewer_id != user.pk]
    return Action.SUBMIT in actions and bool(others) and not roles.is_assigned(claim, user)


def _panels(actions: set[str], claim: Claim, bound: tuple[str, object] | None, user) -> list[dict[str, Any]]:
    """The forms this person may use: their one main next action first (the first row of the
    table they may take, never a take-over, a hold, a return, a dismissal or a restore), the other transitions
    folded away under it, then evidence and comments (work, not steps), then the destructive
    rows, folded."""
    rows = [row for row in transitions.TABLE.values() if row.action in actions]
    last = [row for row in rows if row.tone in (Tone.DANGER, Tone.QUIET)]  # dismiss, restore: at the bottom
    taking_over = _taking_over(actions, claim, user)
    steps = [row for row in rows if row not in last]
    # Holding or returning is never the next step (a reviewer's verdict may simply be awaited).
    forward = [row for row in steps if row.tone is not Tone.WARNING]
    main = next((row for row in forward if not (taking_over and row.action == Action.SUBMIT)), None)
    panels: list[dict[str, Any]] = []
    for row in [main, *(r for r in steps if r is not main)] if main else steps:
        heading = row.heading
        if taking_over and row.action == Action.SUBMIT:
            heading = "Take over: record a verdict instead of the assigned reviewer"
        panels.append({"name": row.action.value, "heading": heading, "folded": row is not main, "main": row is main})
    for name, (_, heading, _) in CONTRIBUTIONS.items():
        if name in actions:
            panels.append({"name": name, "heading": heading, "folded": False, "main": False})
    panels += [{"name": row.action.value, "heading": row.heading, "folded": True, "main": False} for row in last]
    for panel in panels:
        if bound is not None and bound[0] == panel["name"]:
            panel["form"] = bound[1]
        else:
            panel["form"] = _form(panel["name"], claim=claim)
    return panels


def _claim_or_404(pk: int) -> Claim:
    try:
        return selectors.claim_detail(pk)
    except Claim.DoesNotExist:
        raise Http404("No such claim.") from None


def _context_paragraph(claim: Claim):
    if claim.span_start is None or claim.article is None:
        return None
    for paragraph in highlight.paragraphs(claim.article.body, [claim]):
        if paragraph.start <= claim.span_start < paragraph.end:
            return paragraph
    return None


def _render_claim(request, claim: Claim, *, bound: tuple[str, object] | None = None, status: int = 200):
    panels = _panels(roles.available_actions(claim, request.user), claim, bound, request.user)
    verdicts = sorted(claim.verdicts.all(), key=lambda v: v.revision, reverse=True)
    published, pending = claim.verdict_in_force(), claim.pending_verdict()
    events: list[Event | Comment] = [*claim.events.all(), *claim.comments.all()]
    timeline = sorted(events, key=lambda item: item.at if isinstance(item, Event) else item.created_at)
    context = {
        "claim": claim,
        "panels": panels,
        "paragraph": _context_paragraph(claim),
        "published": published,
        "pending": pending,
        "earlier": [v for v in verdicts if v is not published and v is not pending],
        "timeline": timeline,
        "open_assignments": [a for a in claim.assignments.all() if a.done_at is None],
        # Near-identical photos the desk has seen (other articles, earlier claims and their verdicts).
        "seen_before": similar.similar_to(claim.media, limit=5) if claim.media and claim.media.stored else [],
        # Has it been checked before? The library ranked for this claim, afresh.
        "checked_before": matches.for_claim(claim),
        "may_contribute": contributions.may_contribute(claim, request.user),
        "same_as_verdict": claim.same_as.verdict_in_force() if claim.same_as else None,
        # The author of a pending verdict who could otherwise approve it is told why they can't.
        "own_pending": pending is not None and pending.author_id == request.user.pk and roles.can_approve(request.user),
    }
    return render(request, "factcheck/claim_detail.html", context, status=status)


@login_required
def claim_detail(request, pk: int):
    if not roles.can_review(request.user):
        raise PermissionDenied("The desk is for editors and reviewers.")
    return _render_claim(request, _claim_or_404(pk))


@login_required
@require_POST
def claim_action(request, pk: int, action: str):
    if not roles.can_review(request.user):
        raise PermissionDenied("The desk is for editors and reviewers.")
    if action not in transitions.TABLE and action not in CONTRIBUTIONS:
        raise Http404("No such action.")
    claim = _claim_or_404(pk)
    form = _form(action, request.POST, claim)
    if not form.is_valid():
        if action not in roles.available_actions(claim, request.user):
            # Not theirs to do (or no longer): refuse, without offering the form.
            verb = transitions.transition(action).verb if action in transitions.TABLE else f"add {action} to this claim"
            messages.error(request, f"You cannot {verb} now; it is {claim.get_status_display().lower()}.")
            return redirect("factcheck:claim", pk=claim.pk)
        return _render_claim(request, claim, bound=(action, form), status=400)
    try:
        done = _perform(action, claim, request.user, form)
    except workflow.WorkflowError as error:
        # Refused or overtaken by someone else: say so; the page shows the current state.
        messages.error(request, error.message)
    else:
        messages.success(request, done)
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("factcheck:claim", pk=claim.pk)
