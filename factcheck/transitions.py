"""The claim workflow as one table: for each action, the statuses it leaves from and
the one it goes to, who may do it, whether a note is required, and what follows.

Everything reads this table: the workflow's guards (``factcheck.workflow``), what a
person may do (``roles.available_actions``), the pages' action forms, the API's
action endpoints, the admin's bulk actions, notifications and webhooks. Adding a
status or an action is a row here, a choice in the models and, where the action
needs more than a note, its function in the workflow.
"""

from dataclasses import dataclass, field
from enum import StrEnum

from factcheck.models import Action, Claim
from factcheck.models.claims import CREATING_ACTIONS
from factcheck.models.webhooks import WebhookEvent

S = Claim.Status


class Who(StrEnum):
    """Who may take an action (``roles.may`` answers it for a person and a claim)."""

    EDITOR = "editors"  # flag, triage, assign, hold
    APPROVER = "editors who approve"  # approve, return, correct
    ASSIGNED = "the assigned reviewer or an editor"  # record a verdict


class Audience(StrEnum):
    """Who must know that it happened (``factcheck.notifications`` finds the people)."""

    NEW_REVIEWER = "the reviewer just assigned"
    EDITORS = "the editors"
    REVIEWERS = "the claim's reviewers"
    NOBODY = "nobody"


class Tone(StrEnum):
    """How prominently the pages offer it (faces map tones to styles)."""

    PRIMARY = "primary"
    SUCCESS = "success"
    WARNING = "warning"
    DANGER = "danger"
    QUIET = "secondary"


# Events the CMS can subscribe to (``factcheck.webhooks``); CORRECTED is an approve whose
# event says it published a correction.
Webhook = WebhookEvent


@dataclass(frozen=True, kw_only=True)
class Transition:
    action: Action = field(kw_only=False)
    verb: str  # "approve this verdict": in refusals ("Cannot approve this verdict: ...")
    label: str  # the button, and the admin's bulk action
    short_label: str = ""  # a one-word button where space is short (the article page); else the label
    summary: str  # one sentence for the API's documentation
    done: str  # said after it worked
    sources: frozenset[str]
    # The status it goes to; None where the workflow decides from the claim's history
    # (restore, return, resume): ``targets`` lists the possibilities.
    target: str | None
    who: Who
    note_required: bool = False
    note_prompt: str = ""  # the refusal when a required note is missing
    audience: Audience = Audience.NOBODY
    webhook: Webhook | None = None
    tone: Tone = Tone.PRIMARY
    heading: str = ""  # a heading above its form on the claim page
    folded: bool = False  # folded away on the claim page (rare or destructive)
    bulk: bool = False  # offered as a bulk action in the admin
    targets: frozenset[str] = frozenset()

    def leaves(self, status: str) -> bool:
        return status in self.sources

    def goes_to(self) -> frozenset[str]:
        return frozenset({self.target}) if self.target else self.targets


# Still being triaged or worked on, with no verdict waiting: what an editor may dismiss.
OPEN = frozenset(S) - {S.SUBMITTED, S.PUBLISHED, S.DISMISSED}

# In the order the claim page offers them.
_ROWS = [
    Transition(
        Action.APPROVE, verb="approve this verdict", label="Approve and publish",
        summary="Approve and publish the pending verdict", done="Approved and published.",
        sources=frozenset({S.SUBMITTED}), target=S.PUBLISHED, who=Who.APPROVER,
        webhook=Webhook.PUBLISHED, tone=Tone.SUCCESS, heading="Approve", bulk=True,
    ),
    Transition(
        Action.RETURN, verb="return this verdict", label="Return for rework",
        summary="Return the pending verdict for rework, with a note", done="Returned to the reviewer.",
        sources=frozenset({S.SUBMITTED}), target=None, targets=frozenset({S.ASSIGNED, S.PUBLISHED}),
        who=Who.APPROVER, note_required=True,
        note_prompt="Say why the verdict goes back: the reviewer needs a note.",
        audience=Audience.REVIEWERS, webhook=Webhook.RETURNED, tone=Tone.WARNING, heading="Return for rework",
    ),
    Transition(
        Action.SUBMIT, verb="submit a verdict", label="Submit for approval",
        summary="Record a verdict and submit it for approval", done="Verdict submitted for approval.",
        sources=frozenset({S.ASSIGNED}), target=S.SUBMITTED, who=Who.ASSIGNED,
        audience=Audience.EDITORS, heading="Record a verdict",
    ),
    Transition(
        Action.CORRECT, verb="correct this verdict", label="Propose correction",
        summary="Correct a published verdict: a new revision waiting for approval",
        done="Correction submitted for approval.",
        sources=frozenset({S.PUBLISHED}), target=S.SUBMITTED, who=Who.APPROVER,
        note_required=True, note_prompt="A correction needs a reason, shown to readers.",
        audience=Audience.EDITORS, heading="Correct the published verdict", folded=True,
    ),
    Transition(
        Action.ACCEPT, verb="accept this claim", label="Accept for checking",
        summary="Accept a suggested claim", done="Accepted: the claim is flagged for checking.",
        sources=frozenset({S.SUGGESTED}), target=S.FLAGGED, who=Who.EDITOR, bulk=True, short_label="Accept",
    ),
    Transition(
        Action.ASSIGN, verb="assign this claim", label="Assign",
        summary="Assign a reviewer with a due date", done="Assigned.",
        sources=frozenset({S.FLAGGED, S.ASSIGNED}), target=S.ASSIGNED, who=Who.EDITOR,
        audience=Audience.NEW_REVIEWER, heading="Assign a reviewer",
    ),
    Transition(
        Action.HOLD, verb="put this claim on hold", label="Put on hold",
        summary="Put a flagged or assigned claim on hold, with a note saying why", done="Put on hold.",
        sources=frozenset({S.FLAGGED, S.ASSIGNED}), target=S.ON_HOLD, who=Who.EDITOR,
        note_required=True, note_prompt="Say why the claim waits: the desk needs a note.",
        audience=Audience.REVIEWERS, tone=Tone.WARNING, heading="Put on hold", folded=True, bulk=True,
    ),
    Transition(
        Action.RESUME, verb="resume this claim", label="Resume",
        summary="Resume a claim on hold: back to the status it came from (due dates move by the time on hold)",
        done="Resumed.", sources=frozenset({S.ON_HOLD}), target=None, targets=frozenset({S.FLAGGED, S.ASSIGNED}),
        who=Who.EDITOR, audience=Audience.REVIEWERS, heading="Resume", bulk=True,
    ),
    Transition(
        Action.DISMISS, verb="dismiss this claim", label="Dismiss",
        summary="Dismiss a claim", done="Dismissed.",
        sources=OPEN, target=S.DISMISSED, who=Who.EDITOR,
        tone=Tone.DANGER, heading="Dismiss", folded=True, bulk=True,
    ),
    Transition(
        Action.RESTORE, verb="restore this claim", label="Restore",
        summary="Restore a dismissed claim", done="Restored.",
        sources=frozenset({S.DISMISSED}), target=None, targets=frozenset({S.SUGGESTED, S.FLAGGED}),
        who=Who.EDITOR, tone=Tone.QUIET,
    ),
]  # fmt: skip
TABLE: dict[str, Transition] = {row.action: row for row in _ROWS}

CREATING = CREATING_ACTIONS


def transition(action: str) -> Transition:
    try:
        return TABLE[action]
    except KeyError:
        raise LookupError(f"No workflow action {action!r}.") from None


def from_status(status: str) -> list[Transition]:
    """The transitions that leave this status, in the table's order."""
    return [t for t in TABLE.values() if t.leaves(status)]


def webhook_for(action: str, data: dict | None = None) -> Webhook | None:
    """The CMS event an Event of this action sends, if any."""
    row = TABLE.get(action)
    if row is None or row.webhook is None:
        return None
    if row.webhook == Webhook.PUBLISHED and (data or {}).get("correction"):
        return Webhook.CORRECTED
    return row.webhook


def markdown_table() -> str:
    """The table as the README shows it (a test keeps the README in step)."""

    def statuses(values) -> str:
        return ", ".join(f"`{value}`" for value in sorted(values))

    lines = [
        "| action | from | to | who | note | tells | CMS webhook | admin bulk |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for row in TABLE.values():
        to = statuses(row.goes_to()) + ("" if row.target else " (from the history)")
        webhook = f"`{row.webhook.value}`" if row.webhook else "—"
        if row.webhook is Webhook.PUBLISHED:
            webhook += f" / `{Webhook.CORRECTED.value}`"
        cells = [
            f"`{row.action.value}`", statuses(row.sources), to, row.who.value,
            "required" if row.note_required else "optional",
            "—" if row.audience is Audience.NOBODY else row.audience.value, webhook, "yes" if row.bulk else "—",
        ]  # fmt: skip
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)
