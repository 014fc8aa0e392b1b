"""Ratings, the audit trail, feeds and import records."""

from django.contrib import admin, messages

from factcheck import importing
from factcheck.admin.base import AppendOnlyAdmin
from factcheck.models import (
    Event,
    EvidenceChange,
    Feed,
    ImportRecord,
    Rating,
)


@admin.register(Rating)
class RatingAdmin(admin.ModelAdmin):
    list_display = ["label", "slug", "value", "worst", "best", "colour", "order"]
    # The value is edited on the rating's own page, where the scale (worst ≤ value ≤ best) is validated.
    list_editable = ["colour", "order"]
    prepopulated_fields = {"slug": ["label"]}


@admin.register(EvidenceChange)
class EvidenceChangeAdmin(AppendOnlyAdmin):
    """Every item of evidence added, edited or removed, by whom (append-only): read-only.
    Filter by claim with ?claim__id__exact=<id>."""

    list_display = ["at", "claim", "actor", "change", "url", "description", "previous_url", "previous_description"]
    list_filter = ["change"]
    list_select_related = ["claim", "actor"]
    search_fields = ["url", "description", "previous_url", "previous_description"]
    date_hierarchy = "at"


@admin.register(Event)
class EventAdmin(AppendOnlyAdmin):
    """The audit trail: read-only."""

    list_display = ["at", "claim", "actor", "action", "from_status", "to_status"]
    list_filter = ["action", "to_status"]
    list_select_related = ["claim", "actor"]
    raw_id_fields = ["claim"]
    date_hierarchy = "at"


@admin.register(Feed)
class FeedAdmin(admin.ModelAdmin):
    list_display = ["__str__", "url", "outlet", "active", "last_polled_at", "last_error"]
    list_filter = ["active"]
    search_fields = ["title", "url", "outlet"]
    readonly_fields = ["last_polled_at", "last_error", "added_by", "created_at"]
    actions = ["poll_now"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.added_by = request.user
        super().save_model(request, obj, form, change)

    @admin.action(description="Poll selected feeds now")
    def poll_now(self, request, queryset):
        for feed in queryset:
            importing.poll_feed_now(feed)
        messages.success(request, f"Polling {queryset.count()} feed(s); see Import records for what came in.")


@admin.register(ImportRecord)
class ImportRecordAdmin(admin.ModelAdmin):
    list_display = ["created_at", "source", "label", "outcome", "suggestions", "requested_by"]
    list_filter = ["outcome", "source"]
    list_select_related = ["requested_by"]
    search_fields = ["label", "message"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
