"""Stored photos and videos in the back office: thumbnails, what could not be stored and why,
and "Fetch again" for those (through ``factcheck.media.ingest``)."""

from django.contrib import admin, messages
from django.urls import reverse
from django.utils.html import format_html

from factcheck import workflow
from factcheck.media import ingest
from factcheck.models import Media


def thumbnail_html(media: Media, size: int = 96) -> str:
    if not media.thumbnail:
        return media.get_state_display()
    url = reverse("factcheck:media-file", args=[media.pk, "thumbnail"])
    return format_html(
        '<a href="{}"><img src="{}" alt="{}" style="max-width:{}px;max-height:{}px"></a>',
        reverse("factcheck:media", args=[media.pk]), url, media.caption or media.get_kind_display(), size, size,
    )  # fmt: skip


class MediaInline(admin.TabularInline):
    model = Media
    extra = 0
    fields = ["preview_image", "position", "kind", "url", "caption", "credit", "state", "error"]
    readonly_fields = ["preview_image", "state", "error"]

    @admin.display(description="thumbnail")
    def preview_image(self, media):
        return thumbnail_html(media) if media.pk else "—"


@admin.register(Media)
class MediaAdmin(admin.ModelAdmin):
    list_display = ["id", "preview_image", "kind", "caption_text", "article", "state", "mime", "width"]
    list_display += ["height"]
    list_display_links = ["id", "preview_image"]
    list_filter = ["state", "kind"]
    list_select_related = ["article"]
    search_fields = ["caption", "url", "sha256", "filename"]
    raw_id_fields = ["article"]
    fields = ["preview_image", "article", "kind", "caption", "credit", "url", "source_url", "note", "state"]
    fields += ["error", "filename", "mime", "sha256", "width", "height", "bytes", "metadata", "added_by", "created_at"]
    readonly_fields = ["preview_image", "article", "kind", "url", "state", "error", "filename", "mime", "sha256",
                       "width", "height", "bytes", "metadata", "added_by", "created_at"]  # fmt: skip
    actions = ["fetch_again"]

    def has_add_permission(self, request):
        return False  # media enter with an article's import or through "Check a photo"

    @admin.display(description="thumbnail")
    def preview_image(self, media):
        return thumbnail_html(media)

    @admin.display(description="caption")
    def caption_text(self, media):
        return media.caption[:80] or media.filename or "—"

    @admin.action(description="Fetch selected items again (those not stored)")
    def fetch_again(self, request, queryset):
        done, refused = [], []
        for media in queryset:
            try:
                ingest.retry(media, actor=request.user)
            except workflow.WorkflowError as error:
                refused.append(f"#{media.pk}: {error.message}")
            else:
                done.append(f"#{media.pk}")
        if done:
            messages.success(request, f"Fetching again: {', '.join(done)}.")
        if refused:
            messages.warning(request, "Refused: " + "; ".join(refused))
