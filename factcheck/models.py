"""The desk's data and the invariants the database itself enforces.

Status is never set here or in any face: see ``factcheck.workflow``.
"""

import hashlib

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone


def content_hash(body: str) -> str:
    """Fingerprint of an article's text, blind to whitespace and letter case,
    so the same story pasted twice is recognised as one."""
    normalised = " ".join(body.split()).casefold()
    return hashlib.sha256(normalised.encode("utf-8")).hexdigest()


class Article(models.Model):
    class Source(models.TextChoices):
        PASTE = "paste", "Pasted text"
        UPLOAD = "upload", "Uploaded file"
        URL = "url", "Fetched URL"
        FEED = "feed", "Feed"
        API = "api", "API"
        DEMO = "demo", "Demo data"
        ADMIN = "admin", "Admin"

    title = models.CharField(max_length=500)
    url = models.URLField("canonical URL", max_length=1000, blank=True, default="")
    external_id = models.CharField(max_length=200, blank=True, default="", help_text="The CMS's own id.")
    outlet = models.CharField(max_length=200, blank=True, default="")
    byline = models.CharField(max_length=500, blank=True, default="")
    published_at = models.DateTimeField(null=True, blank=True)
    language = models.CharField(max_length=20, blank=True, default="")
    body = models.TextField(help_text="Plain text; claim spans are offsets into it.")
    body_html = models.TextField(blank=True, default="", help_text="Sanitized HTML.")
    content_hash = models.CharField(max_length=64, editable=False)
    source = models.CharField(max_length=20, choices=Source.choices, default=Source.ADMIN)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["url"], condition=~Q(url=""), name="article_unique_url"),
            models.UniqueConstraint(
                fields=["external_id"], condition=~Q(external_id=""), name="article_unique_external_id"
            ),
            models.UniqueConstraint(fields=["content_hash"], name="article_unique_content_hash"),
            models.CheckConstraint(condition=~Q(body=""), name="article_body_not_empty"),
        ]
        indexes = [models.Index(fields=["updated_at", "id"], name="article_updated_idx")]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        self.content_hash = content_hash(self.body)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("factcheck:article", args=[self.pk])


class Media(models.Model):
    class Kind(models.TextChoices):
        IMAGE = "image", "Image"
        VIDEO = "video", "Video"

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="media")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.IMAGE)
    url = models.URLField(max_length=1000, blank=True, default="")
    caption = models.TextField(blank=True, default="")
    credit = models.CharField(max_length=300, blank=True, default="")
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["article", "position", "id"]
        verbose_name_plural = "media"

    def __str__(self) -> str:
        return self.caption[:80] or self.url or f"{self.get_kind_display()} #{self.pk}"


class Rating(models.Model):
    """One step of the desk's rating scale (editable in the admin)."""

    slug = models.SlugField(unique=True, help_text="Stable identifier used by the API.")
    label = models.CharField(max_length=100)
    value = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="ClaimReview ratingValue; empty for ratings off the truth scale."
    )
    best = models.PositiveSmallIntegerField(default=5)
    worst = models.PositiveSmallIntegerField(default=1)
    colour = models.CharField(max_length=7, default="#6c757d", help_text="Hex colour, e.g. #198754.")
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(worst__lt=models.F("best")), name="rating_worst_below_best"),
            models.CheckConstraint(
                condition=Q(value__isnull=True) | (Q(value__gte=models.F("worst")) & Q(value__lte=models.F("best"))),
                name="rating_value_on_scale",
            ),
        ]

    def __str__(self) -> str:
        return self.label


class Claim(models.Model):
    """Anything flagged for checking: a statement, a quote, a number, a photo or video."""

    class Kind(models.TextChoices):
        STATEMENT = "statement", "Statement"
        QUOTE = "quote", "Quote"
        STATISTIC = "statistic", "Statistic"
        IMAGE = "image", "Image"
        VIDEO = "video", "Video"
        OTHER = "other", "Other"

    class Status(models.TextChoices):
        SUGGESTED = "suggested", "Suggested"
        FLAGGED = "flagged", "Flagged"
        ASSIGNED = "assigned", "Assigned"
        SUBMITTED = "submitted", "Awaiting approval"
        PUBLISHED = "published", "Published"
        DISMISSED = "dismissed", "Dismissed"

    class Priority(models.IntegerChoices):
        LOW = 1, "Low"
        NORMAL = 2, "Normal"
        HIGH = 3, "High"

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="claims")
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.STATEMENT)
    text = models.TextField(help_text="The exact text checked (for media, the claim the media carries).")
    span_start = models.PositiveIntegerField(null=True, blank=True)
    span_end = models.PositiveIntegerField(null=True, blank=True)
    attribution = models.CharField(max_length=300, blank=True, default="", help_text="Who made the claim.")
    media = models.ForeignKey(Media, null=True, blank=True, on_delete=models.SET_NULL, related_name="claims")
    reason = models.TextField("why flagged", blank=True, default="")
    priority = models.PositiveSmallIntegerField(choices=Priority.choices, default=Priority.NORMAL)
    # Written only by factcheck.workflow.
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.SUGGESTED, editable=False)
    suggested = models.BooleanField(default=False, help_text="Came from automatic detection.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now, db_index=False)

    class Meta:
        ordering = ["-updated_at", "-id"]
        permissions = [
            ("triage_claim", "Can flag, accept, dismiss and assign claims"),
            ("approve_verdict", "Can approve, return and correct verdicts"),
            ("review_claim", "Can review claims assigned to them"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(Q(span_start__isnull=True) & Q(span_end__isnull=True))
                | (Q(span_start__isnull=False) & Q(span_end__gt=models.F("span_start"))),
                name="claim_span_ordered",
            ),
            models.CheckConstraint(condition=~Q(text=""), name="claim_text_not_empty"),
            # "The span lies inside the article" needs the article's length: a
            # trigger enforces it (migration 0003).
        ]
        indexes = [
            models.Index(fields=["status", "-updated_at"], name="claim_status_idx"),
            models.Index(fields=["updated_at", "id"], name="claim_updated_idx"),
        ]

    def __str__(self) -> str:
        text = self.text if len(self.text) <= 80 else self.text[:79] + "…"
        return f"#{self.pk} {text}"

    def get_absolute_url(self) -> str:
        return reverse("factcheck:claim", args=[self.pk])


class Assignment(models.Model):
    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="assignments")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="assignments")
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    assigned_at = models.DateTimeField(default=timezone.now)
    due_at = models.DateTimeField(null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True, help_text="When the assignment ended.")

    class Meta:
        ordering = ["due_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["claim", "reviewer"], condition=Q(done_at__isnull=True), name="assignment_one_open"
            ),
        ]
        indexes = [
            models.Index(fields=["due_at"], condition=Q(done_at__isnull=True), name="assignment_open_due_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.reviewer} on claim #{self.claim_id}"

    @property
    def is_open(self) -> bool:
        return self.done_at is None

    @property
    def is_overdue(self) -> bool:
        return self.is_open and self.due_at is not None and self.due_at < timezone.now()


class Verdict(models.Model):
    """One revision of a claim's verdict. A correction adds a revision; none is overwritten."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="verdicts")
    revision = models.PositiveIntegerField()
    rating = models.ForeignKey(Rating, on_delete=models.PROTECT, related_name="verdicts")
    summary = models.TextField()
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="verdicts")
    submitted_at = models.DateTimeField(default=timezone.now)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    returned_at = models.DateTimeField(null=True, blank=True)
    correction_reason = models.TextField(blank=True, default="")

    class Meta:
        ordering = ["claim", "-revision"]
        constraints = [
            models.UniqueConstraint(fields=["claim", "revision"], name="verdict_unique_revision"),
            models.CheckConstraint(
                condition=Q(approved_by__isnull=True) | ~Q(approved_by=models.F("author")),
                name="verdict_four_eyes",
            ),
            models.CheckConstraint(
                condition=Q(approved_at__isnull=True) | Q(returned_at__isnull=True),
                name="verdict_not_approved_and_returned",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.rating} (rev. {self.revision}) on claim #{self.claim_id}"

    @property
    def state(self) -> str:
        if self.approved_at:
            return "approved"
        if self.returned_at:
            return "returned"
        return "pending"


class Evidence(models.Model):
    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="evidence")
    url = models.URLField(max_length=1000, blank=True, default="")
    description = models.TextField("what it shows", blank=True, default="")
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["added_at", "id"]
        verbose_name_plural = "evidence"
        constraints = [
            models.CheckConstraint(condition=~Q(url="") | ~Q(description=""), name="evidence_not_empty"),
        ]

    def __str__(self) -> str:
        return self.url or self.description[:80]


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise TypeError("Events are append-only; they cannot be updated.")

    def delete(self):
        raise TypeError("Events are append-only; they cannot be deleted.")


class Event(models.Model):
    """Append-only log of every transition and assignment: the audit trail."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=30)
    from_status = models.CharField(max_length=20, blank=True, default="")
    to_status = models.CharField(max_length=20)
    note = models.TextField(blank=True, default="")
    data = models.JSONField(default=dict, blank=True)
    at = models.DateTimeField(default=timezone.now)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["claim", "at"], name="event_claim_at_idx")]

    def __str__(self) -> str:
        return f"{self.action}: {self.from_status or '—'} → {self.to_status}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise TypeError("Events are append-only; an existing event cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("Events are append-only; they cannot be deleted.")


class Comment(models.Model):
    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [models.CheckConstraint(condition=~Q(body=""), name="comment_not_empty")]

    def __str__(self) -> str:
        return f"{self.author}: {self.body[:60]}"


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

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["requested_by", "-created_at"], name="import_by_user_idx")]

    def __str__(self) -> str:
        return f"{self.get_outcome_display()}: {self.label}"
