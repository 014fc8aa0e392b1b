"""The form for a photo or video sent to the newsroom on its own."""

from django import forms


class MediaSubmitForm(forms.Form):
    file = forms.FileField(required=False, label="Photo or video", help_text="JPEG, PNG, GIF, WebP, MP4 or WebM.")
    url = forms.URLField(
        required=False, max_length=1000, label="…or the image's address", assume_scheme="https",
        help_text="Fetched through the desk's safe fetcher.",
    )  # fmt: skip
    claim_text = forms.CharField(
        required=False, max_length=5000, label="What it is said to show",
        widget=forms.Textarea(attrs={"rows": 2}), help_text="The claim it carries; the caption if left empty.",
    )  # fmt: skip
    caption = forms.CharField(required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    source_url = forms.URLField(required=False, max_length=1000, label="Where it was seen", assume_scheme="https")
    note = forms.CharField(required=False, max_length=5000, label="Note", widget=forms.Textarea(attrs={"rows": 2}))

    def clean(self):
        data = super().clean()
        if not data.get("file") and not data.get("url") and not self.errors:
            raise forms.ValidationError("Choose a file, or give an image's address.")
        if data.get("file") and data.get("url"):
            raise forms.ValidationError("Give a file or an address, not both.")
        return data
