"""Untrusted HTML is cleaned (nh3) and read (trafilatura) in a child process with a time budget.

Both libraries can be made to work for minutes by markup built for it (nested or re-opened
formatting elements, tens of thousands of elements); a thread cannot be stopped, a process can.
The work goes to a child forked from this process (copy-on-write: the libraries are loaded
already) that stays alive between calls and serves them one at a time through a pipe; it is
killed when a call's budget runs out (the caller gets ``TimedOut``) or when it dies, and the next
call forks a fresh one. Forking for every call, as this module first did, cost 40-100 ms a page,
as much as the reading itself (issue 14). Each process keeps up to ``IDLE_WORKERS`` children
idle, so threads importing at once each get one."""

import logging
import multiprocessing
import os
import threading
from collections.abc import Callable
from typing import Any

import nh3
import trafilatura

log = logging.getLogger(__name__)


class TimedOut(Exception):
    """The work did not finish within its budget; the child was killed."""


class Crashed(Exception):
    """The child died or raised; ``str(error)`` says how."""


# --- What runs in the child -------------------------------------------------------------------


def clean(markup: str, tags: set[str], attributes: dict[str, set[str]], url_schemes: set[str]) -> str:
    return nh3.clean(
        markup,
        tags=tags,
        attributes=attributes,
        url_schemes=url_schemes,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )


def _blocks(tree) -> list[str]:
    """Text blocks of trafilatura's XML body, in order."""
    blocks: list[str] = []
    for element in tree:
        if element.tag == "list":
            items = [" ".join("".join(item.itertext()).split()) for item in element.iter("item")]
            blocks.extend(item for item in items if item)
        elif element.tag in ("p", "head", "quote", "table"):
            text = " ".join("".join(element.itertext()).split())
            if text:
                blocks.append(text)
    return blocks


# fast=True skips trafilatura's fallback extractors (readability, jusText): 10-40% faster, and on
# every saved page in tests/fixtures/articles the same text and metadata, field by field
# (tests/test_import_robustness.py checks it; issue 14).
READ_OPTIONS: dict[str, Any] = {
    "include_images": True,
    "include_tables": True,
    "with_metadata": True,
    "favor_recall": True,
}


def read_page(markup: str, url: str) -> dict[str, Any] | None:
    """trafilatura's reading of a page as plain data (lxml trees do not cross processes):
    metadata, the main text's blocks, and the images it kept (src, alt or title)."""
    doc = trafilatura.bare_extraction(markup, url=url or None, fast=True, **READ_OPTIONS)
    if doc is None:
        return None
    assert not isinstance(doc, dict)  # a dict only with as_dict=True
    body = doc.body
    return {
        "url": doc.url or "", "title": doc.title or "", "author": doc.author or "", "date": doc.date or "",
        "sitename": doc.sitename or "", "language": doc.language or "", "image": doc.image or "",
        "blocks": _blocks(body) if body is not None else [],
        "graphics": [
            (g.get("src") or "", (g.get("alt") or g.get("title") or "").strip()) for g in body.iter("graphic")
        ] if body is not None else [],
    }  # fmt: skip


WORK: dict[str, Callable[..., Any]] = {"clean": clean, "read_page": read_page}


def _serve(connection, parent_end, parent: int) -> None:
    """A worker child: run each request it receives until the parent goes away.

    It closes its copy of the parent's end of the pipe (a fork copies every descriptor), so that
    the parent's death is an end of file here, and it checks every few seconds that its parent
    is still the one that forked it (another child may hold that end open)."""
    parent_end.close()
    while True:
        try:
            while not connection.poll(5):
                if os.getppid() != parent:
                    return
            name, args = connection.recv()
        except (EOFError, OSError):
            return
        try:
            outcome: tuple[str, Any] = ("ok", WORK[name](*args))
        except Exception as error:  # noqa: BLE001 - reported to the parent, which decides
            outcome = ("error", f"{type(error).__name__}: {error}")
        connection.send(outcome)


def _child(connection, name: str, args: tuple) -> None:
    try:
        outcome: tuple[str, Any] = ("ok", WORK[name](*args))
    except Exception as error:  # noqa: BLE001 - reported to the parent, which decides
        outcome = ("error", f"{type(error).__name__}: {error}")
    connection.send(outcome)
    connection.close()


# --- The parent's side ------------------------------------------------------------------------

# fork, not spawn or forkserver: those re-import the main module (gunicorn, manage.py, pytest)
# in every child, which costs more than the work. The child touches nothing it inherited (no
# database connection, no file) and leaves with os._exit.
_context = multiprocessing.get_context("fork")


IDLE_WORKERS = 4
_ORIGINAL_WORK = dict(WORK)  # a test that swaps a function in gets a child forked after the swap
_idle: list["_Worker"] = []
_idle_lock = threading.Lock()
_owner = os.getpid()


class _Worker:
    """A child serving WORK requests (``_serve``), and the parent's end of its pipe."""

    def __init__(self) -> None:
        self.connection, child_end = _context.Pipe(duplex=True)
        self.process = _context.Process(target=_serve, args=(child_end, self.connection, os.getpid()), daemon=True)
        self.process.start()
        child_end.close()

    def call(self, name: str, args: tuple, budget: float) -> tuple[str, Any]:
        self.connection.send((name, args))
        if not self.connection.poll(budget):
            raise TimedOut(f"{name} took longer than {budget:g} s")
        return self.connection.recv()

    def close(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join()
        self.connection.close()


def _forget_if_forked() -> None:
    """In a forked process (a gunicorn worker) the idle children are the parent's. Under _idle_lock."""
    global _owner
    if _owner != os.getpid():
        _idle.clear()
        _owner = os.getpid()


def _take() -> "_Worker":
    with _idle_lock:
        _forget_if_forked()
        if _idle:
            return _idle.pop()
    return _Worker()


def _give_back(worker: "_Worker") -> None:
    with _idle_lock:
        if len(_idle) < IDLE_WORKERS and _owner == os.getpid():
            _idle.append(worker)
            return
    worker.close()


def prepare(count: int) -> None:
    """Have at least ``count`` idle children (at most IDLE_WORKERS), forked now, from this thread.
    ``importing.import_files`` calls it before its reader threads start, so that they take children
    forked from a quiet thread instead of forking while other threads parse and write."""
    with _idle_lock:
        _forget_if_forked()
        missing = min(count, IDLE_WORKERS) - len(_idle)
    for _ in range(max(missing, 0)):
        try:
            _give_back(_Worker())
        except OSError:  # no process can be started here: the calls will run in-process
            return


def _run_in_worker(name: str, args: tuple, budget: float) -> tuple[str, Any]:
    for attempt in (1, 2):
        worker = _take()
        try:
            outcome = worker.call(name, args, budget)
        except TimedOut:
            worker.close()
            raise
        except (EOFError, OSError) as error:
            worker.close()
            # An idle child that died meanwhile (killed, out of memory): one more try, on a new one.
            if attempt == 2 or isinstance(error, EOFError) and worker.process.exitcode not in (None, -9, 0):
                raise Crashed(f"{name}: the child process died (exit code {worker.process.exitcode})") from None
            continue
        _give_back(worker)
        return outcome
    raise AssertionError("unreachable")  # pragma: no cover


def _run_in_fresh_child(name: str, args: tuple, budget: float) -> tuple[str, Any]:
    receive, send = _context.Pipe(duplex=False)
    process = _context.Process(target=_child, args=(send, name, args), daemon=True)
    process.start()
    send.close()
    try:
        if not receive.poll(budget):
            raise TimedOut(f"{name} took longer than {budget:g} s")
        return receive.recv()
    except EOFError:
        raise Crashed(f"{name}: the child process died (exit code {process.exitcode})") from None
    finally:
        if process.is_alive():
            process.kill()
        process.join()
        receive.close()


def run(name: str, *args: Any, budget: float) -> Any:
    """``WORK[name](*args)`` in a child process, given at most ``budget`` seconds (0: in this
    process, no budget). Raises TimedOut or Crashed."""
    if budget <= 0:
        return WORK[name](*args)
    swapped = WORK.get(name) is not _ORIGINAL_WORK.get(name)
    try:
        status, value = (_run_in_fresh_child if swapped else _run_in_worker)(name, args, budget)
    except OSError as error:  # no process can be started here (a restricted sandbox): do it in-process
        log.warning("Could not start a child process (%s); %s runs without a time budget.", error, name)
        return WORK[name](*args)
    if status != "ok":
        raise Crashed(value)
    return value
