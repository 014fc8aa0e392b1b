"""Queueing background work from the domain without importing the tasks module.

``factcheck.tasks`` defines the django-tasks tasks (thin wrappers around domain
functions) and registers each here under a name when the app is ready; the
domain queues them by that name, after the current transaction commits. So the
tasks call the domain and the domain never imports them: no import cycle."""

from typing import Any

from django.db import transaction

_TASKS: dict[str, Any] = {}


def register(name: str, task: Any) -> Any:
    _TASKS[name] = task
    return task


def task(name: str) -> Any:
    """The django-tasks Task registered under ``name``."""
    try:
        return _TASKS[name]
    except KeyError:
        raise LookupError(f"No background task {name!r}; is factcheck.tasks loaded (AppConfig.ready)?") from None


def enqueue_on_commit(name: str, *args: Any) -> None:
    """Run task ``name`` with ``args`` once the current transaction commits (at once outside one)."""
    queued = task(name)
    transaction.on_commit(lambda: queued.enqueue(*args), robust=True)
