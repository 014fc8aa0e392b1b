"""A claim: its context, timeline and verdicts, and the actions the person
viewing it may take. Every action calls the workflow (or contributions)."""

from itertools import chain

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from factcheck import contributions, highlight, roles, selectors, workflow
from factcheck.forms import AssignForm, CommentForm, CorrectForm, EvidenceForm, NoteForm, VerdictForm
from factcheck.models import Claim

# action -> (form factory, call); the call gets (claim, user, cleaned_data, form)
ACTIONS = {
    "accept": (
        lambda data=None, **kw: NoteForm(data, label="Accept for checking", **kw),
        lambda c, u, d, f: workflow.claim_accept(c, actor=u, note=d["note"]),
    ),
    "dismiss": (
        lambda data=None, **kw: NoteForm(data, label="Dismiss", css="btn-outline-danger", **kw),
        lambda c, u, d, f: workflow.claim_dismiss(c, actor=u, note=d["note"]),
    ),
    "restore": (
        lambda data=None, **kw: NoteForm(data, label="Restore", css="btn-outline-secondary", **kw),
        lambda c, u, d, f: workflow.claim_restore(c, actor=u, note=d["note"]),
    ),
    "assign": (
        AssignForm,
        lambda c, u, d, f: workflow.claim_assign(
            c, actor=u, reviewer=d["reviewer"], due_at=d["due_at"], note=d["note"]
        ),
    ),
    "submit": (
        VerdictForm,
        lambda c, u, d, f: workflow.verdict_submit(
            c,
            actor=u,
            rating=d["rating"],
            summary=d["summary"],
            evidence=f.evidence(),
            media_authenticity=d.get("media_authenticity", ""),
        ),  # fmt: skip
    ),
    "approve": (
        lambda data=None, **kw: NoteForm(data, label="Approve and publish", css="btn-success", **kw),
        lambda c, u, d, f: workflow.verdict_approve(c, actor=u, note=d["note"]),
    ),
    "return": (
        lambda data=None, **kw: NoteForm(
            data, label="Return for rework", required=True, css="btn-outline-warning", **kw
        ),
        lambda c, u, d, f: workflow.verdict_return(c, actor=u, note=d["note"]),
    ),
    "correct": (
        CorrectForm,
        lambda c, u, d, f: workflow.verdict_correct(
            c,
            actor=u,
            rating=d["rating"],
            summary=d["summary"],
            reason=d["reason"],
            evidence=f.evidence(),
            media_authenticity=d.get("media_authenticity", ""),
        ),  # fmt: skip
    ),
    "evidence": (
        EvidenceForm,
        lambda c, u, d, f: contributions.evidence_add(c, actor=u, url=d["url"], description=d["description"]),
    ),
    "comment": (CommentForm, lambda c, u, d, f: contributions.comment_add(c, actor=u, body=d["body"])),
}
DONE = {
    "accept": "Accepted: the claim is flagged for checking.",
    "dismiss": "Dismissed.",
    "restore": "Restored.",
    "assign": "Assigned.",
    "submit": "Verdict submitted for approval.",
    "approve": "Approved and published.",
    "return": "Returned to the reviewer.",
    "correct": "Correction submitted for approval.",
    "evidence": "Evidence added.",
    "comment": "Comment added.",
}


def _claim_or_404(pk: int) -> Claim:
    try:
        return selectors.claim_detail(pk)
    except Claim.DoesNotExist:
        raise Http404("No such claim.") from None


def _context_paragraph(claim: Claim):
    if claim.span_start is None:
        return None
    for paragraph in highlight.paragraphs(claim.article.body, [claim]):
        if paragraph.start <= claim.span_start < paragraph.end:
            return paragraph
    return None


def _render_claim(request, claim: Claim, *, bound: tuple[str, object] | None = None, status: int = 200):
    actions = roles.available_actions(claim, request.user)
    forms = {name: ACTIONS[name][0](action=name, claim=claim) for name in ACTIONS if name in actions}
    if bound is not None:
        forms[bound[0]] = bound[1]
    verdicts = sorted(claim.verdicts.all(), key=lambda v: v.revision, reverse=True)
    published = next((v for v in verdicts if v.approved_at), None)
    timeline = sorted(
        chain(claim.events.all(), claim.comments.all()), key=lambda item: getattr(item, "at", None) or item.created_at
    )
    context = {
        "claim": claim,
        "forms": forms,
        "paragraph": _context_paragraph(claim),
        "published": published,
        "pending": next((v for v in verdicts if v.state == "pending"), None),
        "earlier": [v for v in verdicts if v is not published],
        "timeline": timeline,
        "open_assignments": [a for a in claim.assignments.all() if a.done_at is None],
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
    if action not in ACTIONS:
        raise Http404("No such action.")
    claim = _claim_or_404(pk)
    form_factory, call = ACTIONS[action]
    form = form_factory(request.POST, action=action, claim=claim)
    if not form.is_valid():
        if action not in roles.available_actions(claim, request.user):
            # Not theirs to do (or no longer): refuse, without offering the form.
            messages.error(request, f"You cannot {action} this claim now; it is {claim.get_status_display().lower()}.")
            return redirect("factcheck:claim", pk=claim.pk)
        return _render_claim(request, claim, bound=(action, form), status=400)
    try:
        call(claim, request.user, form.cleaned_data, form)
    except workflow.WorkflowError as error:
        # Refused or overtaken by someone else: say so; the page shows the current state.
        messages.error(request, error.message)
    else:
        messages.success(request, DONE[action])
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("factcheck:claim", pk=claim.pk)
