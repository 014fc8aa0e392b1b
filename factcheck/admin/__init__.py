"""The back office (Django admin), one module per area."""

from factcheck.admin import articles, catalogue, claims, library, media, notifications, webhooks  # noqa: F401 - registers the model admins
