"""``clip``: Django's ``truncatechars`` without its cost on list pages (issue 14).

``truncatechars`` walks every character through unicodedata and looks the ellipsis up in the
translation catalogue each time: 0.2 ms a call, three calls a claim, 15 ms on a page of 25
claims. ``clip`` cuts at ``length`` characters, the ellipsis included, as truncatechars does for
text without combining characters. Registered as a builtin (TEMPLATES' ``builtins``)."""

from django import template

register = template.Library()


@register.filter(is_safe=True)
def clip(value, length: int) -> str:
    text = "" if value is None else str(value)
    try:
        length = int(length)
    except (TypeError, ValueError):
        return text
    if length < 1 or len(text) <= length:
        return text
    return text[: length - 1] + "…"
