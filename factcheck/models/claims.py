"""Claims and everything a check produces: assignments, verdicts, evidence,
the event log, comments, and the rating scale."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.db.models.lookups import Exact
from django.urls import reverse
from django.utils import timezone

from factcheck.models.articles import Article, Media
from factcheck.models.fields import LinkField


class Rating(models.Model):
    """One step of the desk's rating scale (editable in the admin)."""

    slug = models.SlugField(unique=True, help_text="Stable identifier used by the API.")
    label = models.CharField(max_length=100)
    value = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="ClaimReview ratingValue; empty for ratings off the truth scale."
    )
    best = models.PositiveSmallIntegerField(default=5)
    worst = models.PositiveSmallIntegerField(default=1)
    colour = models.CharField(
        max_length=7,
        default="#6c757d",
        validators=[RegexValidator(r"^#[0-9a-fA-F]{6}$", "A hex colour like #198754.")],
        help_text="Hex colour, e.g. #198754.",
    )
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


class Action(models.TextChoices):
    """What an Event records: the workflow's transitions (see ``factcheck.transitions``)."""

    # Labels in the past tense: "Approved 3 claim(s)", "Returned on claim #12".
    SUGGEST = "suggest", "Suggested"
    FLAG = "flag", "Flagged"
    ACCEPT = "accept", "Accepted"
    DISMISS = "dismiss", "Dismissed"
    RESTORE = "restore", "Restored"
    ASSIGN = "assign", "Assigned"
    SUBMIT = "submit", "Submitted"
    APPROVE = "approve", "Approved"
    RETURN = "return", "Returned"
    CORRECT = "correct", "Correction proposed"
    HOLD = "hold", "Put on hold"
    RESUME = "resume", "Resumed"


# Actions that create a claim rather than move one (no transition row: nothing to leave from).
CREATING_ACTIONS = frozenset({Action.SUGGEST, Action.FLAG})


MEDIA_OF_ANOTHER_ARTICLE = (
    "This photo or video belongs to another article; a claim can only be about its own article's media."
)


class ClaimQuerySet(models.QuerySet["Claim"]):
    """Reads about verdicts and deadlines, written once for every face."""

    def published(self) -> "ClaimQuerySet":
        """Claims with a verdict in force: published ones, and those whose correction
        waits for approval (the earlier verdict still stands). What the CMS may see."""
        # EXISTS, not IN: a page of the CMS's sync walks the index in order and stops after
        # a page, instead of hashing every approved verdict first (issue 14).
        return self.filter(models.Exists(Verdict.objects.approved().filter(claim=models.OuterRef("pk"))))

    def rated(self, slug: str) -> "ClaimQuerySet":
        """Claims whose verdict in force (the latest approved revision) has this rating."""
        in_force = Verdict.objects.approved().filter(claim=models.OuterRef("pk")).order_by("-revision")
        return self.filter(Exact(models.Subquery(in_force.values("rating__slug")[:1]), slug))

    def overdue(self, now=None) -> "ClaimQuerySet":
        """Assigned claims with an open assignment past its due date. Time on hold does not
        count: resuming a claim moves its due dates by the time it spent on hold."""
        late = Assignment.objects.filter(done_at__isnull=True, due_at__lt=now or timezone.now())
        return self.filter(status=Claim.Status.ASSIGNED, pk__in=late.values("claim_id"))


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
        ON_HOLD = "on_hold", "On hold"

    class Priority(models.IntegerChoices):
        LOW = 1, "Low"
        NORMAL = 2, "Normal"
        HIGH = 3, "High"

    # Null for a photo or video sent to the newsroom on its own: the claim is about its media.
    article = models.ForeignKey(Article, null=True, blank=True, on_delete=models.CASCADE, related_name="claims")
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.STATEMENT)
    text = models.TextField(help_text="The exact text checked (for media, the claim the media carries).")
    span_start = models.PositiveIntegerField(null=True, blank=True)
    span_end = models.PositiveIntegerField(null=True, blank=True)
    attribution = models.CharField(max_length=300, blank=True, default="", help_text="Who made the claim.")
    media = models.ForeignKey(Media, null=True, blank=True, on_delete=models.SET_NULL, related_name="claims")
    reason = models.TextField("why flagged", blank=True, default="")
    # Check-worthiness of a suggestion (factcheck.checkworthiness): the score, its band and
    # what the model weighed. Null for a claim a person flagged.
    score = models.FloatField("check-worthiness", null=True, blank=True, editable=False)
    score_band = models.CharField(
        max_length=10, blank=True, default="", editable=False,
        choices=[("high", "High"), ("medium", "Medium"), ("low", "Low")],
    )  # fmt: skip
    score_reasons = models.JSONField(default=list, blank=True, editable=False)
    tags = models.ManyToManyField("factcheck.Tag", blank=True, related_name="claims", help_text="Topics.")
    priority = models.PositiveSmallIntegerField(choices=Priority.choices, default=Priority.NORMAL)
    # Written only by factcheck.workflow.
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.SUGGESTED, editable=False)
    suggested = models.BooleanField(default=False, help_text="Came from automatic detection.")
    same_as = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="repeats",
        help_text="An earlier claim of ours saying the same: its verdict is shown; this one is still reviewed.",
    )  # fmt: skip
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now, db_index=False)
    # What the CMS's incremental sync follows: set when something the CMS can see changes
    # (a verdict published or corrected, a visible field edited); see factcheck.visibility.
    public_updated_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = ClaimQuerySet.as_manager()

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
            models.CheckConstraint(
                condition=Q(article__isnull=False) | Q(media__isnull=False), name="claim_has_article_or_media"
            ),
            models.CheckConstraint(
                condition=Q(article__isnull=False) | Q(span_start__isnull=True), name="claim_span_needs_article"
            ),
            # "The span lies inside the article" needs the article's length: a
            # trigger enforces it (migration 0003).
        ]
        indexes = [
            models.Index(fields=["status", "-updated_at"], name="claim_status_idx"),
            models.Index(fields=["updated_at", "id"], name="claim_updated_idx"),
            models.Index(fields=["-created_at", "-id"], name="claim_created_idx"),  # the claims page's order
            models.Index(
                fields=["public_updated_at", "id"],
                condition=Q(public_updated_at__isnull=False),
                name="claim_public_updated_idx",
            ),
        ]

    def __str__(self) -> str:
        text = self.text if len(self.text) <= 80 else self.text[:79] + "…"
        return f"#{self.pk} {text}"

    def get_absolute_url(self) -> str:
        return reverse("factcheck:claim", args=[self.pk])

    def clean(self) -> None:
        # The database refuses it too (a trigger, migration 0017).
        if self.media_id is not None and self.media is not None and self.media.article_id != self.article_id:
            raise ValidationError({"media": MEDIA_OF_ANOTHER_ARTICLE})

    # Verdict rules, read from ``self.verdicts.all()`` so a prefetch serves them.
    def approved_verdicts(self) -> list["Verdict"]:
        """Approved revisions, newest first."""
        return sorted((v for v in self.verdicts.all() if v.approved_at), key=lambda v: v.revision, reverse=True)

    def verdict_in_force(self) -> "Verdict | None":
        """The latest approved revision: what readers and the CMS see."""
        approved = self.approved_verdicts()
        return approved[0] if approved else None

    def pending_verdict(self) -> "Verdict | None":
        """The revision waiting for approval, if any."""
        pending = [v for v in self.verdicts.all() if v.state == Verdict.State.PENDING]
        return max(pending, key=lambda v: v.revision) if pending else None


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
        """Open, past due, and the claim is being worked on (not, say, on hold). The claim
        comes from the prefetch's cache where the assignment was prefetched with it."""
        late = self.is_open and self.due_at is not None and self.due_at < timezone.now()
        return late and self.claim.status == Claim.Status.ASSIGNED


# schema.org MediaReview's mediaAuthenticityCategory, for image and video verdicts.
MEDIA_AUTHENTICITY = [
    ("OriginalMediaContent", "Original media, used in its context"),
    ("DecontextualizedContent", "Authentic media, presented out of context"),
    ("EditedOrCroppedContent", "Edited or cropped"),
    ("TransformedContent", "Transformed (manipulated)"),
    ("StagedContent", "Staged"),
]


class VerdictQuerySet(models.QuerySet["Verdict"]):
    def approved(self) -> "VerdictQuerySet":
        return self.filter(approved_at__isnull=False)

    def pending(self) -> "VerdictQuerySet":
        return self.filter(approved_at__isnull=True, returned_at__isnull=True)


class Verdict(models.Model):
    """One revision of a claim's verdict. A correction adds a revision; none is overwritten."""

    class State(models.TextChoices):
        PENDING = "pending", "Waiting for approval"
        APPROVED = "approved", "Approved"
        RETURNED = "returned", "Returned"

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
    media_authenticity = models.CharField(
        max_length=40,
        blank=True,
        default="",
        choices=MEDIA_AUTHENTICITY,
        help_text="For image and video claims: schema.org MediaReview's mediaAuthenticityCategory.",
    )

    objects = VerdictQuerySet.as_manager()

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
    def state(self) -> "Verdict.State":
        if self.approved_at:
            return Verdict.State.APPROVED
        if self.returned_at:
            return Verdict.State.RETURNED
        return Verdict.State.PENDING


class Evidence(models.Model):
    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="evidence")
    url = LinkField(max_length=1000, blank=True, default="")
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
    action = models.CharField(max_length=30, choices=Action.choices)
    from_status = models.CharField(max_length=20, blank=True, default="", choices=Claim.Status.choices)
    to_status = models.CharField(max_length=20, choices=Claim.Status.choices)
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
