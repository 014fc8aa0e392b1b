"""The one field two-factor pages ask for: a code."""

from django import forms


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Code",
        max_length=32,
        strip=True,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "spellcheck": "false"}),
        help_text="The 6 digits your authenticator app shows now, or one of your recovery codes.",
    )

    def __init__(self, *args, autofocus: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if autofocus:  # not on the page where the field only turns two-factor off
            self.fields["code"].widget.attrs["autofocus"] = True
