"""Articles and their media."""

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
