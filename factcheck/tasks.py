"""Background work: thin wrappers around domain functions, run by django-tasks
(in-process by default; `manage.py db_worker` with TASKS_BACKEND=database).

Each task is registered in ``factcheck.background`` under a name, so the domain
queues it without importing this module (see ``FactcheckConfig.ready``)."""

from django_tasks import task

from factcheck import background, importing, webhooks
from factcheck.library import matches, sources
from factcheck.media import ingest


@task()
def import_url_task(record_id: int) -> str:
    return importing.run_url_import(record_id)


@task()
def poll_feed_task(feed_id: int) -> dict:
    return importing.poll_and_record(feed_id)


@task()
def deliver_webhook(delivery_id: str) -> str:
    """One attempt of an outbox delivery (CMS webhook, chat message or email); a failed one is
    retried by a deferred task when the backend can defer, else by `manage.py deliver_webhooks`."""
    return webhooks.deliver(delivery_id, retry_with=deliver_webhook)


@task()
def fetch_media_task(media_id: int) -> str:
    """Fetch and keep a photo or video of an article (or retry one that failed)."""
    return ingest.fetch_and_store(media_id)


@task()
def match_claims_task(claim_ids: list[int]) -> int:
    """Look claims up in the fact-check library and keep their best matches."""
    return matches.store_for(claim_ids)


@task()
def poll_library_feed_task(feed_id: int) -> dict:
    """Read a subscribed ClaimReview feed into the library."""
    return sources.poll(feed_id)


background.register(importing.IMPORT_URL_TASK, import_url_task)
background.register(matches.MATCH_TASK, match_claims_task)
background.register(sources.POLL_TASK, poll_library_feed_task)
background.register(ingest.FETCH_TASK, fetch_media_task)
background.register(importing.POLL_FEED_TASK, poll_feed_task)
background.register(webhooks.DELIVERY_TASK, deliver_webhook)
