"""The fact-check library: every verdict this desk publishes and the fact-checks others
published (schema.org ClaimReview), which claims are matched against."""

import hashlib

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from factcheck.models.articles import Media
from factcheck.models.claims import Claim, Rating
from factcheck.models.fields import LinkField


def claim_key(claim_reviewed: str, publisher: str) -> str:
    """Duplicates by claim text: the same claim, blind to case and spacing, from the same publisher."""
    normalised = " ".join(claim_reviewed.split()).casefold() + "\x00" + " ".join(publisher.split()).casefold()
    return hashlib.sha256(normalised.encode("utf-8")).hexdigest()


class LibraryFeed(models.Model):
    """A ClaimReview feed (a schema.org DataFeed) polled like the article feeds."""

    url = models.URLField(max_length=1000, unique=True)
    name = models.CharField(max_length=200, blank=True, default="")
    active = models.BooleanField(default=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    last_polled_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True, default="")

    class Meta:
        ordering = ["name", "url"]

    def __str__(self) -> str:
        return self.name or self.url


class FactCheck(models.Model):
    """One fact-check: the claim reviewed, the publisher's rating as written (and on our
    scale when the mapping is clear), where and when it was published."""

    class Origin(models.TextChoices):
        OWN = "own", "This desk's verdict"
        URL = "url", "A fact-check page"
        FEED = "feed", "A ClaimReview feed"
        FILE = "file", "A file"
        API = "api", "The API"

    url = LinkField(max_length=1000, unique=True, help_text="The fact-check's page.")
    claim_reviewed = models.TextField()
    title = models.CharField(max_length=500, blank=True, default="")
    publisher = models.CharField(max_length=300, blank=True, default="")
    publisher_url = LinkField(max_length=1000, blank=True, default="")
    claimant = models.CharField(max_length=500, blank=True, default="")
    rating_text = models.CharField(max_length=300, blank=True, default="", help_text="The publisher's own words.")
    rating_value = models.FloatField(null=True, blank=True)
    rating_best = models.FloatField(null=True, blank=True)
    rating_worst = models.FloatField(null=True, blank=True)
    rating = models.ForeignKey(
        Rating, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        help_text="On the desk's scale, only when the mapping is clear.",
    )  # fmt: skip
    date_published = models.DateField(null=True, blank=True)
    language = models.CharField(max_length=20, blank=True, default="")
    image_url = LinkField(max_length=1000, blank=True, default="")
    media = models.ForeignKey(Media, null=True, blank=True, on_delete=models.SET_NULL, related_name="fact_checks")
    claim = models.OneToOneField(
        Claim, null=True, blank=True, on_delete=models.CASCADE, related_name="fact_check",
        help_text="This desk's claim, for its own published verdicts.",
    )  # fmt: skip
    own = models.BooleanField(default=False)
    origin = models.CharField(max_length=10, choices=Origin.choices)
    feed = models.ForeignKey(LibraryFeed, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    key = models.CharField(max_length=64, db_index=True, editable=False, help_text="Claim text and publisher.")
    item = models.JSONField(default=dict, blank=True, help_text="The ClaimReview as received.")
    imported_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-date_published", "-id"]
        constraints = [
            models.CheckConstraint(condition=~Q(claim_reviewed=""), name="factcheck_claim_not_empty"),
            models.CheckConstraint(condition=Q(own=False) | Q(claim__isnull=False), name="factcheck_own_has_claim"),
        ]
        indexes = [
            models.Index(fields=["publisher"], name="factcheck_publisher_idx"),
            models.Index(fields=["language", "-date_published"], name="factcheck_language_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.publisher or 'Unknown'}: {self.claim_reviewed[:80]}"

    def save(self, *args, **kwargs):
        self.key = claim_key(self.claim_reviewed, self.publisher)
        super().save(*args, **kwargs)


class ClaimMatch(models.Model):
    """A fact-check that may already answer a claim, with the matcher's score: kept for the
    lists (suggestions, desk cards); the claim page asks the matcher afresh."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="matches")
    fact_check = models.ForeignKey(FactCheck, on_delete=models.CASCADE, related_name="+")
    score = models.FloatField()
    rank = models.PositiveSmallIntegerField()
    computed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["claim", "rank"]
        constraints = [models.UniqueConstraint(fields=["claim", "fact_check"], name="claim_match_unique")]

    def __str__(self) -> str:
        return f"#{self.claim_id} ~ {self.fact_check_id} ({self.score:.2f})"
