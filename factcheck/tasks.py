"""Background work: thin wrappers around domain functions, run by django-tasks
(in-process by default; `manage.py db_worker` with TASKS_BACKEND=database)."""

from django_tasks import task

from factcheck import importing, notifications, webhooks


@task()
def notify_event(event_id: int) -> int:
    return notifications.send_for_event(event_id)


@task()
def import_url_task(record_id: int) -> str:
    return importing.run_url_import(record_id)


@task()
def poll_feed_task(feed_id: int) -> dict:
    return importing.poll_and_record(feed_id)


@task()
def deliver_webhook(delivery_id: str) -> str:
    """One attempt of a webhook delivery; a failed one is retried by a deferred task when the
    backend can defer, else by `manage.py deliver_webhooks`."""
    return webhooks.deliver(delivery_id, retry_with=deliver_webhook)
