"""Articles and their media."""

import hashlib

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from factcheck.models.fields import LinkField


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
    url = LinkField("canonical URL", max_length=1000, blank=True, default="")
    external_id = models.CharField(max_length=200, blank=True, default="", help_text="The CMS's own id.")
    outlet = models.CharField(max_length=200, blank=True, default="")
    byline = models.CharField(max_length=500, blank=True, default="")
    published_at = models.DateTimeField(null=True, blank=True)
    language = models.CharField(max_length=20, blank=True, default="")
    body = models.TextField(help_text="Plain text; claim spans are offsets into it.")
    body_html = models.TextField(blank=True, default="", help_text="Sanitized HTML.")
    content_hash = models.CharField(max_length=64, editable=False)
    source = models.CharField(max_length=20, choices=Source.choices, default=Source.ADMIN)
    is_transcript = models.BooleanField(
        default=False, help_text="A debate or speech: each line of the body is “SPEAKER: text”."
    )
    # Detection's candidates that did not make the suggestions (best first, at most
    # MAX_CANDIDATES): {text, kind, span_start, span_end, attribution, reason, score, band, signals}.
    candidates = models.JSONField(default=list, blank=True, editable=False)
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
        indexes = [
            models.Index(fields=["updated_at", "id"], name="article_updated_idx"),
            models.Index(fields=["-created_at", "-id"], name="article_created_idx"),  # the list's order
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        self.content_hash = content_hash(self.body)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("factcheck:article", args=[self.pk])


def _media_path(media: "Media | Keyframe", filename: str) -> str:
    """Stored files are named by their content: the same bytes are kept once per item."""
    return f"media/{media.sha256[:2]}/{media.sha256}/{filename}"


class Media(models.Model):
    """A photo or video: one in an article, or one sent to the newsroom on its own
    (no article). Once fetched or uploaded, its bytes are kept in our storage with a
    thumbnail, its metadata and its perceptual fingerprints (``factcheck.media``)."""

    class Kind(models.TextChoices):
        IMAGE = "image", "Image"
        VIDEO = "video", "Video"

    class State(models.TextChoices):
        REMOTE = "remote", "Not fetched (no address)"
        PENDING = "pending", "Waiting to be fetched"
        STORED = "stored", "Stored"
        FAILED = "failed", "Could not be stored"

    article = models.ForeignKey(Article, null=True, blank=True, on_delete=models.CASCADE, related_name="media")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.IMAGE)
    url = LinkField(max_length=1000, blank=True, default="", help_text="Where the file itself was published.")
    caption = models.TextField(blank=True, default="")
    credit = models.CharField(max_length=300, blank=True, default="")
    position = models.PositiveIntegerField(default=0)
    source_url = LinkField(max_length=1000, blank=True, default="", help_text="Where it was seen.")
    note = models.TextField(blank=True, default="")
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    # What we keep of it (factcheck.media.store).
    state = models.CharField(max_length=10, choices=State.choices, default=State.REMOTE)
    error = models.TextField(blank=True, default="", help_text="Why it could not be stored.")
    original = models.FileField(upload_to=_media_path, blank=True, max_length=300)
    thumbnail = models.FileField(upload_to=_media_path, blank=True, max_length=300, help_text="480 px, re-encoded.")
    preview = models.FileField(upload_to=_media_path, blank=True, max_length=300, help_text="1,600 px, re-encoded.")
    filename = models.CharField(max_length=255, blank=True, default="", help_text="The name it came with.")
    mime = models.CharField(max_length=100, blank=True, default="")
    sha256 = models.CharField(max_length=64, blank=True, default="", db_index=True)
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    bytes = models.PositiveBigIntegerField(null=True, blank=True)
    metadata = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["article", "position", "id"]
        verbose_name_plural = "media"
        constraints = [
            # The same bytes sent twice on their own (by someone) are one item. (A fact-check's
            # image in the library is neither in an article nor sent by anyone.)
            models.UniqueConstraint(
                fields=["sha256"],
                condition=Q(article__isnull=True) & Q(added_by__isnull=False) & ~Q(sha256=""),
                name="media_standalone_unique",
            ),
            models.CheckConstraint(
                condition=~Q(state="stored") | (~Q(sha256="") & ~Q(original="")), name="media_stored_has_file"
            ),
        ]

    def __str__(self) -> str:
        return self.caption[:80] or self.url or self.filename or f"{self.get_kind_display()} #{self.pk}"

    @property
    def stored(self) -> bool:
        return self.state == self.State.STORED


class Keyframe(models.Model):
    """A frame of a video where the scene changes, kept with its thumbnail and fingerprints."""

    media = models.ForeignKey(Media, on_delete=models.CASCADE, related_name="keyframes")
    at_seconds = models.FloatField()
    image = models.FileField(upload_to=_media_path, max_length=300)
    thumbnail = models.FileField(upload_to=_media_path, max_length=300)
    sha256 = models.CharField(max_length=64)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()

    class Meta:
        ordering = ["media", "at_seconds", "id"]

    def __str__(self) -> str:
        return f"{self.media} at {self.at_seconds:.1f} s"


class Fingerprint(models.Model):
    """One perceptual hash of a stored image or keyframe (``factcheck.media.hashing``):
    what "Seen before" searches."""

    media = models.ForeignKey(Media, on_delete=models.CASCADE, related_name="fingerprints")
    keyframe = models.ForeignKey(Keyframe, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=12)
    value = models.BigIntegerField(help_text="64 bits, signed.")

    class Meta:
        indexes = [models.Index(fields=["media"], name="fingerprint_media_idx")]

    def __str__(self) -> str:
        return f"{self.kind}:{self.value & 0xFFFFFFFFFFFFFFFF:016x}"
