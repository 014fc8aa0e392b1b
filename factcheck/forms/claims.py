"""Forms of the article and claim pages. They validate input; the workflow
decides what may happen."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Layout, Submit
from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone

from factcheck import roles
from factcheck.models import Claim, Media, Rating
from factcheck.models.claims import MEDIA_AUTHENTICITY


class _Submit(Submit):
    field_classes = "btn"  # the colour comes from css_class alone (Submit's default adds btn-primary)


class _ActionForm(forms.Form):
    """A form for one action; ``action`` keeps its element ids apart from the
    other forms on the same page (field names stay plain)."""

    submit_label = "Save"
    submit_class = "btn-primary"

    def __init__(self, *args, action: str = "", claim: Claim | None = None, **kwargs):
        if action:
            kwargs.setdefault("auto_id", f"id_{action}_%s")
        self.claim = claim
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.add_input(
            _Submit("submit", self.submit_label, css_class=self.submit_class, css_id=f"submit-{action or 'form'}")
        )


def reviewer_choices():
    return roles.desk_members().order_by("username")


class FlagForm(_ActionForm):
    """Flag text in the article: exact offsets from a selection, or (without
    JavaScript) a paragraph and, optionally, the words within it."""

    submit_label = "Flag for checking"
    text = forms.CharField(required=False, max_length=5000, label="Words to check",
                           help_text="Leave empty to flag the whole paragraph.")  # fmt: skip
    span_start = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)
    span_end = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    paragraph = forms.TypedChoiceField(required=False, coerce=int, empty_value=None, widget=forms.RadioSelect)
    kind = forms.ChoiceField(choices=[c for c in Claim.Kind.choices if c[0] not in ("image", "video")])
    attribution = forms.CharField(required=False, max_length=300, help_text="Who made the claim.")
    reason = forms.CharField(required=False, label="Why check it", widget=forms.Textarea(attrs={"rows": 2}))
    priority = forms.TypedChoiceField(choices=Claim.Priority.choices, coerce=int, initial=Claim.Priority.NORMAL)

    def __init__(self, *args, paragraphs=(), **kwargs):
        super().__init__(*args, **kwargs)
        # The paragraph picker is open by default (no JavaScript); flag.js folds it away.
        self.helper.layout = Layout(
            "text", "span_start", "span_end",
            HTML('<details open id="paragraph-picker" class="mb-3">'),
            HTML("<summary>No selection? Choose a paragraph</summary>"),
            "paragraph",
            HTML("</details>"),
            "kind", "attribution", "reason", "priority",
        )  # fmt: skip
        self.paragraphs = {p.index: p for p in paragraphs}
        self.fields["paragraph"].choices = [
            (p.index, p.text[:140] + ("…" if len(p.text) > 140 else "")) for p in paragraphs
        ]

    def clean(self):
        data = super().clean()
        start, end = data.get("span_start"), data.get("span_end")
        if start is not None and end is not None:
            if not data.get("text"):
                self.add_error("text", "Select the words to check in the article.")
            return data
        if data.get("paragraph") is None:
            raise forms.ValidationError("Select words in the article, or choose a paragraph.")
        return data


class MediaFlagForm(_ActionForm):
    submit_label = "Flag this media"
    # (A field named "media" hides Form.media, the form's assets; this form has none.)
    media = forms.ModelChoiceField(  # type: ignore[assignment]
        queryset=Media.objects.none(), widget=forms.HiddenInput
    )
    text = forms.CharField(max_length=5000, label="What it is said to show",
                           widget=forms.Textarea(attrs={"rows": 2}))  # fmt: skip
    reason = forms.CharField(required=False, label="Why check it", widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, article=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["media"].queryset = Media.objects.filter(article=article)


class AssignForm(_ActionForm):
    submit_label = "Assign"
    reviewer = forms.ModelChoiceField(queryset=get_user_model().objects.none())
    due_at = forms.DateTimeField(
        required=False, label="Due", widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    note = forms.CharField(required=False, max_length=2000)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reviewer"].queryset = reviewer_choices()

    def clean_due_at(self):
        due = self.cleaned_data["due_at"]
        if due is not None and due <= timezone.now():
            raise forms.ValidationError("The due date must be in the future.")
        return due

    def workflow_inputs(self) -> dict:
        """The keyword arguments of ``workflow.perform``."""
        data = self.cleaned_data
        return {"reviewer": data["reviewer"], "due_at": data["due_at"], "note": data["note"]}


class EvidenceForm(_ActionForm):
    submit_label = "Add evidence"
    url = forms.URLField(required=False, max_length=1000, label="Link", assume_scheme="https")
    description = forms.CharField(required=False, label="What it shows", widget=forms.Textarea(attrs={"rows": 2}))

    def clean(self):
        data = super().clean()
        if not data.get("url") and not (data.get("description") or "").strip() and not self.errors:
            raise forms.ValidationError("Give a link or say what the evidence shows.")
        return data


class TagsForm(_ActionForm):
    submit_label = "Save topics"
    submit_class = "btn-outline-primary"
    tags = forms.CharField(
        required=False, max_length=800, label="Topics", help_text="Separated by commas, e.g. elections, health."
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.claim is not None and not self.is_bound:
            self.initial["tags"] = ", ".join(t.name for t in self.claim.tags.all())

    def names(self) -> list[str]:
        return [n for n in self.cleaned_data["tags"].split(",") if n.strip()]


class CommentForm(_ActionForm):
    submit_label = "Comment"
    submit_class = "btn-outline-primary"
    body = forms.CharField(label="Comment", max_length=10_000, widget=forms.Textarea(attrs={"rows": 2}))


class VerdictForm(_ActionForm):
    submit_label = "Submit for approval"
    # No preset: a reviewer who skipped the field would publish whatever came first.
    rating = forms.ModelChoiceField(queryset=Rating.objects.all(), empty_label="Choose a rating…")
    summary = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), max_length=10_000)
    evidence_url = forms.URLField(required=False, max_length=1000, label="Source link", assume_scheme="https")
    evidence_description = forms.CharField(required=False, label="What the source shows",
                                           widget=forms.Textarea(attrs={"rows": 2}))  # fmt: skip
    media_authenticity = forms.ChoiceField(
        required=False,
        label="What the photo or video is",
        choices=[("", "Not rated"), *MEDIA_AUTHENTICITY],
        help_text="Published as schema.org MediaReview.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.claim is not None and self.claim.kind not in (Claim.Kind.IMAGE, Claim.Kind.VIDEO):
            del self.fields["media_authenticity"]

    def evidence(self) -> list[dict]:
        url, description = self.cleaned_data.get("evidence_url", ""), self.cleaned_data.get("evidence_description", "")
        return [{"url": url or "", "description": description or ""}] if (url or description) else []

    def workflow_inputs(self) -> dict:
        data = self.cleaned_data
        return {
            "rating": data["rating"], "summary": data["summary"], "evidence": self.evidence(),
            "media_authenticity": data.get("media_authenticity", ""),
        }  # fmt: skip


class CorrectForm(VerdictForm):
    submit_label = "Propose correction"
    reason = forms.CharField(label="Why the verdict changes", widget=forms.Textarea(attrs={"rows": 2}), max_length=5000)

    def workflow_inputs(self) -> dict:
        return {**super().workflow_inputs(), "reason": self.cleaned_data["reason"]}


class NoteForm(_ActionForm):
    note = forms.CharField(required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, label="Confirm", required=False, css="btn-primary", **kwargs):
        self.submit_label, self.submit_class = label, css
        super().__init__(*args, **kwargs)
        self.fields["note"].required = required

    def workflow_inputs(self) -> dict:
        return {"note": self.cleaned_data["note"]}
