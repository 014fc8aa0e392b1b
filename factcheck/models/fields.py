"""A link the desk hands on: to the pages, the API, webhooks and ClaimReview (issue 13).

Django's URL validator accepts quotes, angle brackets and the like in a link's path. Templates
escape them, but the API, webhook bodies and ClaimReview carry links as they are, and a CMS
that pastes one into an attribute would be open to injection. So every stored link is
normalised: the characters RFC 3986 never allows unescaped (and the apostrophe, which breaks
single-quoted attributes) are percent-encoded, which keeps the address the same for any
server. Normalising happens when a row is written, by any path (a form, the API, the admin, a
bulk insert or an update), and the database refuses quotes and angle brackets besides
(migration 0018: a check constraint on PostgreSQL, triggers on SQLite).
"""

from django.db import models

# Never valid unescaped in a URI (RFC 3986 §2), plus the apostrophe.
UNSAFE = frozenset("\"'<>`{}|\\^ ")


def normalise_link(value):
    """The link with unsafe characters percent-encoded; anything but a string passes through."""
    if not isinstance(value, str):
        return value
    value = value.strip()
    if not any(c in UNSAFE or ord(c) < 0x20 or ord(c) == 0x7F for c in value):
        return value
    return "".join(
        "".join(f"%{b:02X}" for b in c.encode()) if c in UNSAFE or ord(c) < 0x20 or ord(c) == 0x7F else c for c in value
    )


class LinkField(models.URLField):
    """A URLField whose value is normalised on every write (see the module's docstring)."""

    def deconstruct(self):
        # Stored exactly as a URLField: migrations (and SQLite's table rebuilds, which the
        # span triggers forbid on these tables) see no change; the behaviour is the model's.
        name, _, args, kwargs = super().deconstruct()
        return name, "django.db.models.URLField", args, kwargs

    def pre_save(self, model_instance, add):
        value = normalise_link(getattr(model_instance, self.attname))
        setattr(model_instance, self.attname, value)
        return value

    def get_prep_value(self, value):
        return normalise_link(super().get_prep_value(value))

    def to_python(self, value):
        return normalise_link(super().to_python(value))
