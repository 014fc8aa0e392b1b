from django.apps import AppConfig
from django.db.models.signals import post_migrate


def create_cache_table(sender, using: str = "default", verbosity: int = 1, **kwargs) -> None:
    """The database cache (the default shared cache, settings.CACHES) needs its table: `migrate`
    creates it, on every database it migrates, whenever it is missing (Redis needs none)."""
    from django.core.management import call_command

    call_command("createcachetable", database=using, verbosity=1 if verbosity >= 2 else 0)


class FactcheckConfig(AppConfig):
    name = "factcheck"
    verbose_name = "Fact-check desk"

    def ready(self) -> None:
        # Registers the background tasks, which the domain queues by name (factcheck.background).
        from factcheck import tasks  # noqa: F401

        post_migrate.connect(create_cache_table, sender=self, dispatch_uid="factcheck_create_cache_table")
