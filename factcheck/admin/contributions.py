"""Evidence, comments and a claim's fields in the back office, written through
``factcheck.contributions``: its checks run while the forms are validated, so a refused
change shows on the page and nothing of the submission is saved."""

from django import forms
from django.contrib import admin
from django.forms.models import BaseInlineFormSet

from factcheck import contributions, workflow
from factcheck.models import Claim, Comment, Evidence


class ContributionFormSet(BaseInlineFormSet):
    actor = None  # set per request by the inline

    def clean(self):
        super().clean()
        for form in self.forms:
            if not hasattr(form, "cleaned_data") or not form.has_changed():
                continue
            try:
                self._check(form)
            except workflow.WorkflowError as error:
                form.add_error(None, error.message)

    def _check(self, form) -> None:
        instance, data = form.instance, form.cleaned_data
        if form in self.deleted_forms:
            if instance.pk is not None:
                contributions.check_removal(self.actor, "evidence" if self.model is Evidence else "comments")
                if self.model is Evidence:
                    contributions.check_not_on_record(instance)
        elif self.model is Evidence:
            if instance.pk is not None:
                contributions.check_not_on_record(instance)
            contributions.check_evidence(self.instance, self.actor, data.get("url", ""), data.get("description", ""))
        else:
            contributions.check_comment(
                self.instance, self.actor, data.get("body", ""), comment=instance if instance.pk else None
            )

    def save(self, commit: bool = True) -> list:
        """Each row through the domain; the admin's history reads the three lists."""
        claim, actor = self.instance, self.actor
        self.new_objects, self.changed_objects, self.deleted_objects = [], [], []
        for form in self.deleted_forms:
            if form.instance.pk is not None:
                remove = contributions.evidence_remove if self.model is Evidence else contributions.comment_remove
                remove(form.instance, actor=actor)
                self.deleted_objects.append(form.instance)
        for form in self.forms:
            if not form.has_changed() or form in self.deleted_forms:
                continue
            data, instance = form.cleaned_data, form.instance
            if instance.pk is None:
                self.new_objects.append(_add(self.model, claim, actor, data))
            else:
                _edit(instance, actor, data)
                self.changed_objects.append((instance, form.changed_data))
        return self.new_objects + [obj for obj, _ in self.changed_objects]


def _add(model, claim: Claim, actor, data: dict):
    if model is Evidence:
        return contributions.evidence_add(claim, actor=actor, url=data["url"], description=data["description"])
    return contributions.comment_add(claim, actor=actor, body=data["body"])


def _edit(instance, actor, data: dict) -> None:
    if isinstance(instance, Evidence):
        contributions.evidence_edit(instance, actor=actor, url=data["url"], description=data["description"])
    else:
        contributions.comment_edit(instance, actor=actor, body=data["body"])


class _ContributionInline(admin.TabularInline):
    extra = 0
    formset = ContributionFormSet

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.actor = request.user
        return formset


class EvidenceInline(_ContributionInline):
    model = Evidence
    fields = ["url", "description", "added_by", "added_at"]
    readonly_fields = ["added_by", "added_at"]


class CommentInline(_ContributionInline):
    model = Comment
    fields = ["body", "author", "created_at"]
    readonly_fields = ["author", "created_at"]


class ClaimAdminForm(forms.ModelForm):
    """The claim's editable fields, checked by the domain before anything is saved."""

    actor = None  # set per request by the ModelAdmin

    class Meta:
        model = Claim
        fields = list(contributions.EDITABLE_FIELDS)

    def clean(self):
        data = super().clean()
        changes = {name: data[name] for name in self.changed_data if name in contributions.EDITABLE_FIELDS}
        try:
            contributions.check_claim_edit(self.instance, self.actor, changes)
        except workflow.WorkflowError as error:
            raise forms.ValidationError(error.message) from None
        return data
