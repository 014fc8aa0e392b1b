"""The import pipeline and its sources: paste, files, URL, feed, CMS payload."""

import json
import threading
from pathlib import Path

import pytest
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext

from factcheck import importing
from factcheck.models import Article, Claim, Event, Media

from .local_server import LocalServer

FIXTURES = Path(__file__).resolve().parent.parent / "factcheck" / "demo"
SHARED = Path(__file__).resolve().parent / "fixtures" / "articles"
PANJSHIR = (FIXTURES / "panjshir-article.txt").read_text(encoding="utf-8")
STORY = "Officials said 40 people were hurt.\n\nThe mayor denied it, telling reporters “nobody was hurt”."


@pytest.fixture
def server(settings):
    settings.IMPORT_FETCH_ALLOWED_NETWORKS = ["127.0.0.1/32"]
    with LocalServer() as running:
        yield running


def _saved_page(prefix: str) -> bytes:
    return next(SHARED.glob(f"{prefix}_*.html")).read_bytes()


# --- pasted text -----------------------------------------------------------------


def test_pasted_text_is_stored_with_suggestions(editor_user):
    result = importing.import_text(title="", body=PANJSHIR, user=editor_user, outlet="CNN")
    assert result.outcome == importing.CREATED, result.message
    article = result.article
    assert article.title.startswith("Afghanistan: Taliban claim victory")
    assert article.source == Article.Source.PASTE and article.imported_by == editor_user
    assert article.body.startswith("Panjshir was the last remaining hold-out")
    assert result.suggestions == article.claims.count() > 0
    for claim in article.claims.all():
        assert claim.status == Claim.Status.SUGGESTED and claim.suggested
        assert article.body[claim.span_start : claim.span_end] == claim.text


def test_pasting_the_same_text_twice_reports_a_duplicate(editor_user):
    first = importing.import_text(title="Story", body=STORY, user=editor_user)
    again = importing.import_text(title="Another title", body="  " + STORY.upper() + "\n", user=editor_user)
    assert again.outcome == importing.DUPLICATE and again.article == first.article
    assert "the same text" in again.message
    assert Article.objects.count() == 1


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"title": "Only a title", "body": "   "}, "no text"),
        ({"title": "x", "body": "Text.", "url": "ftp://example.org/a"}, "not an http(s) URL"),
        ({"title": "x", "body": "Text.", "published_at": "yesterday"}, "ISO 8601"),
    ],
)
def test_bad_pasted_input_fails_with_a_reason_and_stores_nothing(editor_user, kwargs, message):
    result = importing.import_text(user=editor_user, **kwargs)
    assert result.outcome == importing.FAILED and message in result.message
    assert not Article.objects.exists()


# --- files -----------------------------------------------------------------------


def test_each_file_type_is_imported(db):
    page = _saved_page("03")
    results = {
        "txt": importing.import_file("story.txt", b"A plain story\n\n" + STORY.encode()),
        "md": importing.import_file("story.md", b"# A markdown story\n\nOfficials said 12 were hurt."),
        "html": importing.import_file("sudan.html", page),
        "json": importing.import_file(
            "one.json",
            json.dumps({"title": "JSON story", "body": "Police said 3 died.", "external_id": "cms-1"}).encode(),
        ),
        "jsonl": importing.import_file(
            "many.jsonl",
            b'{"title": "First", "body": "One said so."}\n\n'
            b'{"title": "Second", "html": "<p>Two <b>said</b> so.</p>"}\n',
        ),
    }
    outcomes = {k: [r.outcome for r in v] for k, v in results.items()}
    assert outcomes == {
        "txt": ["created"],
        "md": ["created"],
        "html": ["created"],
        "json": ["created"],
        "jsonl": ["created"] * 2,
    }
    assert Article.objects.get(title="A markdown story").body == "Officials said 12 were hurt."
    sudan = results["html"][0].article
    assert sudan.title == "United States to Lift Sudan Sanctions" and sudan.byline == "Jeffrey Gettleman"
    assert sudan.url == "http://www.nytimes.com/2017/01/13/world/africa/sudan-sanctions.html"
    assert sudan.media.filter(kind=Media.Kind.IMAGE).exists()
    assert Article.objects.get(external_id="cms-1").title == "JSON story"
    assert Article.objects.get(title="Second").body == "Two said so."


def test_importing_the_same_file_twice_creates_one_article(db):
    raw = b"A plain story\n\n" + STORY.encode()
    assert importing.import_file("story.txt", raw)[0].outcome == importing.CREATED
    assert importing.import_file("copy.txt", raw)[0].outcome == importing.DUPLICATE
    assert Article.objects.count() == 1


@pytest.mark.parametrize(
    ("name", "raw", "message"),
    [
        ("empty.txt", b"", "empty.txt is empty"),
        ("blank.md", b"  \n\n ", "is empty"),
        ("photo.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not a text file"),
        ("notes.docx", b"PK\x03\x04", "unsupported file type"),
        ("bad.json", b'{\n  "title": "x",\n  "body": "y",,\n}', "invalid JSON at line 3"),
        ("bad.jsonl", b'{"title": "a", "body": "b"}\n{"title": \n', "invalid JSON at line 2"),
        ("empty.json", b"[]", "holds no article"),
        ("title-only.txt", b"Just a title", "no text"),
    ],
)
def test_bad_files_fail_with_a_reason(db, name, raw, message):
    results = importing.import_file(name, raw)
    assert [r.outcome for r in results] == [importing.FAILED]
    assert message in results[0].message
    assert not Article.objects.exists()


def test_a_bad_item_in_a_json_list_does_not_stop_the_good_ones(db):
    payload = [
        {"title": "Good", "body": "Fine text."},
        {"title": "No body"},
        "a string",
        {"title": "Odd field", "body": "x", "colour": "red"},
        {"title": "Bad date", "body": "y", "published_at": "soon"},
    ]
    results = importing.import_file("list.json", json.dumps(payload).encode())
    assert [r.outcome for r in results] == ["created", "failed", "failed", "failed", "failed"]
    assert "item 2: give the article's body" in results[1].message
    assert "item 3: expected an object" in results[2].message
    assert "unknown field(s) colour" in results[3].message
    assert "item 5: published_at 'soon'" in results[4].message


XSS = """<html><head><title>Payloads</title></head><body><article>
<p>Officials said <a href="javascript:alert(1)">the report</a> was false.
<img src="x" onerror="alert(2)"> <b onclick="alert(3)">Bold claim</b> here.</p>
<script>alert(4)</script><iframe src="javascript:alert(5)"></iframe>
<svg onload="alert(6)"><script>alert(7)</script><a xlink:href="javascript:alert(8)">svg link</a></svg>
<p style="background:url(javascript:alert(9))">Another paragraph, the mayor denied it on Tuesday.</p>
<form action="https://evil.example/"><input name="q"></form>
</article></body></html>"""


@pytest.mark.parametrize("via", ["html file", "json html field", "cms payload"])
def test_scripts_handlers_javascript_urls_and_svg_never_survive(db, via):
    if via == "html file":
        [result] = importing.import_file("xss.html", XSS.encode())
    elif via == "json html field":
        [result] = importing.import_file("xss.json", json.dumps({"title": "Payloads", "html": XSS}).encode())
    else:
        result = importing.import_payload({"title": "Payloads", "body": "Officials said so.", "html": XSS})
    assert result.outcome == importing.CREATED, result.message
    article = result.article
    stored = (article.body_html + article.body).lower()
    for forbidden in ("<script", "javascript:", "onerror", "onclick", "onload", "<svg", "<iframe", "<form", "style="):
        assert forbidden not in stored, forbidden
    assert "alert(" not in article.body


def test_sanitize_keeps_structure_and_safe_links():
    clean = importing.html.sanitize_html('<h2>Head</h2><p><a href="https://ex.org/a" onclick="x()">link</a></p>')
    assert clean.startswith('<h2>Head</h2><p><a href="https://ex.org/a"')
    assert "onclick" not in clean and 'rel="noopener noreferrer nofollow"' in clean


# --- URLs ------------------------------------------------------------------------


def test_a_saved_news_page_is_fetched_from_a_local_server(server, editor_user):
    server.routes["/world/zimbabwe.html"] = (200, "text/html; charset=utf-8", _saved_page("02"))
    result = importing.import_url(server.url("/world/zimbabwe.html"), user=editor_user)
    assert result.outcome == importing.CREATED, result.message
    article = result.article
    assert article.title.startswith("Zimbabwe coup: Robert Mugabe and wife Grace")
    assert article.outlet == "The Telegraph" and article.source == Article.Source.URL
    assert article.published_at.date().isoformat() == "2017-11-16"
    captions = list(article.media.values_list("caption", flat=True))
    assert any("Mugabe" in caption for caption in captions)


def test_the_same_url_with_tracking_parameters_is_one_article(server, editor_user):
    server.routes["/story"] = (200, "text/plain", ("A local story\n\n" + STORY).encode())
    server.routes["/story?utm_source=twitter&utm_medium=social"] = server.routes["/story"]
    server.routes["/story?fbclid=abc123"] = (200, "text/plain", ("Edited later\n\n" + STORY + " Update.").encode())
    first = importing.import_url(server.url("/story"), user=editor_user)
    second = importing.import_url(server.url("/story?utm_source=twitter&utm_medium=social"), user=editor_user)
    third = importing.import_url(server.url("/story?fbclid=abc123"), user=editor_user)
    assert first.outcome == importing.CREATED
    assert (second.outcome, third.outcome) == (importing.DUPLICATE, importing.DUPLICATE)
    assert "the same URL" in third.message
    assert Article.objects.get().url == server.url("/story")


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://127.0.0.1:9/", "127.0.0.1"),
        ("http://10.0.0.8/news", "10.0.0.8"),
        ("http://169.254.169.254/latest/meta-data/", "169.254.169.254"),
        ("http://[::1]/", "::1"),
        ("file:///etc/passwd", "http"),
        ("", ""),
    ],
)
def test_urls_to_private_addresses_are_refused_without_storing(db, url, message):
    result = importing.import_url(url)
    assert result.outcome == importing.FAILED and message in result.message
    assert not Article.objects.exists()


def test_a_redirect_to_a_private_address_is_refused(db, server):
    server.routes["/moved"] = (302, "text/html", b"http://10.1.2.3/internal")
    result = importing.import_url(server.url("/moved"))
    assert result.outcome == importing.FAILED and "10.1.2.3" in result.message


def test_a_binary_url_is_refused(db, server):
    server.routes["/photo.png"] = (200, "image/png", b"\x89PNG\r\n\x1a\n")
    result = importing.import_url(server.url("/photo.png"))
    assert result.outcome == importing.FAILED and "not a web page" in result.message


# --- feeds -----------------------------------------------------------------------

RSS = """<?xml version="1.0"?><rss version="2.0"><channel><title>Local Wire</title>
<item><title>Mayor denies flood damage</title><link>{base}/a1?utm_source=rss</link>
<pubDate>Mon, 06 Sep 2021 10:00:00 GMT</pubDate><description>Short summary.</description></item>
<item><title>Council claims record budget</title><link>{base}/gone</link>
<description>&lt;p&gt;The council said the budget grew 12 percent, a record.&lt;/p&gt;</description></item>
</channel></rss>"""


def test_a_feed_imports_new_entries_once(server, editor_user):
    from factcheck.models import Feed

    server.routes["/feed.xml"] = (200, "application/rss+xml", RSS.format(base=server.base).encode())
    server.routes["/a1?utm_source=rss"] = (200, "text/html", _saved_page("04"))
    feed = Feed.objects.create(url=server.url("/feed.xml"), added_by=editor_user)

    first = importing.poll_feed(feed)
    assert [r.outcome for r in first] == ["created", "created"], [r.message for r in first]
    from_page = Article.objects.get(url=server.url("/a1"))
    assert from_page.title == "Mayor denies flood damage" and "Tunisia" in from_page.body
    assert from_page.source == Article.Source.FEED and from_page.outlet == "Washington Post"
    from_summary = Article.objects.get(title="Council claims record budget")
    assert "12 percent" in from_summary.body  # the page is gone (404): the entry's own text is used

    second = importing.poll_feed(feed)
    assert [r.outcome for r in second] == ["duplicate", "duplicate"]
    assert Article.objects.count() == 2
    feed.refresh_from_db()
    assert feed.title == "Local Wire" and feed.last_polled_at and feed.last_error == ""


def test_a_feed_that_is_not_a_feed_records_the_error(db, server):
    from factcheck.models import Feed

    server.routes["/notfeed"] = (200, "image/png", b"\x89PNG\r\n\x1a\n\x00\x00")
    feed = Feed.objects.create(url=server.url("/notfeed"))
    [result] = importing.poll_feed(feed)
    assert result.outcome == importing.FAILED
    feed.refresh_from_db()
    assert feed.last_error


# --- CMS payload -----------------------------------------------------------------


def test_a_cms_payload_is_idempotent_on_external_id(db):
    payload = {"title": "From the CMS", "body": "The minister said 5 schools closed.", "external_id": "cms-42"}
    first = importing.import_payload(payload)
    edited = importing.import_payload({**payload, "body": "The minister said 6 schools closed."})
    assert (first.outcome, edited.outcome) == ("created", "duplicate")
    assert "the same external id" in edited.message
    assert importing.import_payload("not an object").outcome == importing.FAILED


# --- concurrency -----------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL")
def test_two_concurrent_imports_of_the_same_article_create_one():
    barrier = threading.Barrier(2)
    outcomes = []

    def run():
        try:
            barrier.wait(timeout=10)
            outcomes.append(importing.import_text(title="Race", body=STORY).outcome)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["created", "duplicate"]
    assert Article.objects.count() == 1


def test_a_page_yields_its_images_with_captions_and_credits_og_image_and_embedded_videos(db):
    page = b"""<html><head><title>Flood</title>
    <meta property="og:image" content="https://cdn.example.org/share.jpg">
    <meta property="og:video" content="https://video.example.org/flood.mp4"></head><body><article>
    <h1>Flood</h1><p>The mayor said 40 homes were flooded on Monday, according to the city.</p>
    <figure><img src="/img/street.jpg" alt="A street"><figcaption>Water on Main Street.
      <span class="credit">Photo: Jane Roe/Agency</span></figcaption></figure>
    <p>Residents said the water rose within an hour, and officials reported no injuries.</p>
    <iframe src="https://www.youtube.com/embed/abc123" title="Aerial footage"></iframe>
    </article></body></html>"""
    with LocalServer() as server:
        from django.test import override_settings

        server.routes["/flood"] = (200, "text/html", page)
        with override_settings(IMPORT_FETCH_ALLOWED_NETWORKS=["127.0.0.1/32"]):
            result = importing.import_url(server.url("/flood"))
    assert result.outcome == importing.CREATED, result.message
    media = {(m.kind, m.url): m for m in result.article.media.all()}
    street = media[("image", server.url("/img/street.jpg"))]
    assert street.caption == "Water on Main Street." and street.credit == "Photo: Jane Roe/Agency"
    assert ("image", "https://cdn.example.org/share.jpg") in media
    assert ("video", "https://video.example.org/flood.mp4") in media
    assert media[("video", "https://www.youtube.com/embed/abc123")].caption == "Aerial footage"


def test_an_import_inserts_its_suggestions_and_their_events_in_bulk(editor_user, settings):
    """Issue 14: one INSERT for the claims and one for their events, however many suggestions."""
    settings.SUGGESTIONS_PER_ARTICLE, settings.SUGGESTION_THRESHOLD = 10, None
    body = " ".join(f"The minister said {n * 1000 + 17:,} people crossed at post {n} on Monday." for n in range(30))
    with CaptureQueriesContext(connection) as queries:
        article = importing.import_text(title="Crossings", body=body, user=editor_user).article
    claim_inserts = [q for q in queries.captured_queries if q["sql"].startswith('INSERT INTO "factcheck_claim"')]
    event_inserts = [q for q in queries.captured_queries if q["sql"].startswith('INSERT INTO "factcheck_event"')]
    assert article.claims.count() == 10
    assert len(claim_inserts) == len(event_inserts) == 1
    assert Event.objects.filter(claim__article=article, action="suggest").count() == 10
