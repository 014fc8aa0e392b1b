"""Editors' and reviewers' forms (crispy-forms, Bootstrap 5)."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError

from factcheck.importing.pipeline import too_long_message

MAX_UPLOAD_BYTES = 5_000_000
MAX_URLS = 20


class _CrispyForm(forms.Form):
    submit_label = "Import"
    form_name = ""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", self.form_name)
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.add_input(Submit("form", self.submit_label.replace(" ", "\u00a0"), css_class="btn-primary"))


class PasteForm(_CrispyForm):
    form_name = "paste"
    submit_label = "Import text"
    title = forms.CharField(max_length=500, required=False, help_text="Leave empty to use the first line.")
    body = forms.CharField(widget=forms.Textarea(attrs={"rows": 12}), label="Article text")
    url = forms.URLField(max_length=1000, required=False, label="URL", assume_scheme="https")
    outlet = forms.CharField(max_length=200, required=False)
    byline = forms.CharField(max_length=500, required=False)
    published_at = forms.DateTimeField(
        required=False, label="Published", widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # ARTICLE_MAX_CHARS, read now (not when the module loads), with the pipeline's sentence.
        self.fields["body"].widget.attrs["maxlength"] = str(settings.ARTICLE_MAX_CHARS)

    def clean_body(self) -> str:
        body = self.cleaned_data["body"]
        if len(body) > settings.ARTICLE_MAX_CHARS:
            raise ValidationError(too_long_message(len(body)), code="max_length")
        return body


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".txt,.md,.html,.htm,.json,.jsonl"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data]
        cleaned = [super(MultipleFileField, self).clean(f, initial) for f in files if f]
        if not cleaned:
            raise ValidationError("Choose at least one file.", code="required")
        return cleaned


class UploadForm(_CrispyForm):
    form_name = "upload"
    submit_label = "Upload"
    # The form metaclass moves declared fields into base_fields, so this does not shadow
    # BaseForm.files (the uploaded files) at run time; the stub cannot express that.
    files = MultipleFileField(  # type: ignore[assignment]
        allow_empty_file=True,  # the pipeline says "empty" for that file, and imports the others
        help_text=".txt, .md, .html (a saved page), .json or .jsonl; 5 MB each at most.",
    )

    def clean_files(self):
        files = self.cleaned_data["files"]
        for upload in files:
            if upload.size > MAX_UPLOAD_BYTES:
                raise ValidationError(f"{upload.name} is larger than 5 MB.")
        return files


class UrlForm(_CrispyForm):
    form_name = "url"
    submit_label = "Fetch and import"
    urls = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4, "placeholder": "https://…"}),
        label="URLs",
        help_text=f"One http(s) address a line, {MAX_URLS} at most.",
    )

    def clean_urls(self):
        lines = [line.strip() for line in self.cleaned_data["urls"].splitlines() if line.strip()]
        if len(lines) > MAX_URLS:
            raise ValidationError(f"At most {MAX_URLS} URLs at once ({len(lines)} given).")
        validate = forms.URLField(assume_scheme="https")
        for line in lines:
            if not line.lower().startswith(("http://", "https://")):
                raise ValidationError(f"{line[:100]} is not an http(s) address.")
            try:
                validate.clean(line)
            except ValidationError:
                raise ValidationError(f"{line[:100]} is not a valid URL.") from None
        return lines


class FeedForm(_CrispyForm):
    form_name = "feed"
    submit_label = "Add feed and poll"
    url = forms.URLField(max_length=1000, label="Feed URL", assume_scheme="https", help_text="RSS or Atom.")
    outlet = forms.CharField(max_length=200, required=False)


IMPORT_FORMS = {form.form_name: form for form in (PasteForm, UploadForm, UrlForm, FeedForm)}
