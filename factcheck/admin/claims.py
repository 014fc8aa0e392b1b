"""Claims in the back office. Bulk actions go through ``factcheck.workflow`` and report,
claim by claim, what was done and what was refused and why."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.auth import get_user_model
from django.db.models import Prefetch, Q
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.html import format_html

from factcheck import contributions, roles, transitions, workflow
from factcheck.admin.base import ReadOnlyInline
from factcheck.admin.contributions import ClaimAdminForm, CommentInline, EvidenceInline
from factcheck.models import (
    Assignment,
    Claim,
    Event,
    Rating,
    Verdict,
)


class EventInline(ReadOnlyInline):
    model = Event
    fields = readonly_fields = ("at", "actor", "action", "from_status", "to_status", "note")


class VerdictInline(ReadOnlyInline):
    model = Verdict
    fields = readonly_fields = (
        "revision", "rating", "summary", "author", "submitted_at", "approved_by", "approved_at", "returned_at",
    )  # fmt: skip


class AssignmentInline(ReadOnlyInline):
    model = Assignment
    fields = readonly_fields = ("reviewer", "assigned_by", "assigned_at", "due_at", "done_at")


class ReviewerFilter(admin.SimpleListFilter):
    title = "reviewer"
    parameter_name = "reviewer"

    def lookups(self, request, model_admin):
        reviewers = get_user_model().objects.filter(groups__name=roles.REVIEWERS).order_by("username")
        return [(str(user.pk), user.get_username()) for user in reviewers]

    def queryset(self, request, queryset):
        if self.value() and self.value().isdigit() and len(self.value()) < 19:
            return queryset.filter(
                assignments__reviewer_id=int(self.value()), assignments__done_at__isnull=True
            ).distinct()
        return queryset


class RatingFilter(admin.SimpleListFilter):
    title = "rating in force"
    parameter_name = "rating"

    def lookups(self, request, model_admin):
        return [(rating.slug, rating.label) for rating in Rating.objects.all()]

    def queryset(self, request, queryset):
        return queryset.rated(self.value()) if self.value() else queryset  # the verdict in force


class OverdueFilter(admin.SimpleListFilter):
    title = "overdue"
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return [("yes", "Overdue"), ("no", "Not overdue")]

    def queryset(self, request, queryset):
        ids = Claim.objects.overdue().values("pk")
        if self.value() == "yes":
            return queryset.filter(pk__in=ids)
        if self.value() == "no":
            return queryset.exclude(pk__in=ids)
        return queryset


class BulkNoteForm(forms.Form):
    note = forms.CharField(max_length=5000, widget=forms.Textarea(attrs={"rows": 3}), help_text="Required.")


class AssignForm(forms.Form):
    reviewer = forms.ModelChoiceField(queryset=get_user_model().objects.none())
    due_at = forms.DateTimeField(
        required=False, widget=forms.DateTimeInput(attrs={"type": "datetime-local"}), help_text="Optional."
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        people = get_user_model().objects.filter(is_active=True)
        self.fields["reviewer"].queryset = (
            people.filter(Q(groups__name__in=[roles.REVIEWERS, roles.EDITORS]) | Q(is_superuser=True))
            .distinct()
            .order_by("username")
        )


@admin.register(Claim)
class ClaimAdmin(admin.ModelAdmin):
    list_display = ["id", "short_text", "article", "kind", "status", "priority", "reviewers", "rating", "due"]
    list_display_links = ["id", "short_text"]
    list_filter = ["status", "kind", ReviewerFilter, RatingFilter, OverdueFilter, "suggested", "priority"]
    list_select_related = ["article"]
    list_per_page = 100
    search_fields = ["text", "attribution", "article__title"]
    raw_id_fields = ["article", "media"]
    readonly_fields = ["article", "text", "span_start", "span_end", "status", "suggested", "created_by", "created_at"]
    fields = [
        "article",
        "text",
        "span_start",
        "span_end",
        "kind",
        "attribution",
        "media",
        "reason",
        "priority",
        "status",
        "suggested",
        "created_by",
        "created_at",
    ]
    inlines = [VerdictInline, AssignmentInline, EvidenceInline, CommentInline, EventInline]
    # actions: one per bulk row of the transition table (set below the class), and assigning.

    def has_add_permission(self, request):
        # New claims are flagged on the article page, through the workflow.
        return False

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, form=ClaimAdminForm, **kwargs)
        form.actor = request.user
        return form

    def save_model(self, request, obj, form, change):
        # Only the fields the form changed, through the domain (the form ran its checks): a full
        # save would write back the status read at the start of the request over a newer transition.
        changes = {name: form.cleaned_data[name] for name in form.changed_data if name not in self.readonly_fields}
        contributions.claim_edit(obj, actor=request.user, **changes)

    def get_queryset(self, request):
        open_assignments = Assignment.objects.filter(done_at__isnull=True).select_related("reviewer")
        return (
            super()
            .get_queryset(request)
            .prefetch_related(
                Prefetch("assignments", queryset=open_assignments, to_attr="open_assignments"),
                Prefetch("verdicts", queryset=Verdict.objects.select_related("rating")),
            )
        )

    @admin.display(description="claim")
    def short_text(self, claim):
        return claim.text if len(claim.text) <= 90 else claim.text[:89] + "…"

    @admin.display(description="reviewers")
    def reviewers(self, claim):
        return ", ".join(sorted(a.reviewer.get_username() for a in claim.open_assignments)) or "—"

    @admin.display(description="rating")
    def rating(self, claim):
        verdict = claim.verdict_in_force()
        return verdict.rating.label if verdict is not None else "—"

    @admin.display(description="due")
    def due(self, claim):
        dated = sorted((a for a in claim.open_assignments if a.due_at), key=lambda a: a.due_at)
        if not dated:
            return "—"
        label = timezone.localtime(dated[0].due_at).strftime("%Y-%m-%d %H:%M")
        return (
            format_html('<strong style="color:#b02a37">{} (overdue)</strong>', label) if dated[0].is_overdue else label
        )

    def _apply(self, request, queryset, verb: str, transition) -> None:
        done, refused = [], []
        for claim in queryset.select_related(None).prefetch_related(None).only("pk", "text"):
            try:
                transition(claim)
            except workflow.WorkflowError as error:
                refused.append(f"#{claim.pk}: {error.message}")
            else:
                done.append(f"#{claim.pk}")
        if done:
            messages.success(request, f"{verb} {len(done)} claim(s): {', '.join(done)}.")
        if refused:
            messages.warning(request, f"Refused {len(refused)} claim(s): " + "; ".join(refused))

    def _ask(self, request, queryset, form, *, action_name: str, title: str, intro: str, submit: str):
        """The intermediate page of a bulk action that needs input."""
        context = {
            **self.admin_site.each_context(request),
            "title": title, "intro": intro, "submit": submit, "action_name": action_name, "form": form,
            "claims": queryset, "opts": self.model._meta, "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }  # fmt: skip
        return TemplateResponse(request, "admin/factcheck/claim/bulk_action.html", context)

    def apply_transition(self, request, queryset, row: transitions.Transition):
        """A bulk action read from the transition table; it asks for the note where one is required."""
        if row.note_required:
            form = BulkNoteForm(request.POST if "apply" in request.POST else None)
            if not form.is_valid():
                title = f"{row.label}: {queryset.count()} claim(s)"
                return self._ask(request, queryset, form, action_name=f"{row.action}_claims", title=title,
                                 intro=f"{row.label}, with one note for all of them.", submit=row.label)  # fmt: skip
            note = form.cleaned_data["note"]
        else:
            note = "In bulk from the back office."
        self._apply(
            request,
            queryset,
            row.action.label,
            lambda c: workflow.perform(row.action, c, actor=request.user, note=note),
        )
        return None

    @admin.action(description="Assign selected claims to a reviewer…")
    def assign_to_reviewer(self, request, queryset):
        form = AssignForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            reviewer, due_at = form.cleaned_data["reviewer"], form.cleaned_data["due_at"]
            self._apply(
                request,
                queryset,
                f"Assigned to {reviewer}",
                lambda c: workflow.claim_assign(c, actor=request.user, reviewer=reviewer, due_at=due_at),
            )
            return None
        intro = f"Assign these {queryset.count()} claim(s) to one reviewer."
        return self._ask(request, queryset, form, action_name="assign_to_reviewer",
                         title="Assign claims to a reviewer", intro=intro, submit="Assign")  # fmt: skip


def _bulk_action(row: transitions.Transition):
    def bulk(modeladmin: ClaimAdmin, request, queryset):
        return modeladmin.apply_transition(request, queryset, row)

    bulk.__name__ = f"{row.action}_claims"
    return admin.action(description=f"{row.label}: selected claims")(bulk)


ClaimAdmin.actions = [  # type: ignore[misc]  # set once, after the class, from the table
    *(_bulk_action(row) for row in transitions.TABLE.values() if row.bulk),
    "assign_to_reviewer",
]
