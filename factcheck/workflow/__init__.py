"""The claim state machine. Every status change in the code base happens here.

    suggested --accept--> flagged --assign--> assigned --submit--> submitted --approve--> published
        \\--dismiss--> dismissed <--dismiss--/        ^                  |
                      |--restore--> suggested/flagged \\----return-------/
    published --correct--> submitted (a new verdict revision; the old one stays on record)
    flagged/assigned --hold--> on_hold --resume--> the status it came from

The transitions, who may take them and what follows are one table,
``factcheck.transitions``. Each transition is one function that reads its row:
it checks the actor's right, locks the claim row inside a transaction, changes
the status only if nobody changed it first, writes one Event and queues its side
effects. Faces call ``perform(action, claim, actor=..., **inputs)`` or the
functions by name.
"""

from factcheck.workflow.claims import (
    claim_accept,
    claim_assign,
    claim_dismiss,
    claim_flag,
    claim_flag_media,
    claim_hold,
    claim_restore,
    claim_resume,
    claim_suggest,
    claims_suggest,
)
from factcheck.workflow.core import Conflict, Invalid, NotAllowed, WorkflowError, perform
from factcheck.workflow.verdicts import (
    MEDIA_CATEGORIES,
    EvidenceItem,
    verdict_approve,
    verdict_correct,
    verdict_return,
    verdict_submit,
)

__all__ = [
    "MEDIA_CATEGORIES",
    "Conflict",
    "EvidenceItem",
    "Invalid",
    "NotAllowed",
    "WorkflowError",
    "claim_accept",
    "claim_assign",
    "claim_dismiss",
    "claim_flag",
    "claim_flag_media",
    "claim_hold",
    "claim_restore",
    "claim_resume",
    "claim_suggest",
    "claims_suggest",
    "perform",
    "verdict_approve",
    "verdict_correct",
    "verdict_return",
    "verdict_submit",
]
