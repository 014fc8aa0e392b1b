"""Issue 13, point 4: a URL import never holds the request that asked for it (the default task
backend runs it in a thread of the process), and one whose worker stopped is queued again, or
failed with the reason, once it outlives IMPORT_QUEUE_DEADLINE."""

import threading
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from factcheck import background, importing
from factcheck.models import Article, ImportRecord

from .local_server import LocalServer
from .test_importing import PANJSHIR

THREADS = {"default": {"BACKEND": "factcheck.background.ThreadBackend", "QUEUES": ["default"]}}
PAGE = f"<html><head><title>Panjshir</title></head><body><article><p>{PANJSHIR}</p></article></body></html>"


@pytest.fixture
def server(settings):
    settings.IMPORT_FETCH_ALLOWED_NETWORKS = ["127.0.0.1/32"]
    with LocalServer() as running:
        yield running


def test_the_default_task_backend_runs_tasks_in_threads_of_the_process():
    from newsroom import settings as production  # the tests themselves use the immediate backend

    assert production.TASKS["default"]["BACKEND"] == "factcheck.background.ThreadBackend"


@pytest.mark.django_db(transaction=True)
def test_a_url_import_from_the_page_returns_before_the_site_answers(client, editor_user, server, settings):
    settings.TASKS = THREADS
    site_may_answer, asked = threading.Event(), threading.Event()

    def slow_site():
        asked.set()
        site_may_answer.wait(timeout=30)
        return 200, "text/html; charset=utf-8", PAGE.encode()

    server.routes["/slow"] = slow_site
    client.force_login(editor_user)
    response = client.post(reverse("factcheck:import"), {"source": "url", "url-urls": server.url("/slow")})
    assert response.status_code == 302  # answered while the site has not: the fetch runs elsewhere
    assert asked.wait(timeout=10)
    record = ImportRecord.objects.get()
    assert record.outcome == ImportRecord.Outcome.QUEUED and record.started_at is not None
    site_may_answer.set()
    for _ in range(100):
        record.refresh_from_db()
        if record.outcome != ImportRecord.Outcome.QUEUED:
            break
        threading.Event().wait(0.1)
    assert record.outcome == ImportRecord.Outcome.CREATED, record.message
    assert Article.objects.get().title == "Panjshir"


@pytest.mark.django_db(transaction=True)
def test_the_thread_backend_can_be_waited_for(settings, editor_user, server):
    settings.TASKS = THREADS
    server.routes["/page"] = (200, "text/html", PAGE.encode())
    entry = ImportRecord.objects.create(source="url", label=server.url("/page"), queued_at=timezone.now(), attempts=1)
    result = background.wait(background.task(importing.IMPORT_URL_TASK).enqueue(entry.pk), timeout=30)
    assert result.is_finished and result.return_value == "created"


def _queued(url: str, *, minutes_ago: int, attempts: int = 1, started: bool = False) -> ImportRecord:
    then = timezone.now() - timedelta(minutes=minutes_ago)
    return ImportRecord.objects.create(
        source="url", label=url, queued_at=then, started_at=then if started else None, attempts=attempts
    )


def test_a_url_import_left_queued_past_the_deadline_is_queued_again_and_runs(
    server, settings, django_capture_on_commit_callbacks
):
    settings.IMPORT_QUEUE_DEADLINE = 600
    server.routes["/page"] = (200, "text/html", PAGE.encode())
    lost = _queued(server.url("/page"), minutes_ago=11, started=True)  # its worker died mid-way
    waiting = _queued(server.url("/page?again"), minutes_ago=5)  # still within the deadline
    with django_capture_on_commit_callbacks(execute=True):
        assert importing.retry_stale_imports() == {"retried": 1, "failed": 0}
    lost.refresh_from_db()
    waiting.refresh_from_db()
    assert lost.outcome == "created" and lost.attempts == 2
    assert waiting.outcome == "queued" and waiting.attempts == 1


def test_after_the_last_attempt_it_is_failed_with_the_reason(settings):
    settings.IMPORT_QUEUE_DEADLINE, settings.IMPORT_MAX_ATTEMPTS = 600, 3
    never_picked = _queued("https://example.org/a", minutes_ago=11, attempts=3)
    died = _queued("https://example.org/b", minutes_ago=11, attempts=3, started=True)
    out = StringIO()
    call_command("retry_imports", stdout=out)
    assert out.getvalue().strip() == "0 queued again, 2 failed"
    never_picked.refresh_from_db()
    died.refresh_from_db()
    assert never_picked.outcome == died.outcome == "failed"
    assert never_picked.message == (
        "The import was given up after 3 attempt(s) of 10 min each: no task worker picked it up (is "
        "`manage.py db_worker` running?). Import the URL again."
    )
    assert "it started but did not finish (the process running it stopped)" in died.message


def test_a_new_url_import_also_takes_care_of_the_ones_left_behind(settings, editor_user):
    settings.IMPORT_QUEUE_DEADLINE, settings.IMPORT_MAX_ATTEMPTS = 600, 1
    old = _queued("https://example.org/old", minutes_ago=30)
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    importing.queue_url_imports(["https://example.org/new"], user=editor_user)
    old.refresh_from_db()
    assert old.outcome == "failed"


def test_a_run_does_not_start_an_import_another_run_is_doing(settings):
    entry = _queued("https://example.org/a", minutes_ago=1, started=True)
    assert importing.run_url_import(entry.pk) == "skipped"
    entry.refresh_from_db()
    assert entry.outcome == "queued"
