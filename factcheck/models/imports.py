"""Feeds and the record of what each import did."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from factcheck.models.articles import Article


class Feed(models.Model):
    """An RSS or Atom feed whose new entries are imported (`manage.py poll_feeds`)."""

    url = models.URLField(max_length=1000, unique=True)
    title = models.CharField(max_length=300, blank=True, default="")
    outlet = models.CharField(max_length=200, blank=True, default="")
    active = models.BooleanField(default=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    last_polled_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True, default="")

    class Meta:
        ordering = ["title", "url"]

    def __str__(self) -> str:
        return self.title or self.url


class ImportRecord(models.Model):
    """What happened to one source an editor imported (shown on the import page)."""

    class Outcome(models.TextChoices):
        QUEUED = "queued", "Queued"
        CREATED = "created", "Created"
        DUPLICATE = "duplicate", "Duplicate"
        FAILED = "failed", "Failed"

    source = models.CharField(max_length=20, choices=Article.Source.choices)
    label = models.CharField(max_length=1000, help_text="The file name, URL or title imported.")
    outcome = models.CharField(max_length=20, choices=Outcome.choices, default=Outcome.QUEUED)
    message = models.TextField(blank=True, default="")
    article = models.ForeignKey(Article, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    suggestions = models.PositiveIntegerField(default=0)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    finished_at = models.DateTimeField(null=True, blank=True)
    # A queued import's attempts (factcheck.importing.records): when it was last queued, when its
    # current run started, and how many times it was queued in all.
    queued_at = models.DateTimeField(null=True, blank=True, editable=False)
    started_at = models.DateTimeField(null=True, blank=True, editable=False)
    attempts = models.PositiveSmallIntegerField(default=0, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["requested_by", "-created_at"], name="import_by_user_idx"),
            models.Index(fields=["queued_at"], condition=models.Q(outcome="queued"), name="import_queued_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_outcome_display()}: {self.label}"
