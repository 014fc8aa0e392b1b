"""The desk's data and the invariants the database itself enforces.

Status is never set here or in any face: see ``factcheck.workflow``."""

from factcheck.models.articles import Article, Fingerprint, Keyframe, Media, content_hash
from factcheck.models.audit import CitedEvidence, EvidenceChange
from factcheck.models.claims import (
    Action,
    Assignment,
    Claim,
    Comment,
    Event,
    Evidence,
    Rating,
    Verdict,
)
from factcheck.models.desk import Notice, SavedView, Tag
from factcheck.models.imports import Feed, ImportRecord
from factcheck.models.library import ClaimMatch, FactCheck, LibraryFeed
from factcheck.models.notifications import NotificationChannel, NotificationPreference
from factcheck.models.webhooks import WebhookAttempt, WebhookDelivery, WebhookEndpoint

__all__ = [
    "Action",
    "Article",
    "Assignment",
    "CitedEvidence",
    "Claim",
    "ClaimMatch",
    "Comment",
    "Event",
    "Evidence",
    "EvidenceChange",
    "FactCheck",
    "Feed",
    "Fingerprint",
    "ImportRecord",
    "Keyframe",
    "LibraryFeed",
    "Media",
    "NotificationChannel",
    "Notice",
    "NotificationPreference",
    "Rating",
    "SavedView",
    "Tag",
    "Verdict",
    "WebhookAttempt",
    "WebhookDelivery",
    "WebhookEndpoint",
    "content_hash",
]
