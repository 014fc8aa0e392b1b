"""Django's admin app, installed as this config (INSTALLED_APPS) — the documented way to change
the default admin site — so admin.site is DeskAdminSite, which asks for the second factor. Its
ready() also connects the two-factor check to every login. Nothing here imports a model: app
configs load before the models do."""

from django.contrib.admin.apps import AdminConfig


class DeskAdminConfig(AdminConfig):
    default_site = "factcheck.security.admin_site.DeskAdminSite"

    def ready(self) -> None:
        super().ready()
        from factcheck.security import twofactor  # noqa: F401 - connects its user_logged_in receiver
