"""A person's own settings: which workflow events they get emails about."""

from django import forms

from factcheck.transitions import TABLE, Audience

# The events that email somebody, and whom (from the transition table).
EMAILED = [row for row in TABLE.values() if row.audience is not Audience.NOBODY]


class EmailChoicesForm(forms.Form):
    """One checkbox per event that emails people; unticked means no email about it."""

    def __init__(self, *args, choices: dict[str, bool], **kwargs):
        super().__init__(*args, **kwargs)
        for row in EMAILED:
            self.fields[row.action.value] = forms.BooleanField(
                required=False,
                initial=choices.get(row.action.value, True),
                label=f"{row.action.label}",
                help_text=f"{row.summary}. Sent to {row.audience}.",
            )

    def choices(self) -> dict[str, bool]:
        return {name: bool(value) for name, value in self.cleaned_data.items()}
