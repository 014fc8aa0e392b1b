"""Notification channels (Slack-compatible incoming webhooks) and people's email choices.
Their messages go through the outbox: see "Outbox deliveries"."""

from django import forms
from django.contrib import admin

from factcheck.admin.base import SubscriberAdmin
from factcheck.models import NotificationChannel, NotificationPreference
from factcheck.models.notifications import NOTIFIABLE


class NotificationChannelForm(forms.ModelForm):
    events = forms.MultipleChoiceField(
        choices=NOTIFIABLE, widget=forms.CheckboxSelectMultiple, required=False,
        help_text="The workflow events posted to this channel.",
    )  # fmt: skip

    class Meta:
        model = NotificationChannel
        fields = ["name", "url", "events", "active"]
        help_texts = {
            "url": "A Slack or Mattermost incoming webhook, or a Microsoft Teams workflow's "
            '“When a Teams webhook request is received” URL. Each message is {"text": …} with a link to the claim.'
        }


@admin.register(NotificationChannel)
class NotificationChannelAdmin(SubscriberAdmin):
    form = NotificationChannelForm
    list_display = ["name", "url", "subscribed", "active", "created_at"]
    list_filter = ["active"]
    search_fields = ["name", "url"]


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "action", "email"]
    list_filter = ["action", "email"]
    list_select_related = ["user"]
    search_fields = ["user__username"]
