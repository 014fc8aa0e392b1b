"""The fact-check library in the back office: fact-checks with their publishers' ratings and
ours, and the ClaimReview feeds the desk subscribes to (polled like article feeds)."""

from django.contrib import admin, messages

from factcheck import background
from factcheck.library import sources
from factcheck.models import FactCheck, LibraryFeed


@admin.register(FactCheck)
class FactCheckAdmin(admin.ModelAdmin):
    list_display = ["claim_text", "publisher", "rating_text", "rating", "date_published", "language", "own", "origin"]
    list_filter = ["own", "origin", "rating", "language"]
    list_select_related = ["rating"]
    search_fields = ["claim_reviewed", "title", "publisher", "url"]
    date_hierarchy = "imported_at"
    raw_id_fields = ["claim", "media", "feed"]
    readonly_fields = ["key", "item", "imported_at", "own", "origin", "claim"]

    @admin.display(description="claim")
    def claim_text(self, fact_check):
        return fact_check.claim_reviewed[:100]

    def has_add_permission(self, request):
        return False  # fact-checks enter through import_factchecks, the API, a feed, or an approval


@admin.register(LibraryFeed)
class LibraryFeedAdmin(admin.ModelAdmin):
    list_display = ["__str__", "url", "active", "last_polled_at", "last_error"]
    list_filter = ["active"]
    search_fields = ["name", "url"]
    fields = ["name", "url", "active", "last_polled_at", "last_error"]
    readonly_fields = ["last_polled_at", "last_error"]
    actions = ["poll_now"]

    def save_model(self, request, obj, form, change):
        if not change and not obj.added_by_id:
            obj.added_by = request.user
        super().save_model(request, obj, form, change)
        if change:
            return
        if obj.active:  # a new subscription is read at once, not at the next scheduled poll
            background.enqueue_on_commit(sources.POLL_TASK, obj.pk)
            messages.info(request, f"Polling {obj} now; its fact-checks appear in the library as they come in.")
        else:
            messages.info(request, f"{obj} is paused: it will be polled once it is active.")

    @admin.action(description="Poll selected feeds now")
    def poll_now(self, request, queryset):
        for feed in queryset:
            background.enqueue_on_commit(sources.POLL_TASK, feed.pk)
        messages.success(request, f"Polling {queryset.count()} feed(s).")
