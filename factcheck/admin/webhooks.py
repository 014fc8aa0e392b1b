"""Webhooks in the back office: the CMS's endpoints (the secret shown once), every delivery
with its attempts, and "Redeliver" / "Attempt now"."""

import json

from django import forms
from django.contrib import admin, messages
from django.db.models import Count, OuterRef, Q, Subquery
from django.utils.html import format_html

from factcheck import webhooks
from factcheck.admin.base import ReadOnlyInline, SubscriberAdmin
from factcheck.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint
from factcheck.models.webhooks import EVENTS

State = WebhookDelivery.State


def _send(delivery: WebhookDelivery) -> None:
    webhooks.send_soon(delivery)


class WebhookEndpointForm(forms.ModelForm):
    events = forms.MultipleChoiceField(
        choices=EVENTS, widget=forms.CheckboxSelectMultiple, required=False, help_text="The events it receives."
    )

    class Meta:
        model = WebhookEndpoint
        fields = ["name", "url", "events", "active"]


def _show_secret(request, endpoint: WebhookEndpoint, what: str) -> None:
    messages.warning(
        request,
        format_html(
            "{} of “{}”: <code>{}</code> — copy it into the receiver now; it is not shown again.",
            what,
            endpoint,
            endpoint.secret,
        ),
    )


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(SubscriberAdmin):
    form = WebhookEndpointForm
    list_display = ["name", "url", "subscribed", "active", "pending", "failed", "created_at"]
    list_filter = ["active"]
    search_fields = ["name", "url"]
    readonly_fields = ["secret_hint", "created_at"]
    actions = ["rotate_secret"]

    def get_fields(self, request, obj=None):
        fields = ["name", "url", "events", "active"]
        return fields if obj is None else [*fields, "secret_hint", "created_at"]

    def get_queryset(self, request):
        counts = {
            "pending_count": Count("deliveries", filter=Q(deliveries__state=State.PENDING)),
            "failed_count": Count("deliveries", filter=Q(deliveries__state=State.FAILED)),
        }
        return super().get_queryset(request).annotate(**counts)

    @admin.display(description="pending", ordering="pending_count")
    def pending(self, endpoint):
        return endpoint.pending_count

    @admin.display(description="failed", ordering="failed_count")
    def failed(self, endpoint):
        return endpoint.failed_count

    @admin.display(description="secret")
    def secret_hint(self, endpoint):
        return f"…{endpoint.secret[-4:]} (shown once; use the action “Rotate the secret” for a new one)"

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change:
            _show_secret(request, obj, "The secret")

    @admin.action(description="Rotate the secret of selected endpoints (shown once)", permissions=["change"])
    def rotate_secret(self, request, queryset):
        for endpoint in queryset:
            webhooks.rotate_secret(endpoint)
            _show_secret(request, endpoint, "The new secret")


class WebhookAttemptInline(ReadOnlyInline):
    model = WebhookAttempt
    fields = readonly_fields = ("at", "response_code", "duration_ms", "error")


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    list_display = ["delivery_id", "transport", "event", "receiver", "claim_id", "state", "attempts", "last_code"]
    list_display += ["created_at", "delivered_at", "next_attempt_at"]
    list_filter = ["state", "transport", "event", "endpoint"]
    list_select_related = ["endpoint", "channel"]
    search_fields = ["=delivery_id", "endpoint__name"]
    fields = readonly_fields = (
        "delivery_id", "transport", "event", "endpoint", "channel", "claim", "state", "attempts",
        "next_attempt_at", "sending_since", "created_at", "delivered_at", "body",
    )  # fmt: skip
    inlines = [WebhookAttemptInline]
    actions = ["redeliver", "attempt_now"]

    def has_add_permission(self, request):
        return False  # deliveries are queued by the workflow's events

    def get_queryset(self, request):
        attempts = WebhookAttempt.objects.filter(delivery=OuterRef("pk"), duration_ms__isnull=False)
        last_code = Subquery(attempts.order_by("-at", "-id").values("response_code")[:1])
        return super().get_queryset(request).annotate(last_response_code=last_code)

    @admin.display(description="last code")
    def last_code(self, delivery):
        return delivery.last_response_code or "—"

    @admin.display(description="body (frozen when queued)")
    def body(self, delivery):
        return format_html("<pre>{}</pre>", json.dumps(delivery.payload, indent=2, ensure_ascii=False))

    def _report(self, request, verb: str, done: list, refused: list) -> None:
        if done:
            messages.success(request, f"{verb} {len(done)} deliveries: " + "; ".join(done))
        if refused:
            messages.warning(request, f"Refused {len(refused)}: " + "; ".join(refused))

    @staticmethod
    def _label(delivery: WebhookDelivery) -> str:
        delivery.refresh_from_db()
        return f"{str(delivery.delivery_id)[:8]} ({delivery.get_state_display().lower()})"

    @admin.action(description="Redeliver selected deliveries (same delivery id and body)", permissions=["change"])
    def redeliver(self, request, queryset):
        done, refused = [], []
        for delivery in queryset.select_related("endpoint", "channel"):
            try:
                webhooks.redeliver(delivery, by=request.user.get_username())
            except webhooks.Busy as busy:
                refused.append(f"{str(delivery.delivery_id)[:8]}: {busy.message}")
                continue
            _send(delivery)
            done.append(self._label(delivery))
        self._report(request, "Redelivered", done, refused)

    @admin.action(description="Attempt selected pending deliveries now", permissions=["change"])
    def attempt_now(self, request, queryset):
        done, refused = [], []
        for delivery in queryset.select_related("endpoint", "channel"):
            if webhooks.hurry(delivery):
                _send(delivery)
                done.append(self._label(delivery))
            else:
                reason = "not pending (redeliver it)" if delivery.state != State.PENDING else webhooks.Busy.message
                refused.append(f"{str(delivery.delivery_id)[:8]}: {reason}")
        self._report(request, "Attempted", done, refused)
