"""A form renderer that writes the common widgets' HTML in Python (``FORM_RENDERER``).

Django renders every widget through templates: a select includes a template per option and an
attribute template per option, a row of checkboxes one per box. At 100,000 claims that was most of
the claims page's filters (22 ms of the page, issue 14). ``QuickRenderer`` writes the same markup
for inputs, text areas, selects and rows of checkboxes or radio buttons directly, and leaves
everything else (file inputs, date selects, multi-widgets, option groups) to Django's templates.

``tests/test_widgets.py`` renders each widget both ways and compares them."""

from collections.abc import Callable

from django.forms.renderers import DjangoTemplates
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

W = "django/forms/widgets/"
INPUTS = ("text", "email", "url", "number", "password", "hidden", "date", "datetime", "time", "search", "tel",
          "color", "checkbox", "input")  # fmt: skip


def attributes(attrs: dict) -> SafeString:
    """As Django's attrs.html: in order, none for False, the bare name for True."""
    return format_html_join(
        "", "{}", ((format_html(" {}", name) if value is True else format_html(' {}="{}"', name, str(value)),)
                   for name, value in attrs.items() if value is not False),
    )  # fmt: skip


def _input(widget: dict) -> SafeString:
    value = "" if widget["value"] is None else format_html(' value="{}"', str(widget["value"]))
    return format_html(
        '<input type="{}" name="{}"{}{}>', widget["type"], widget["name"], value, attributes(widget["attrs"])
    )


def _textarea(widget: dict) -> SafeString:
    return format_html(
        '<textarea name="{}"{}>\n{}</textarea>', widget["name"], attributes(widget["attrs"]), widget["value"] or ""
    )


def _select(widget: dict) -> SafeString | None:
    if any(group for group, _, _ in widget["optgroups"]):
        return None  # option groups: Django's template
    options = format_html_join(
        "", '<option value="{}"{}>{}</option>',
        ((str(o["value"]), attributes(o["attrs"]), o["label"]) for _, group, _ in widget["optgroups"] for o in group),
    )  # fmt: skip
    return format_html('<select name="{}"{}>{}</select>', widget["name"], attributes(widget["attrs"]), options)


def _choices(widget: dict) -> SafeString | None:
    """A row of checkboxes or radio buttons (multiple_input.html with input_option.html)."""
    if any(group for group, _, _ in widget["optgroups"]):
        return None
    rows = []
    for _, group, _ in widget["optgroups"]:
        for option in group:
            box = _input(option)
            if option.get("wrap_label"):
                label_for = format_html(' for="{}"', option["attrs"]["id"]) if option["attrs"].get("id") else ""
                box = format_html("<label{}>{} {}</label>", label_for, box, option["label"])
            rows.append(format_html("<div>{}</div>", box))
    outer = "".join(
        format_html(' {}="{}"', key, widget["attrs"][key]) for key in ("id", "class") if widget["attrs"].get(key)
    )
    return format_html("<div{}>{}</div>", mark_safe(outer), mark_safe("".join(rows)))  # noqa: S308 - escaped above


QUICK: dict[str, Callable[[dict], SafeString | None]] = {
    **{f"{W}{name}.html": _input for name in INPUTS},
    f"{W}textarea.html": _textarea,
    f"{W}select.html": _select,
    f"{W}checkbox_select.html": _choices,
    f"{W}radio.html": _choices,
}


class QuickRenderer(DjangoTemplates):
    def render(self, template_name, context, request=None):
        quick = QUICK.get(template_name)
        if quick is not None and "widget" in context:
            html = quick(context["widget"])
            if html is not None:
                return html
        return super().render(template_name, context, request)
