"""Shared pieces of the back office."""

from django.contrib import admin


class SubscriberAdmin(admin.ModelAdmin):
    """A receiver of events (CMS endpoint, chat channel): its events in the list."""

    @admin.display(description="events")
    def subscribed(self, receiver):
        return ", ".join(receiver.events) if isinstance(receiver.events, list) and receiver.events else "—"


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class AppendOnlyAdmin(admin.ModelAdmin):
    """An audit trail: listed and read, never added, changed or deleted in the back office."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
