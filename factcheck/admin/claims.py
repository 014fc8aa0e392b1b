"""Claims in the back office. Bulk actions go through ``factcheck.workflow`` and report,
claim by claim, what was done and what was refused and why."""

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.db.models import Prefetch, Q
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.html import format_html

from factcheck import roles, workflow
from factcheck.admin.base import ReadOnlyInline
from factcheck.models import (
    Assignment,
    Claim,
    Comment,
    Event,
    Evidence,
    Rating,
    Verdict,
)


class EventInline(ReadOnlyInline):
    model = Event
    fields = ["at", "actor", "action", "from_status", "to_status", "note"]
    readonly_fields = fields


class VerdictInline(ReadOnlyInline):
    model = Verdict
    fields = ["revision", "rating", "summary", "author", "submitted_at", "approved_by", "approved_at", "returned_at"]
    readonly_fields = fields


class AssignmentInline(ReadOnlyInline):
    model = Assignment
    fields = ["reviewer", "assigned_by", "assigned_at", "due_at", "done_at"]
    readonly_fields = fields


class EvidenceInline(admin.TabularInline):
    model = Evidence
    extra = 0
    fields = ["url", "description", "added_by", "added_at"]
    readonly_fields = ["added_by", "added_at"]


class CommentInline(admin.TabularInline):
    model = Comment
    extra = 0
    fields = ["body", "author", "created_at"]
    readonly_fields = ["author", "created_at"]


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
    title = "published rating"
    parameter_name = "rating"

    def lookups(self, request, model_admin):
        return [(rating.slug, rating.label) for rating in Rating.objects.all()]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(verdicts__rating__slug=self.value(), verdicts__approved_at__isnull=False).distinct()
        return queryset


class OverdueFilter(admin.SimpleListFilter):
    title = "overdue"
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return [("yes", "Overdue"), ("no", "Not overdue")]

    def queryset(self, request, queryset):
        overdue = Q(
            status=Claim.Status.ASSIGNED,
            assignments__done_at__isnull=True,
            assignments__due_at__lt=timezone.now(),
        )
        ids = Claim.objects.filter(overdue).values("pk")
        if self.value() == "yes":
            return queryset.filter(pk__in=ids)
        if self.value() == "no":
            return queryset.exclude(pk__in=ids)
        return queryset


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
    actions = ["accept_claims", "assign_to_reviewer", "dismiss_claims", "approve_verdicts"]

    def has_add_permission(self, request):
        # New claims are flagged on the article page, through the workflow.
        return False

    def save_model(self, request, obj, form, change):
        # Write only the fields the form changed: a full save would write back
        # the status read at the start of the request over a newer transition.
        changed = [name for name in form.changed_data if name not in self.readonly_fields]
        if changed:
            obj.updated_at = timezone.now()
            obj.save(update_fields=[*changed, "updated_at"])

    def get_queryset(self, request):
        open_assignments = Assignment.objects.filter(done_at__isnull=True).select_related("reviewer")
        approved = Verdict.objects.filter(approved_at__isnull=False).select_related("rating").order_by("-revision")
        return (
            super()
            .get_queryset(request)
            .prefetch_related(
                Prefetch("assignments", queryset=open_assignments, to_attr="open_assignments"),
                Prefetch("verdicts", queryset=approved, to_attr="approved_verdicts"),
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
        return claim.approved_verdicts[0].rating.label if claim.approved_verdicts else "—"

    @admin.display(description="due")
    def due(self, claim):
        dates = [a.due_at for a in claim.open_assignments if a.due_at]
        if not dates:
            return "—"
        due = min(dates)
        label = timezone.localtime(due).strftime("%Y-%m-%d %H:%M")
        return (
            format_html('<strong style="color:#b02a37">{} (overdue)</strong>', label) if due < timezone.now() else label
        )

    def save_formset(self, request, form, formset, change):
        instances = formset.save(commit=False)
        for instance in instances:
            if isinstance(instance, Evidence) and instance.added_by_id is None:
                instance.added_by = request.user
            if isinstance(instance, Comment) and instance.author_id is None:
                instance.author = request.user
            instance.save()
        for obj in formset.deleted_objects:
            obj.delete()
        formset.save_m2m()

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

    @admin.action(description="Accept selected suggested claims")
    def accept_claims(self, request, queryset):
        self._apply(request, queryset, "Accepted", lambda c: workflow.claim_accept(c, actor=request.user))

    @admin.action(description="Dismiss selected claims")
    def dismiss_claims(self, request, queryset):
        note = "Dismissed in bulk from the back office."
        self._apply(request, queryset, "Dismissed", lambda c: workflow.claim_dismiss(c, actor=request.user, note=note))

    @admin.action(description="Approve the verdicts of selected claims")
    def approve_verdicts(self, request, queryset):
        self._apply(request, queryset, "Approved", lambda c: workflow.verdict_approve(c, actor=request.user))

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
        context = {
            **self.admin_site.each_context(request),
            "title": "Assign claims to a reviewer",
            "form": form,
            "claims": queryset,
            "opts": self.model._meta,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/factcheck/claim/assign.html", context)
