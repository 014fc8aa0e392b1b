"""Issue 13, points 1 and 5: HTML built to tie up the sanitiser or the extractor, and articles
too long for the desk, are refused at every entry point with a sentence saying why.

(How fast the refusal is, against the old sanitiser's time, is measured by
scripts/bench_nested_html.py: timings do not belong in unit tests.)"""

import html
import json
import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from factcheck import importing, sandbox
from factcheck.importing import bounds
from factcheck.models import Article, Feed, ImportRecord

from .api_clients import api as api  # a pytest fixture, imported so that pytest finds it
from .api_clients import cms_user as cms_user  # the fixture ``api`` needs
from .local_server import LocalServer

ROOT = Path(__file__).resolve().parent.parent
IMPORT = reverse("factcheck:import")
TOO_DEEP = "nested more than 200 elements deep (IMPORT_HTML_MAX_DEPTH)"
TOO_LONG = "The article is too long"
SIZES = [64_000, 100_000]


def nested(divs: int) -> str:
    head = "<html><head><title>Deep</title></head><body>"
    return head + "<div>" * divs + "Text." + "</div>" * divs + "</body></html>"


def rss(description: str, link: str) -> bytes:
    return (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Wire</title>'
        f"<item><title>Entry</title><link>{link}</link><description>{html.escape(description)}</description></item>"
        "</channel></rss>"
    ).encode()


@pytest.fixture
def server(settings):
    settings.IMPORT_FETCH_ALLOWED_NETWORKS = ["127.0.0.1/32"]
    with LocalServer() as running:
        yield running


# --- Nested HTML: API push, upload, URL, feed ------------------------------------------------


@pytest.mark.parametrize("divs", SIZES)
def test_the_api_refuses_deeply_nested_html_with_a_400_saying_why(api, divs):
    for payload in ({"title": "Deep", "html": nested(divs)}, {"title": "Deep", "body": "Text.", "html": nested(divs)}):
        response = api("cms").post("/api/v1/articles/", payload, format="json")
        assert response.status_code == 400, response.content[:300]
        assert TOO_DEEP in response.json()["error"]["message"]
    assert not Article.objects.exists()


@pytest.mark.parametrize("divs", SIZES)
def test_an_upload_of_deeply_nested_html_is_recorded_as_failed_with_the_reason(client, editor_user, divs):
    client.force_login(editor_user)
    page = SimpleUploadedFile("deep.html", nested(divs).encode(), content_type="text/html")
    client.post(IMPORT, {"source": "upload", "upload-files": [page]})
    record = ImportRecord.objects.get()
    assert record.outcome == ImportRecord.Outcome.FAILED
    assert record.message.startswith("deep.html is " + TOO_DEEP)


@pytest.mark.parametrize("divs", SIZES)
def test_a_url_serving_deeply_nested_html_is_recorded_as_failed_with_the_reason(
    server, editor_user, divs, django_capture_on_commit_callbacks
):
    server.routes["/deep"] = (200, "text/html; charset=utf-8", nested(divs).encode())
    with django_capture_on_commit_callbacks(execute=True):
        [queued] = importing.queue_url_imports([server.url("/deep")], user=editor_user)
    queued.refresh_from_db()
    assert queued.outcome == ImportRecord.Outcome.FAILED
    assert TOO_DEEP in queued.message
    assert not Article.objects.exists()


@pytest.mark.parametrize("divs", SIZES)
def test_a_feed_carrying_deeply_nested_html_is_recorded_as_failed_with_the_reason(server, editor_user, divs):
    server.routes["/feed.xml"] = (200, "application/rss+xml", rss(nested(divs), server.url("/gone")))
    feed = Feed.objects.create(url=server.url("/feed.xml"), added_by=editor_user)
    importing.poll_and_record(feed.pk)
    record = ImportRecord.objects.get()
    assert record.outcome == ImportRecord.Outcome.FAILED
    assert record.message.startswith("An entry of the feed is " + TOO_DEEP)
    feed.refresh_from_db()
    assert TOO_DEEP in feed.last_error


def test_a_feed_whose_entry_is_fine_still_imports(server, editor_user):
    story = "<p>" + "The minister said turnout was 80 percent, a record, according to officials. " * 5 + "</p>"
    server.routes["/feed.xml"] = (200, "application/rss+xml", rss(story, server.url("/gone")))
    feed = Feed.objects.create(url=server.url("/feed.xml"), added_by=editor_user)
    assert importing.poll_and_record(feed.pk) == {"created": 1}


def test_too_many_elements_are_refused_too(settings):
    settings.IMPORT_HTML_MAX_ELEMENTS = 1_000
    flat = "<html><body>" + "<p>x</p>" * 1_001 + "</body></html>"
    with pytest.raises(importing.ImportFailed, match=r"more than 1,000 HTML elements \(IMPORT_HTML_MAX_ELEMENTS\)"):
        importing.html.extract_html(flat)


def test_a_real_page_passes_the_limits():
    page = Path(__file__).parent / "fixtures" / "articles" / "01_bbc_2015_obama_gun_laws.html"
    bounds.check_markup(page.read_text(encoding="utf-8"))  # depth 22, 1,362 elements


def test_markup_that_passes_the_limits_but_stays_slow_is_given_up_after_the_time_budget(settings, monkeypatch):
    settings.IMPORT_HTML_TIMEOUT = 1

    def sleepy(markup, url):
        import time

        time.sleep(30)

    monkeypatch.setitem(sandbox.WORK, "read_page", sleepy)  # the forked child sees the patched table
    with pytest.raises(importing.ImportFailed, match=r"took longer than 1 s to read \(IMPORT_HTML_TIMEOUT\)"):
        importing.html.extract_html("<html><body><p>Slow.</p></body></html>")


def test_the_sanitiser_refuses_markup_that_explodes_when_cleaned():
    # Re-opened formatting elements are copied into every block after them by an HTML5 parser.
    bomb = "<div>" + "".join(f"<b id={i}>" for i in range(150)) + "</div>" + "<div>x</div>" * 2_000
    with pytest.raises(importing.ImportFailed, match="grows to|took longer"):
        importing.html.sanitize_html(bomb)


def test_the_reading_child_serves_call_after_call_and_is_replaced_when_it_dies():
    """Issue 14: no fork per page. The child stays for the next call; one that died while idle
    (killed, out of memory) is replaced without failing the call."""
    import os
    import signal

    page = "<html><body><article><p>The minister said turnout was 80 percent.</p></article></body></html>"
    sandbox.run("read_page", page, "", budget=10)
    first = sandbox._idle[-1].process.pid
    sandbox.run("read_page", page, "", budget=10)
    assert sandbox._idle[-1].process.pid == first
    os.kill(first, signal.SIGKILL)
    sandbox._idle[-1].process.join()
    assert sandbox.run("clean", "<b>x</b>", {"b"}, {}, {"https"}, budget=10) == "<b>x</b>"
    assert sandbox._idle[-1].process.pid != first


def test_a_serving_child_leaves_when_the_process_that_forked_it_dies():
    """A web process killed outright (SIGKILL, a crash) leaves no reading child behind."""
    import os
    import subprocess
    import sys
    import time

    script = (
        "import os, django; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'tests.settings'); django.setup()\n"
        "from factcheck import sandbox\n"
        "sandbox.run('clean', '<b>x</b>', {'b'}, {}, {'https'}, budget=10)\n"
        "print(sandbox._idle[-1].process.pid, flush=True)\n"
        "os._exit(0)  # no clean-up, as after SIGKILL\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60, cwd=ROOT)
    child = int(done.stdout.split()[-1])
    for _ in range(40):
        try:
            os.kill(child, 0)
        except ProcessLookupError:
            return
        time.sleep(0.25)
    os.kill(child, 9)
    raise AssertionError("the reading child outlived its parent")


def test_a_serving_child_that_runs_out_of_time_is_killed_not_kept(monkeypatch):
    def sleepy(markup, url):
        import time

        time.sleep(30)

    monkeypatch.setattr(sandbox, "_idle", [])  # children forked after the swap below run it
    monkeypatch.setitem(sandbox.WORK, "read_page", sleepy)
    monkeypatch.setitem(sandbox._ORIGINAL_WORK, "read_page", sleepy)
    with pytest.raises(sandbox.TimedOut):
        sandbox.run("read_page", "<p>x</p>", "", budget=1)
    assert sandbox._idle == []


def test_a_child_that_dies_is_reported_not_hung():
    with pytest.raises(sandbox.Crashed, match="Error"):
        sandbox.run("clean", None, None, None, None, budget=5)  # nh3 raises in the child


# --- ARTICLE_MAX_CHARS: page, API, file, URL, feed ----------------------------------------------

LONG = "The minister said turnout was 80 percent. " * 30  # 1,260 characters


@pytest.fixture
def small_cap(settings):
    settings.ARTICLE_MAX_CHARS = 1_000


def test_the_paste_form_refuses_a_text_over_the_cap_saying_so(client, editor_user, small_cap):
    client.force_login(editor_user)
    response = client.post(IMPORT, {"source": "paste", "paste-title": "Long", "paste-body": LONG})
    assert response.status_code == 400
    page = response.content.decode()
    assert "The article is too long: 1,259 characters, and the desk takes at most 1,000 (ARTICLE_MAX_CHARS)." in page
    assert not ImportRecord.objects.exists() and not Article.objects.exists()


def test_the_api_refuses_an_article_over_the_cap_with_a_400(api, small_cap):
    response = api("cms").post("/api/v1/articles/", {"title": "Long", "body": LONG}, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["message"].startswith(TOO_LONG)


def test_a_file_over_the_cap_is_recorded_as_failed(editor_user, small_cap):
    records = importing.import_uploads(
        [("long.txt", f"Long\n\n{LONG}".encode()), ("list.json", json.dumps([{"title": "L", "body": LONG}]).encode())],
        user=editor_user,
    )
    assert [r.outcome for r in records] == ["failed", "failed"]
    assert all(r.message.startswith(TOO_LONG) for r in records)


def test_a_url_and_a_feed_entry_over_the_cap_are_recorded_as_failed(
    server, editor_user, small_cap, django_capture_on_commit_callbacks
):
    page = f"<html><head><title>Long</title></head><body><article><p>{LONG}</p></article></body></html>"
    server.routes["/long"] = (200, "text/html", page.encode())
    server.routes["/feed.xml"] = (200, "application/rss+xml", rss(f"<p>{LONG}</p>", server.url("/gone")))
    with django_capture_on_commit_callbacks(execute=True):
        [queued] = importing.queue_url_imports([server.url("/long")], user=editor_user)
    importing.poll_and_record(Feed.objects.create(url=server.url("/feed.xml"), added_by=editor_user).pk)
    queued.refresh_from_db()
    assert queued.outcome == "failed" and queued.message.startswith(TOO_LONG)
    from_feed = ImportRecord.objects.get(source=Article.Source.FEED)
    assert from_feed.outcome == "failed" and from_feed.message.startswith(TOO_LONG)
    assert not Article.objects.exists()


def test_the_default_cap_is_500000_characters():
    from django.conf import settings

    assert settings.ARTICLE_MAX_CHARS == 500_000


# --- A huge article's page stays small ------------------------------------------------------


def test_a_250000_character_push_gives_a_short_list_and_a_page_of_bounded_size(api, client, editor_user, settings):
    """The push that once made 7,196 suggestions and a 9.5 MB page: now at most
    SUGGESTIONS_PER_ARTICLE suggestions, the other candidates capped and folded."""
    settings.SUGGESTIONS_PER_ARTICLE, settings.SUGGESTION_THRESHOLD = 10, None  # production defaults
    body = "".join(
        f"The minister said on day {n} that {n * 37 + 1000:,} vehicles crossed the border at post {k}, a record. "
        + ("\n\n" if k == 4 else "")
        for n in range(700)
        for k in range(5)
    )[:250_000]
    response = api("cms").post("/api/v1/articles/", {"title": "Long", "body": body}, format="json")
    assert response.status_code == 201, response.json()
    article = Article.objects.get()
    assert article.claims.count() <= 10
    client.force_login(editor_user)
    page = client.get(reverse("factcheck:article", args=[article.pk]))
    assert page.status_code == 200
    html_text = page.content.decode()
    assert len(page.content) < 2_000_000, len(page.content)
    assert "More candidates" in html_text
    assert len(article.candidates) == 200  # kept, best first, and folded on the page:
    assert re.search(r"<details[^>]*>\s*<summary[^>]*>More candidates", html_text)
