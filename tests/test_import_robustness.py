"""Odd input never crashes an import: it fails with a reason, or imports
cleanly, and leaves nothing half-stored."""

import json
from pathlib import Path
from unittest import mock

import pytest
import trafilatura

from factcheck import importing, sandbox
from factcheck.importing.fetch import Fetched
from factcheck.models import Article, Claim, Media

from .local_server import LocalServer

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(
    ("name", "raw", "message"),
    [
        ("deep.json", b"[" * 200_000, "nested too deeply"),
        ("huge.jsonl", b'{"title": "x", "body": "' + b"y" * 10 + b'", "n": ' + b"9" * 5000 + b"}", "too large"),
        ("port.json", json.dumps({"title": "x", "body": "y", "url": "https://example.com:99999/x"}).encode(), "URL"),
        ("ipv6.json", json.dumps({"title": "x", "body": "y", "url": "http://[::1"}).encode(), "URL"),
        ("year.json", json.dumps({"title": "x", "body": "y", "published_at": "9999-12-31T23:00:00-05:00"}).encode(),
         "plausible"),
    ],
)  # fmt: skip
def test_malformed_values_fail_with_a_reason(db, name, raw, message):
    [result] = importing.import_file(name, raw)
    assert result.outcome == importing.FAILED and message in result.message
    assert not Article.objects.exists()


def test_nul_characters_and_overlong_fields_are_cleaned(db):
    payload = {
        "title": "Nul\u0000 title " + "t" * 600,
        "body": "The minister said\u0000 7 schools closed.",
        "outlet": "o" * 400,
        "byline": "b" * 900,
        "language": "en-" + "x" * 40,
        "external_id": "e" * 300,
    }
    result = importing.import_payload(payload)
    assert result.outcome == importing.CREATED, result.message
    article = result.article
    assert "\x00" not in article.title + article.body
    assert (len(article.title), len(article.outlet), len(article.byline)) == (500, 200, 500)
    assert (len(article.language), len(article.external_id)) == (20, 200)


def test_json_lines_may_hold_unicode_line_separators_inside_strings(db):
    raw = json.dumps({"title": "Sep", "body": "He said\u2028 so.\u0085"}, ensure_ascii=False).encode() + b"\n"
    [result] = importing.import_file("sep.jsonl", raw)
    assert result.outcome == importing.CREATED, result.message


def test_a_saved_xhtml_page_with_an_xml_declaration_is_read(db):
    page = (
        b'<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE html><html xmlns="http://www.w3.org/1999/xhtml">'
        b"<head><title>XHTML story</title></head><body><article><p>Officials said 14 bridges closed "
        b"after the storm, according to the ministry.</p><p>A second paragraph gives more detail.</p>"
        b'<img src="http://[oops" alt="broken"/></article></body></html>'
    )
    [result] = importing.import_file("saved.xhtml.html", page)
    assert result.outcome == importing.CREATED, result.message
    assert "14 bridges" in result.article.body


def test_a_server_naming_a_binary_charset_is_read_as_utf8(db, settings):
    settings.IMPORT_FETCH_ALLOWED_NETWORKS = ["127.0.0.1/32"]
    fetched = Fetched(
        url="https://news.example.org/a",
        content=b"Title\n\nPolice said 3 died.",
        content_type="text/html",
        charset="base64",
    )
    with mock.patch("factcheck.importing.sources.fetch_url", return_value=fetched):
        result = importing.import_url("https://news.example.org/a")
    assert result.outcome == importing.CREATED, result.message


def test_a_page_cannot_claim_another_sites_canonical_url(db, settings):
    page = (
        b'<html><head><link rel="canonical" href="https://www.bbc.co.uk/news/real-story"><title>Copy</title></head>'
        b"<body><article><p>The mayor said 40 people were hurt in the fire on Monday night.</p></article></body></html>"
    )
    with LocalServer() as server:
        settings.IMPORT_FETCH_ALLOWED_NETWORKS = ["127.0.0.1/32"]
        server.routes["/copy"] = (200, "text/html", page)
        result = importing.import_url(server.url("/copy"))
    assert result.outcome == importing.CREATED, result.message
    assert result.article.url == server.url("/copy")


def test_a_failure_while_storing_leaves_nothing_half_imported(db):
    with mock.patch("factcheck.importing.pipeline.suggest", side_effect=ValueError("detection broke")):
        result = importing.import_text(title="Half", body="The minister said 5 schools closed.")
    assert result.outcome == importing.FAILED
    assert (Article.objects.count(), Media.objects.count(), Claim.objects.count()) == (0, 0, 0)


def test_a_crashing_url_import_marks_its_record_failed(db, editor_user):
    from factcheck.models import ImportRecord

    # (inside the test's transaction the queued task does not run on its own)
    record = importing.queue_url_import("https://example.org/a", user=editor_user)
    with mock.patch("factcheck.importing.records.import_url", side_effect=RuntimeError("boom")):
        importing.run_url_import(record.pk)
    record.refresh_from_db()
    assert record.outcome == ImportRecord.Outcome.FAILED and "unexpectedly" in record.message


def test_detection_on_a_very_long_paragraph_finishes(db):
    sentence = "The ministry said 40 people were hurt, according to officials in the capital. "
    result = importing.import_text(title="Long", body=sentence * 3000)
    # At most SUGGESTIONS_PER_ARTICLE (100 in the tests) become suggestions; 200 more candidates are kept.
    assert result.outcome == importing.CREATED and result.suggestions == 100
    assert len(result.article.candidates) == 200


@pytest.mark.parametrize(
    "page", sorted((ROOT / "tests" / "fixtures" / "articles").glob("*.html")), ids=lambda p: p.stem
)
def test_the_fast_reading_loses_nothing_on_the_saved_pages(page):
    """Issue 14: trafilatura's fast mode (no fallback extractors) gives the same reading of every
    saved page as the full one, field by field."""
    markup = page.read_text(encoding="utf-8", errors="replace")
    fast = sandbox.read_page(markup, "")
    full = trafilatura.bare_extraction(markup, fast=False, **sandbox.READ_OPTIONS)
    assert fast is not None and full is not None
    for field in ("url", "title", "author", "date", "sitename", "language", "image"):
        assert fast[field] == (getattr(full, field) or ""), field
    assert fast["blocks"] == sandbox._blocks(full.body)
    assert fast["graphics"] == [
        (g.get("src") or "", (g.get("alt") or g.get("title") or "").strip()) for g in full.body.iter("graphic")
    ]
