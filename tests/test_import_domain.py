"""The importing domain's request functions: the same ImportRecords as the import page,
and no import of the task module (or of any face) from the domain."""

import ast
import re
from io import StringIO
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from factcheck import importing
from factcheck.models import Article, Feed, ImportRecord

from .local_server import LocalServer
from .test_importing import PANJSHIR, STORY

IMPORT = reverse("factcheck:import")
DUMMY_TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
IMPORTING = Path(importing.__file__).resolve().parent

# What an ImportRecord says, without its ids and times.
FIELDS = ["source", "label", "outcome", "message", "suggestions", "requested_by", "article__title"]


@pytest.fixture
def server(settings):
    settings.IMPORT_FETCH_ALLOWED_NETWORKS = ["127.0.0.1/32"]
    with LocalServer() as running:
        yield running


def _without_ids(rows) -> list[dict]:
    """A message may name an article by its id (“#3”), which differs from one import to the next."""
    return [{**row, "message": re.sub(r"#\d+", "#…", row["message"])} for row in rows]


def _said(records) -> list[dict]:
    return _without_ids(ImportRecord.objects.filter(pk__in=[r.pk for r in records]).order_by("pk").values(*FIELDS))


def _said_by_the_page() -> list[dict]:
    return _without_ids(ImportRecord.objects.order_by("pk").values(*FIELDS))


def _forget_imports() -> None:
    ImportRecord.objects.all().delete()
    Article.objects.all().delete()


def test_import_pasted_records_what_the_page_records(client, editor_user):
    client.force_login(editor_user)
    client.post(IMPORT, {"source": "paste", "paste-body": PANJSHIR, "paste-outlet": "CNN"})
    by_page = _said_by_the_page()
    _forget_imports()

    records = importing.import_pasted(
        title="", body=PANJSHIR, url="", outlet="CNN", byline="", published_at=None, user=editor_user
    )
    assert len(records) == 1 and isinstance(records[0], ImportRecord)
    assert _said(records) == by_page
    assert records[0].source == Article.Source.PASTE and records[0].outcome == ImportRecord.Outcome.CREATED
    article = Article.objects.get()
    assert article.outlet == "CNN" and article.imported_by == editor_user and article.claims.count() > 5


def test_import_pasted_takes_the_page_fields(editor_user):
    (record,) = importing.import_pasted(
        title="Mayor denies injuries",
        body=STORY,
        url="https://example.org/mayor",
        outlet="Wire",
        byline="A. Reporter",
        published_at="2024-05-01T10:00:00",
        user=editor_user,
    )
    assert record.outcome == ImportRecord.Outcome.CREATED and record.label == "Mayor denies injuries"
    article = record.article
    assert (article.title, article.url, article.outlet, article.byline) == (
        "Mayor denies injuries",
        "https://example.org/mayor",
        "Wire",
        "A. Reporter",
    )
    assert article.published_at is not None and article.published_at.year == 2024

    (again,) = importing.import_pasted(title="Mayor denies injuries", body=STORY, user=editor_user)
    assert again.outcome == ImportRecord.Outcome.DUPLICATE and Article.objects.count() == 1


def test_a_failed_paste_is_recorded_too(editor_user):
    (record,) = importing.import_pasted(title="", body="   ", user=editor_user)
    assert record.outcome == ImportRecord.Outcome.FAILED and record.message
    assert record.requested_by == editor_user and not Article.objects.exists()


def test_import_uploads_records_what_the_page_records(client, editor_user):
    contents = [
        ("a.txt", ("Story A\n\n" + STORY).encode()),
        ("b.jsonl", b'{"title": "B", "body": "Police said 2 died."}\n{"title": "C"}\n'),
        ("c.txt", b""),
        ("d.txt", ("Story A again\n\n" + STORY).encode()),
    ]
    client.force_login(editor_user)
    files = [SimpleUploadedFile(name, raw) for name, raw in contents]
    client.post(IMPORT, {"source": "upload", "upload-files": files})
    by_page = _said_by_the_page()
    _forget_imports()

    records = importing.import_uploads(contents, user=editor_user)
    assert _said(records) == by_page
    assert [(r.label, r.outcome, r.source) for r in records] == [
        ("a.txt", "created", Article.Source.UPLOAD),
        ("b.jsonl line 1", "created", Article.Source.UPLOAD),
        ("b.jsonl line 2", "failed", Article.Source.UPLOAD),
        ("c.txt", "failed", Article.Source.UPLOAD),
        ("d.txt", "duplicate", Article.Source.UPLOAD),
    ]
    assert all(r.requested_by == editor_user for r in records)


def test_import_uploads_of_one_txt_file(editor_user):
    (record,) = importing.import_uploads([("story.txt", ("A story\n\n" + STORY).encode())], user=editor_user)
    assert (record.label, record.outcome, record.source) == ("story.txt", "created", Article.Source.UPLOAD)
    assert record.article.title == "A story" and record.article.source == Article.Source.UPLOAD


def test_import_uploads_reads_each_file_in_turn(editor_user):
    """A generator of (name, content) pairs is enough: the face need not read every file first."""
    read = []

    def uploads():
        for name in ("one.txt", "two.txt"):
            read.append(name)
            yield name, f"{name} story\n\nThe minister said {len(read)} schools closed.".encode()

    records = importing.import_uploads(uploads(), user=editor_user)
    assert [r.label for r in records] == ["one.txt", "two.txt"] == read
    assert all(r.outcome == "created" for r in records)


def test_queue_url_imports_records_what_the_page_records(client, editor_user, settings):
    settings.TASKS = DUMMY_TASKS
    urls = ["https://example.org/news", "https://example.org/other "]
    client.force_login(editor_user)
    client.post(IMPORT, {"source": "url", "url-urls": "\n".join(urls)})
    by_page = _said_by_the_page()
    _forget_imports()

    records = importing.queue_url_imports(urls, user=editor_user)
    assert _said(records) == by_page
    assert [(r.label, r.outcome, r.source, r.requested_by) for r in records] == [
        ("https://example.org/news", ImportRecord.Outcome.QUEUED, Article.Source.URL, editor_user),
        ("https://example.org/other", ImportRecord.Outcome.QUEUED, Article.Source.URL, editor_user),
    ]
    assert not Article.objects.exists()  # waiting for the worker


def test_queue_url_imports_runs_once_committed(editor_user, server, django_capture_on_commit_callbacks):
    server.routes["/a"] = (200, "text/plain", ("A story\n\n" + STORY).encode())
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        records = importing.queue_url_imports([server.url("/a"), server.url("/missing")], user=editor_user)
    assert len(callbacks) == 2  # one task a URL, queued once the records are committed
    assert [r.outcome for r in records] == [ImportRecord.Outcome.QUEUED] * 2
    for callback in callbacks:
        callback()
    assert [r.outcome for r in ImportRecord.objects.order_by("pk")] == ["created", "failed"]


def test_an_anonymous_request_is_recorded_without_a_requester(db, anonymous, settings):
    settings.TASKS = DUMMY_TASKS
    (pasted,) = importing.import_pasted(title="", body=STORY, user=anonymous)
    (queued,) = importing.queue_url_imports(["https://example.org/x"], user=anonymous)
    assert pasted.requested_by is None and queued.requested_by is None


# --- feeds -------------------------------------------------------------------------

ATOM = (
    b'<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Atom wire</title>'
    b"<entry><title>Police say 3 hurt</title><id>urn:1</id><summary>Police said 3 were hurt.</summary></entry>"
    b"</feed>"
)


def test_poll_feed_now_runs_the_poll_task_and_returns_its_result(db, server, editor_user):
    server.routes["/f"] = (200, "application/atom+xml", ATOM)
    feed = Feed.objects.create(url=server.url("/f"), added_by=editor_user)
    result = importing.poll_feed_now(feed)  # the immediate backend of the tests runs it at once
    assert result.is_finished and result.status == "SUCCESSFUL"
    assert result.return_value == {"created": 1}
    record = ImportRecord.objects.get()
    assert record.source == Article.Source.FEED and record.requested_by == editor_user


def test_poll_feed_now_only_queues_with_a_queueing_backend(db, settings):
    settings.TASKS = DUMMY_TASKS
    feed = Feed.objects.create(url="https://example.org/feed.xml")
    result = importing.poll_feed_now(feed)
    assert not result.is_finished and result.args == [feed.pk]
    assert not ImportRecord.objects.exists()


def test_the_poll_feeds_command_only_queues_with_a_queueing_backend(db, settings):
    settings.TASKS = DUMMY_TASKS
    Feed.objects.create(url="https://example.org/feed.xml", title="Queued wire")
    out = StringIO()
    call_command("poll_feeds", stdout=out, stderr=StringIO())
    assert "Queued wire: queued" in out.getvalue()


def test_active_feeds_leaves_out_the_paused_ones(db):
    on = Feed.objects.create(url="https://example.org/on.xml")
    Feed.objects.create(url="https://example.org/off.xml", active=False)
    assert importing.active_feeds() == [on]


def test_the_admin_polls_the_selected_feeds(admin_client, server):
    server.routes["/f"] = (200, "application/atom+xml", ATOM)
    feed = Feed.objects.create(url=server.url("/f"))
    response = admin_client.post(
        reverse("admin:factcheck_feed_changelist"),
        {"action": "poll_now", "_selected_action": [feed.pk]},
        follow=True,
    )
    assert "Polling 1 feed(s)" in response.content.decode()
    assert Article.objects.get().title == "Police say 3 hurt"


def test_the_task_names_are_the_registered_ones():
    from factcheck import background

    assert (importing.IMPORT_URL_TASK, importing.POLL_FEED_TASK) == ("import_url", "poll_feed")
    assert background.task(importing.IMPORT_URL_TASK).name == "import_url_task"
    assert background.task(importing.POLL_FEED_TASK).name == "poll_feed_task"


# --- layering ----------------------------------------------------------------------

FACES = ("factcheck.tasks", "factcheck.views", "factcheck.forms", "factcheck.admin", "factcheck.api")
FACES += ("factcheck.management",)


def _imported_modules(path: Path) -> set[str]:
    """Every module a source file imports, ``from a import b`` giving both a and a.b."""
    package = "factcheck.importing"
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative to this package
                parent = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{parent}.{base}" if base else parent
            names.add(base)
            names.update(f"{base}.{alias.name}" for alias in node.names)
    return names


def test_the_importing_domain_never_imports_the_tasks_module():
    sources = sorted(IMPORTING.rglob("*.py"))
    assert IMPORTING / "records.py" in sources
    for path in sources:
        text = path.read_text(encoding="utf-8")
        assert "factcheck import tasks" not in text, path
        assert "factcheck.tasks" not in text, path
        assert "import_url_task" not in text and "poll_feed_task" not in text, path


def test_the_importing_domain_imports_no_face():
    for path in sorted(IMPORTING.rglob("*.py")):
        faces = {name for name in _imported_modules(path) if name.startswith(FACES)}
        assert not faces, f"{path.name} imports {sorted(faces)}"


# --- a batch of files read ahead (issue 14) -------------------------------------------------

SAVED_PAGES = sorted((Path(__file__).parent / "fixtures" / "articles").glob("*.html"))


def _batch() -> list[tuple[str, bytes | importing.ImportFailed]]:
    return [
        *((page.name, page.read_bytes()) for page in SAVED_PAGES[:3]),
        ("missing.txt", importing.ImportFailed("No such file.")),
        ("b.jsonl", b'{"title": "B", "body": "Police said 2 died."}\n{"title": "C"}\n'),
        ("empty.html", b""),
        (SAVED_PAGES[0].name, SAVED_PAGES[0].read_bytes()),  # the same page again: a duplicate
    ]


def _result_said(results) -> list[tuple[str, str, str, int]]:
    """What each result says, the article's number aside (the articles were imported twice)."""
    return [(r.label, r.outcome, re.sub(r"#\d+", "#N", r.message), r.suggestions) for r in results]


def _outcomes(batch) -> list[tuple[str, list[tuple[str, str, str, int]]]]:
    return [(name, _result_said(results)) for name, results in importing.import_files(batch)]


@pytest.mark.parametrize("ahead", [0, 1, 3])
def test_import_files_gives_what_one_file_at_a_time_gives(db, settings, ahead):
    """Reading ahead changes nothing but the speed: the same results, in the order given."""
    settings.TASKS = DUMMY_TASKS
    one_at_a_time = [(name, importing.import_file(name, raw)) for name, raw in _batch() if isinstance(raw, bytes)]
    expected = [(name, _result_said(results)) for name, results in one_at_a_time]
    expected.insert(3, ("missing.txt", [("missing.txt", "failed", "No such file.", 0)]))
    Article.objects.all().delete()

    settings.IMPORT_READ_AHEAD = ahead
    said = _outcomes(_batch())
    assert said == expected
    assert [outcome for _, results in said for _, outcome, _, _ in results] == [
        "created", "created", "created", "failed", "created", "failed", "failed", "duplicate",
    ]  # fmt: skip
    assert Article.objects.count() == 4


def test_import_files_reads_a_bounded_number_ahead(db, settings):
    """The next files are read while one is stored, but never more than IMPORT_READ_AHEAD of them."""
    settings.IMPORT_READ_AHEAD = 2
    pulled: list[str] = []

    def files():
        for n in range(6):
            pulled.append(f"{n}.txt")
            yield f"{n}.txt", f"Story {n}\n\nThe minister said {n} schools closed.".encode()

    seen = []
    for name, results in importing.import_files(files()):
        seen.append(name)
        # stored so far, plus two read ahead (fewer only at the end, when no file is left)
        assert len(pulled) == min(len(seen) + 2, 6)
        assert results[0].outcome == "created"
    assert seen == pulled == [f"{n}.txt" for n in range(6)]


def test_read_ahead_defaults_to_one_per_processor_and_stops_at_the_idle_children(settings, monkeypatch):
    from factcheck import sandbox
    from factcheck.importing.sources import read_ahead

    settings.IMPORT_READ_AHEAD = None
    monkeypatch.setattr("os.sched_getaffinity", lambda pid: {0, 1, 2})  # the processors this process may use
    assert read_ahead() == 3
    monkeypatch.setattr("os.sched_getaffinity", lambda pid: set(range(64)))
    assert read_ahead() == sandbox.IDLE_WORKERS == 4  # each file read ahead keeps a child busy
    settings.IMPORT_READ_AHEAD = 10
    assert read_ahead() == 4
    settings.IMPORT_READ_AHEAD = -1
    assert read_ahead() == 0


def test_the_readers_children_are_forked_before_the_readers_start(db, settings, monkeypatch):
    """Reader threads take idle children forked from the calling thread, not fork their own while other
    threads parse and write."""
    import threading

    from factcheck import sandbox

    settings.IMPORT_READ_AHEAD = 2
    forked_in: list[str] = []
    original = sandbox._Worker.__init__

    def counting(self):
        forked_in.append(threading.current_thread().name)
        original(self)

    monkeypatch.setattr(sandbox._Worker, "__init__", counting)
    for worker in list(sandbox._idle):  # start from none idle
        sandbox._idle.remove(worker)
        worker.close()
    pages = [(page.name, page.read_bytes()) for page in SAVED_PAGES[:4]]
    assert [r[0].outcome for _, r in importing.import_files(pages)] == ["created"] * 4
    assert forked_in and all(name == threading.current_thread().name for name in forked_in)


def test_import_articles_keeps_the_order_of_files_and_urls(db, server, tmp_path):
    server.routes["/x"] = (200, "text/plain", ("X story\n\n" + STORY).encode())
    (tmp_path / "a.txt").write_text("A\n\nThe minister said 4 schools closed.", encoding="utf-8")
    (tmp_path / "c.txt").write_text("C\n\nThe minister said 5 schools closed.", encoding="utf-8")
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError, match="3 created, 0 duplicate, 1 failed"):
        call_command(
            "import_articles",
            str(tmp_path / "a.txt"),
            server.url("/x"),
            str(tmp_path / "gone.txt"),
            str(tmp_path / "c.txt"),
            "--no-progress",
            stdout=out,
            stderr=err,
        )
    assert [line.split()[1] for line in out.getvalue().splitlines()[:3]] == ["a.txt:", server.url("/x") + ":", "c.txt:"]
    assert "gone.txt: No such file." in err.getvalue()
