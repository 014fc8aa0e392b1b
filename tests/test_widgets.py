"""The quick form renderer (factcheck/widgets.py, FORM_RENDERER) writes the markup Django's widget
templates write, for every widget it takes over; the others still go through the templates."""

import re

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates

from factcheck.widgets import QUICK, QuickRenderer

CHOICES = [("", "---------"), ("a", "Alpha & <b>"), ("b", 'Beta "quoted"'), (3, "Three")]
ATTRS = {"id": "id_f", "class": "form-control", "data-x": "1", "required": True, "disabled": False}


def same(html: str) -> str:
    """Markup with whitespace collapsed around tags, as a browser shows it."""
    return re.sub(r"\s*([<>])\s*", r"\1", re.sub(r"\s+", " ", html.strip()))


WIDGETS = [
    (forms.TextInput, ["", "plain", 'a "quote" & <tag>', None]),
    (forms.EmailInput, ["a@example.org", None]),
    (forms.URLInput, ["https://example.org/?a=1&b=2"]),
    (forms.NumberInput, [3, None]),
    (forms.PasswordInput, ["secret"]),
    (forms.HiddenInput, ["x"]),
    (forms.DateInput, ["2026-11-30"]),
    (forms.DateTimeInput, ["2026-11-30 12:00"]),
    (forms.CheckboxInput, [True, False, None]),
    (forms.Textarea, ["", "line 1\nline <2> & 3", None]),
    (lambda attrs: forms.Select(attrs=attrs, choices=CHOICES), [None, "", "a", 3]),
    (lambda attrs: forms.SelectMultiple(attrs=attrs, choices=CHOICES), [None, ["a", "b"]]),
    (lambda attrs: forms.CheckboxSelectMultiple(attrs=attrs, choices=CHOICES), [None, ["a", 3]]),
    (lambda attrs: forms.RadioSelect(attrs=attrs, choices=CHOICES), [None, "b"]),
    (lambda attrs: forms.NullBooleanSelect(attrs=attrs), [None, True, False, "unknown"]),
]


@pytest.mark.parametrize(("make", "values"), WIDGETS)
def test_each_widget_renders_as_django_renders_it(make, values):
    for value in values:
        widget = make(attrs=dict(ATTRS))
        mine = widget.render("f", value, attrs={"aria-label": "F"}, renderer=QuickRenderer())
        theirs = widget.render("f", value, attrs={"aria-label": "F"}, renderer=DjangoTemplates())
        assert same(mine) == same(theirs), (make, value)
        assert "<tag>" not in mine and "<b>" not in mine


def test_option_groups_and_other_widgets_go_to_the_templates():
    grouped = forms.Select(choices=[("Group", [("a", "A")]), ("b", "B")])
    assert "<optgroup" in grouped.render("f", "a", renderer=QuickRenderer())
    assert 'type="file"' in forms.ClearableFileInput().render("f", None, renderer=QuickRenderer())
    assert "django/forms/widgets/file.html" not in QUICK


def test_the_desk_uses_it(settings):
    assert settings.FORM_RENDERER == "factcheck.widgets.QuickRenderer"
