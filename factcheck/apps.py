from django.apps import AppConfig


class FactcheckConfig(AppConfig):
    name = "factcheck"
    verbose_name = "Fact-check desk"

    def ready(self) -> None:
        # Registers the background tasks, which the domain queues by name (factcheck.background).
        from factcheck import tasks  # noqa: F401
