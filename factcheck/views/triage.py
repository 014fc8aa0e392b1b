"""Triage on the desk: accept, dismiss or assign suggestions one by one or in bulk. Each
claim goes through the workflow on its own; one refusal never stops the others."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from factcheck import roles, workflow
from factcheck.forms.claims import reviewer_choices
from factcheck.models import Action, Claim

MAX_BULK = 200
ACTIONS = {"accept": Action.ACCEPT, "dismiss": Action.DISMISS, "assign": Action.ASSIGN}


class TriageForm(forms.Form):
    claims = forms.TypedMultipleChoiceField(coerce=int, required=False)
    action = forms.ChoiceField(choices=[(a, a) for a in ACTIONS], required=False)
    single = forms.RegexField(regex=r"^(accept|dismiss):\d{1,12}$", required=False)
    reviewer = forms.ModelChoiceField(queryset=reviewer_choices(), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reviewer"].queryset = reviewer_choices()
        self.fields["claims"].choices = [(str(v), v) for v in self.data.getlist("claims") if str(v).isdigit()][
            :MAX_BULK
        ]

    def clean(self):
        data = super().clean()
        if data.get("single"):
            action, pk = data["single"].split(":")
            data["action"], data["claims"] = action, [int(pk)]
        if not data.get("claims"):
            raise forms.ValidationError("Select at least one suggestion.")
        if not data.get("action"):
            raise forms.ValidationError("Choose what to do with the selected suggestions.")
        if data["action"] == "assign" and not data.get("reviewer"):
            raise forms.ValidationError("Choose the reviewer to assign them to.")
        return data


def _one(claim: Claim, action: str, user, reviewer) -> None:
    if action == "assign":
        if claim.status == Claim.Status.SUGGESTED:
            workflow.claim_accept(claim, actor=user)  # a suggestion is accepted before it is assigned
        workflow.claim_assign(claim, actor=user, reviewer=reviewer)
    else:
        workflow.perform(ACTIONS[action], claim, actor=user)


@login_required
@require_POST
def triage(request):
    if not roles.can_triage(request.user):
        raise PermissionDenied("Only editors triage suggestions.")
    form = TriageForm(request.POST)
    if not form.is_valid():
        for error in form.non_field_errors() or [e for errors in form.errors.values() for e in errors]:
            messages.error(request, error)
        return redirect("factcheck:desk")
    data = form.cleaned_data
    found = {c.pk: c for c in Claim.objects.filter(pk__in=data["claims"])}
    done, refused = 0, []
    for pk in data["claims"]:
        claim = found.get(pk)
        if claim is None:
            refused.append(f"#{pk}: no such claim")
            continue
        try:
            _one(claim, data["action"], request.user, data.get("reviewer"))
            done += 1
        except workflow.WorkflowError as error:
            refused.append(f"#{pk}: {error.message}")
    verb = {"accept": "Accepted", "dismiss": "Dismissed", "assign": "Assigned"}[data["action"]]
    if done:
        messages.success(request, f"{verb} {done} claim{'s' if done != 1 else ''}.")
    if refused:
        messages.error(request, "Not done: " + "; ".join(refused[:10]) + ("…" if len(refused) > 10 else ""))
    return redirect("factcheck:desk")
