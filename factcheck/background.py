"""Queueing background work from the domain without importing the tasks module.

``factcheck.tasks`` defines the django-tasks tasks (thin wrappers around domain
functions) and registers each here under a name when the app is ready; the
domain queues them by that name, after the current transaction commits. So the
tasks call the domain and the domain never imports them: no import cycle."""

import threading
from concurrent import futures
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from django import db
from django.conf import settings
from django.db import transaction
from django_tasks.backends.immediate import ImmediateBackend
from django_tasks.base import Task, TaskResult, TaskResultStatus
from django_tasks.exceptions import TaskResultDoesNotExist
from django_tasks.utils import get_random_id

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


class ThreadBackend(ImmediateBackend):
    """The default task backend (TASKS_BACKEND=thread): each task runs in a small pool of threads
    in the process that queued it, so the request that queued it returns at once — a URL import
    never holds a request while it fetches. Nothing is stored: a task whose process stops
    mid-way is lost, so what must finish keeps its own record (a queued ImportRecord, an outbox
    delivery) that a command retries (``retry_imports``, ``deliver_webhooks``). For several
    machines, or work that must survive a restart, use TASKS_BACKEND=database and db_worker."""

    supports_get_result = True

    def __init__(self, alias: str, params: dict):
        super().__init__(alias, params)
        self._results: dict[str, tuple[TaskResult, Future]] = {}
        self._lock = threading.Lock()
        self._pool: ThreadPoolExecutor | None = None

    def _executor(self) -> ThreadPoolExecutor:
        with self._lock:
            if self._pool is None:
                workers = int(self.options.get("THREADS", getattr(settings, "TASKS_THREADS", 4)))
                self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="factcheck-task")
            return self._pool

    def _run(self, result: TaskResult) -> None:
        db.close_old_connections()
        try:
            self._execute_task(result)
        finally:
            db.connections.close_all()  # this thread's connections: a pool thread lives on

    def enqueue(self, task: Task, args, kwargs) -> TaskResult:
        self.validate_task(task)
        result: TaskResult = TaskResult(
            task=task, id=get_random_id(), status=TaskResultStatus.READY, enqueued_at=None, started_at=None,
            last_attempted_at=None, finished_at=None, args=args, kwargs=kwargs, backend=self.alias, errors=[],
            worker_ids=[],
        )  # fmt: skip
        future = self._executor().submit(self._run, result)
        with self._lock:
            self._results = {k: v for k, v in self._results.items() if not v[1].done()}  # keep the running ones
            self._results[result.id] = (result, future)
        return result

    def get_result(self, result_id: str) -> TaskResult:
        with self._lock:
            if result_id not in self._results:
                raise TaskResultDoesNotExist(result_id)
            return self._results[result_id][0]

    def wait(self, result: TaskResult, timeout: float | None = None) -> None:
        with self._lock:
            entry = self._results.get(result.id)
        if entry is not None:
            futures.wait([entry[1]], timeout=timeout)


def wait(result: TaskResult, timeout: float | None = None) -> TaskResult:
    """Wait for a task that runs in this process (thread backend) to finish; other backends
    (immediate: finished already; database: a worker's business) return at once."""
    from django_tasks import task_backends

    backend = task_backends[result.backend]
    if isinstance(backend, ThreadBackend):
        backend.wait(result, timeout)
    return result
