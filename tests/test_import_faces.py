"""The faces of import: the editors' page, the admin page and the commands."""

import json
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from factcheck.models import Article, Feed, ImportRecord

from .local_server import LocalServer
from .test_importing import PANJSHIR, STORY

IMPORT = reverse("factcheck:import")


@pytest.fixture
def server(settings):
    settings.IMPORT_FETCH_ALLOWED_NETWORKS = ["127.0.0.1/32"]
    with LocalServer() as running:
        yield running


@pytest.mark.parametrize(
    ("who", "status"),
    [("editor_user", 200), ("assigned_reviewer", 403), ("other_reviewer", 403), ("outsider", 403), (None, 302)],
)
def test_only_editors_reach_the_import_page(request, client, db, who, status):
    if who:
        client.force_login(request.getfixturevalue(who))
    assert client.get(IMPORT).status_code == status
    response = client.post(IMPORT, {"source": "paste", "paste-body": STORY})
    assert response.status_code in (status, 302)
    if who != "editor_user":
        assert not Article.objects.exists()


def test_pasting_the_panjshir_article_shows_what_happened(client, editor_user):
    client.force_login(editor_user)
    response = client.post(IMPORT, {"source": "paste", "paste-body": PANJSHIR, "paste-outlet": "CNN"}, follow=True)
    assert response.status_code == 200
    article = Article.objects.get()
    assert article.outlet == "CNN" and article.claims.count() > 5
    page = response.content.decode()
    assert "1 of 1 source(s) imported" in page and "suggested claim(s)" in page and "Created" in page


def test_a_form_error_is_shown_next_to_the_field_and_nothing_is_lost(client, editor_user):
    client.force_login(editor_user)
    response = client.post(
        IMPORT, {"source": "paste", "paste-body": "", "paste-url": "not a url", "paste-title": "Kept"}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "This field is required" in page and "Enter a valid URL" in page
    assert 'value="Kept"' in page  # what the editor typed is still there
    assert not Article.objects.exists()


def test_an_unknown_source_is_refused_with_a_message(client, editor_user):
    client.force_login(editor_user)
    response = client.post(IMPORT, {"source": "fax"}, follow=True)
    assert "Choose what to import" in response.content.decode()


def test_uploading_several_files_reports_each(client, editor_user):
    client.force_login(editor_user)
    files = [
        SimpleUploadedFile("a.txt", ("Story A\n\n" + STORY).encode()),
        SimpleUploadedFile("b.jsonl", b'{"title": "B", "body": "Police said 2 died."}\n{"title": "C"}\n'),
        SimpleUploadedFile("c.txt", b""),
        SimpleUploadedFile("d.txt", ("Story A again\n\n" + STORY).encode()),
    ]
    response = client.post(IMPORT, {"source": "upload", "upload-files": files}, follow=True)
    outcomes = list(ImportRecord.objects.order_by("id").values_list("label", "outcome"))
    assert outcomes == [
        ("a.txt", "created"),
        ("b.jsonl line 1", "created"),
        ("b.jsonl line 2", "failed"),
        ("c.txt", "failed"),
        ("d.txt", "duplicate"),
    ]
    assert "3 of 5 source(s) imported or already there" in response.content.decode()


def test_urls_are_imported_by_a_background_task(client, editor_user, server, django_capture_on_commit_callbacks):
    server.routes["/a"] = (200, "text/plain", ("A story\n\n" + STORY).encode())
    client.force_login(editor_user)
    urls = f"{server.url('/a')}\n\n{server.url('/missing')}\n"
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        client.post(IMPORT, {"source": "url", "url-urls": urls})
    # One task a URL, queued once the records are committed; then, inside the one that imported an
    # article, the look-up of its suggestions in the fact-check library.
    assert len(callbacks) == 3
    records = list(ImportRecord.objects.order_by("id"))
    assert [(r.outcome, r.requested_by) for r in records] == [("created", editor_user), ("failed", editor_user)]
    assert "404" in records[1].message


def test_url_import_waits_for_the_worker_with_a_queueing_backend(client, editor_user, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    client.force_login(editor_user)
    response = client.post(IMPORT, {"source": "url", "url-urls": "https://example.org/news"}, follow=True)
    record = ImportRecord.objects.get()
    assert record.outcome == ImportRecord.Outcome.QUEUED
    assert "Waiting for the task worker" in response.content.decode()


@pytest.mark.parametrize(
    ("urls", "error"),
    [("ftp://example.org/x", "not an http(s) address"), ("\n".join(["https://e.org/a"] * 21), "At most 20")],
)
def test_bad_url_lists_are_refused_by_the_form(client, editor_user, urls, error):
    client.force_login(editor_user)
    response = client.post(IMPORT, {"source": "url", "url-urls": urls})
    assert response.status_code == 400 and error in response.content.decode()
    assert not ImportRecord.objects.exists()


def test_adding_a_feed_polls_it(client, editor_user, server, django_capture_on_commit_callbacks):
    server.routes["/feed.xml"] = (
        200,
        "application/rss+xml",
        b'<?xml version="1.0"?><rss version="2.0"><channel><title>Wire</title><item><title>Minister claims win</title>'
        b"<description>The minister said turnout was 80 percent.</description></item></channel></rss>",
    )
    client.force_login(editor_user)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        client.post(IMPORT, {"source": "feed", "feed-url": server.url("/feed.xml"), "feed-outlet": "Wire"})
    # The poll is queued once the feed is committed (then the imported entry's library look-up).
    assert len(callbacks) == 2
    feed = Feed.objects.get()
    assert feed.added_by == editor_user and feed.title == "Wire"
    assert Article.objects.get().title == "Minister claims win"


@pytest.mark.parametrize("rows", [1, 15])
def test_import_page_query_count_is_fixed(client, editor_user, rows, django_assert_num_queries):
    for n in range(rows):
        ImportRecord.objects.create(source="paste", label=f"story {n}", outcome="created", requested_by=editor_user)
    client.force_login(editor_user)
    # session, user, perms (one statement, then cached), recent imports with their articles
    with django_assert_num_queries(4):
        response = client.get(IMPORT)
    assert response.content.decode().count("story ") == rows


def test_the_admin_has_the_same_import_page(client, editor_user):
    client.force_login(editor_user)
    changelist = client.get(reverse("admin:factcheck_article_changelist")).content.decode()
    assert reverse("admin:factcheck_article_import") in changelist
    response = client.post(
        reverse("admin:factcheck_article_import"), {"source": "paste", "paste-body": PANJSHIR}, follow=True
    )
    assert response.status_code == 200 and Article.objects.count() == 1
    assert b"Back office" in response.content or b"Fact-check desk" in response.content


# --- commands ----------------------------------------------------------------------


def test_import_articles_reports_each_source_and_fails_when_any_failed(db, tmp_path):
    (tmp_path / "one.txt").write_text("One\n\n" + STORY, encoding="utf-8")
    (tmp_path / "two.md").write_text("# Two\n\nThe minister said 4 schools closed.", encoding="utf-8")
    (tmp_path / "list.json").write_text(json.dumps([{"title": "Three", "body": "He said 9."}]), encoding="utf-8")
    (tmp_path / "dup.txt").write_text("One again\n\n" + STORY, encoding="utf-8")
    out, err = StringIO(), StringIO()
    call_command("import_articles", str(tmp_path / "*.*"), stdout=out, stderr=err)
    assert "3 created, 1 duplicate, 0 failed" in out.getvalue()
    assert "it/s" in err.getvalue() or "source/s" in err.getvalue()  # the progress bar

    (tmp_path / "broken.json").write_text("{oops", encoding="utf-8")
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError, match="0 created, 4 duplicate, 2 failed"):
        call_command(
            "import_articles",
            str(tmp_path / "*.*"),
            str(tmp_path / "nope.txt"),
            "--no-progress",
            stdout=out,
            stderr=err,
        )
    assert "broken.json: invalid JSON at line 1" in err.getvalue()
    assert "nope.txt: No such file." in err.getvalue()


def test_import_articles_fetches_urls(db, server):
    server.routes["/x"] = (200, "text/plain", ("X story\n\n" + STORY).encode())
    out = StringIO()
    call_command("import_articles", server.url("/x"), stdout=out, stderr=StringIO())
    assert "1 created, 0 duplicate, 0 failed" in out.getvalue()
    assert Article.objects.get().source == Article.Source.URL


def test_import_articles_refuses_a_private_url(db):
    err = StringIO()
    with pytest.raises(CommandError, match="1 failed"):
        call_command("import_articles", "http://169.254.169.254/latest", stdout=StringIO(), stderr=err)
    assert "169.254.169.254" in err.getvalue()


def test_poll_feeds_imports_new_entries(db, server, editor_user):
    server.routes["/f"] = (
        200,
        "application/atom+xml",
        b'<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Atom wire</title>'
        b"<entry><title>Police say 3 hurt</title><id>urn:1</id><summary>Police said 3 were hurt.</summary></entry>"
        b"</feed>",
    )
    Feed.objects.create(url=server.url("/f"), added_by=editor_user)
    out, err = StringIO(), StringIO()
    call_command("poll_feeds", stdout=out, stderr=err)
    assert "Atom wire: 1 created" in out.getvalue(), err.getvalue()
    call_command("poll_feeds", stdout=out, stderr=StringIO())
    assert Article.objects.count() == 1


def test_poll_feeds_without_feeds_says_so(db):
    out = StringIO()
    call_command("poll_feeds", stdout=out)
    assert "No active feeds" in out.getvalue()


def test_poll_feeds_exits_non_zero_when_a_feed_cannot_be_read(db, server):
    server.routes["/broken"] = (500, "text/plain", b"oops")
    Feed.objects.create(url=server.url("/broken"))
    err = StringIO()
    with pytest.raises(CommandError, match="1 feed"):
        call_command("poll_feeds", stdout=StringIO(), stderr=err)
    assert "500" in err.getvalue()
