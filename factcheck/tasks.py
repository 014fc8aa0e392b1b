"""Background work: thin wrappers around domain functions, run by django-tasks
(in-process by default; `manage.py db_worker` with TASKS_BACKEND=database)."""

from django_tasks import task

from factcheck import notifications


@task()
def notify_event(event_id: int) -> int:
    return notifications.send_for_event(event_id)
