"""What the record of a check keeps about its evidence: which items each approved verdict stood
on (the database writes these rows and refuses to change those items), and every change of
evidence, by whom (append-only)."""

from collections.abc import Iterable

from django.conf import settings
from django.db import models
from django.utils import timezone

from factcheck.models.claims import AppendOnlyQuerySet, Claim, Evidence, Verdict
from factcheck.models.fields import LinkField


class CitedEvidence(models.Model):
    """An item of evidence on record when a verdict was approved. Written by the database itself
    (migration 0018: a trigger on the verdict's approval and on evidence added with an earlier
    date), never by the application. While such a row exists the database refuses to change the
    item (a trigger) or to delete it (a trigger on PostgreSQL; on both, this foreign key, checked
    at commit); deleting the whole claim takes both."""

    verdict = models.ForeignKey(Verdict, on_delete=models.CASCADE, related_name="cited_evidence")
    evidence = models.ForeignKey(Evidence, on_delete=models.RESTRICT, related_name="citations")

    class Meta:
        verbose_name_plural = "cited evidence"
        constraints = [models.UniqueConstraint(fields=["verdict", "evidence"], name="cited_evidence_once")]

    def __str__(self) -> str:
        return f"evidence #{self.evidence_id} in verdict #{self.verdict_id}"


class EvidenceChangeQuerySet(AppendOnlyQuerySet):
    def record(self, change: str, items: Iterable[Evidence], *, actor, previous: dict | None = None) -> None:
        """One row per item: what it says now (or said, when removed), and before an edit."""
        previous = previous or {}
        rows: list = [
            EvidenceChange(
                claim_id=item.claim_id,
                evidence_id=item.pk,
                change=change,
                actor=actor if getattr(actor, "is_authenticated", False) else None,
                url=item.url,
                description=item.description,
                previous_url=previous.get("url", ""),
                previous_description=previous.get("description", ""),
            )
            for item in items
        ]
        self.bulk_create(rows)


class EvidenceChange(models.Model):
    """Append-only: every item of evidence added, edited or removed, with who did it."""

    class Change(models.TextChoices):
        ADDED = "added", "Added"
        EDITED = "edited", "Edited"
        REMOVED = "removed", "Removed"

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="evidence_changes")
    evidence_id = models.BigIntegerField(null=True, help_text="The item (gone once removed).")
    change = models.CharField(max_length=10, choices=Change.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    url = LinkField(max_length=1000, blank=True, default="")
    description = models.TextField(blank=True, default="")
    previous_url = LinkField(max_length=1000, blank=True, default="")
    previous_description = models.TextField(blank=True, default="")
    at = models.DateTimeField(default=timezone.now)

    objects = EvidenceChangeQuerySet.as_manager()

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["claim", "at"], name="evidence_change_claim_idx")]

    def __str__(self) -> str:
        return f"{self.get_change_display()} evidence #{self.evidence_id} on claim #{self.claim_id}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise TypeError("Evidence changes are append-only; a recorded change cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("Evidence changes are append-only; they cannot be deleted.")
