"""Adding fact-checks to the library: files, pages and feeds through the safe fetcher, the API,
our own verdicts; duplicates by URL and by claim text; one bad item never stops the rest."""

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from factcheck.library import sources, store
from factcheck.library.parsing import records_from_file
from factcheck.models import Claim, FactCheck, LibraryFeed

from .api_clients import api as api  # noqa: F401 - pytest fixtures, imported so that pytest finds them
from .api_clients import cms_user as cms_user  # noqa: F401

SAMPLES = Path(__file__).resolve().parent / "library_samples"
S = Claim.Status

CLAIM_REVIEW = {
    "@context": "https://schema.org",
    "@type": "ClaimReview",
    "url": "https://factcheck.example.org/panjshir-flag",
    "claimReviewed": "A photo shows the Taliban flag over the Panjshir governor's office.",
    "author": {"@type": "Organization", "name": "Example Fact Check"},
    "datePublished": "2021-09-07",
    "reviewRating": {"@type": "Rating", "alternateName": "False"},
}


def test_a_datacommons_feed_file_is_added_item_by_item(db):
    results = sources.import_path(SAMPLES / "datacommons_feed.json")
    counts = store.summary(results)
    assert counts["created"] >= 2 and FactCheck.objects.count() == counts["created"]
    assert counts["failed"] == 2  # the sample's two items without claim text or URL, each with its reason
    assert all(f.origin == FactCheck.Origin.FILE and f.claim_reviewed and f.url for f in FactCheck.objects.all())
    again = store.summary(sources.import_path(SAMPLES / "datacommons_feed.json"))
    assert again["created"] == 0 and again["duplicate"] == counts["created"]


def test_one_broken_line_of_a_jsonl_file_is_reported_and_the_others_are_kept(db):
    results = sources.import_path(SAMPLES / "claims.jsonl")
    failed = [r for r in results if r.outcome == store.FAILED]
    assert failed and "line 3" in failed[0].position
    assert FactCheck.objects.count() == sum(r.outcome == store.CREATED for r in results) > 0


def test_a_csv_keeps_the_publishers_rating_and_maps_it_when_clear(db):
    sources.import_path(SAMPLES / "desk_export.csv")
    french = FactCheck.objects.get(language="fr", rating_text="Faux")
    assert french.rating is not None and french.rating.slug == "false"
    assert french.date_published.isoformat() == "2021-10-01"


def test_the_same_claim_from_the_same_publisher_at_another_url_is_a_duplicate(db):
    assert store.summary(sources.import_body(CLAIM_REVIEW))["created"] == 1
    moved = {**CLAIM_REVIEW, "url": "https://factcheck.example.org/panjshir-flag?utm_source=x"}
    moved["claimReviewed"] = "A photo shows the  Taliban flag over the Panjshir governor's office."
    result = sources.import_body(moved)[0]
    assert result.outcome == store.DUPLICATE and FactCheck.objects.count() == 1


def test_an_item_without_claim_text_or_url_is_refused_with_its_reason(db):
    results = sources.import_body([{**CLAIM_REVIEW, "claimReviewed": ""}, {**CLAIM_REVIEW, "url": ""}, CLAIM_REVIEW])
    assert [r.outcome for r in results] == ["failed", "failed", "created"]
    assert all(r.message for r in results)


def test_a_page_or_feed_address_goes_through_the_safe_fetcher(db):
    [result] = sources.import_url("http://127.0.0.1:9/fact-check")
    assert result.outcome == store.FAILED and "127.0.0.1" in result.message  # refused: a private address


def test_the_command_prints_the_summary_and_fails_when_any_item_failed(db, tmp_path):
    clean = tmp_path / "two.json"
    second = {**CLAIM_REVIEW, "url": "https://factcheck.example.org/other", "claimReviewed": "Another claim."}
    clean.write_text(json.dumps([CLAIM_REVIEW, second]), encoding="utf-8")
    out = StringIO()
    call_command("import_factchecks", str(clean), "--no-progress", stdout=out)
    assert "2 created, 0 duplicate, 0 failed" in out.getvalue()
    out = StringIO()
    call_command("import_factchecks", str(tmp_path / "*.json"), "--no-progress", stdout=out)  # a glob
    assert "0 created, 2 duplicate, 0 failed" in out.getvalue()
    with pytest.raises(CommandError, match=r"\d+ created, \d+ duplicate, [1-9]\d* failed"):
        call_command(
            "import_factchecks", str(SAMPLES / "*.jsonl"), "--no-progress", stdout=StringIO(), stderr=StringIO()
        )
    with pytest.raises(CommandError, match="0 created, 0 duplicate, 1 failed"):
        call_command("import_factchecks", "/no/such/file.json", stdout=StringIO(), stderr=StringIO())


@pytest.mark.parametrize(
    ("who", "status"),
    [("editor", 200), ("cms", 200), ("assigned_reviewer", 403), ("other_reviewer", 403), ("anonymous", 403)],
)
def test_the_api_takes_claimreviews_from_editors_and_the_cms(api, who, status):
    response = api(who).post("/api/v1/factchecks/", CLAIM_REVIEW, format="json")
    assert response.status_code in ((status,) if status != 403 else (401, 403)), response.content
    if status == 200:
        body = response.json()
        assert body["created"] == 1 and body["results"][0]["outcome"] == "created"


def test_the_api_answers_a_result_per_item_of_a_datafeed(api):
    feed = json.loads((SAMPLES / "datacommons_feed.json").read_text(encoding="utf-8"))
    body = api("editor").post("/api/v1/factchecks/", feed, format="json").json()
    assert len(body["results"]) == body["created"] + body["duplicate"] + body["failed"] >= 2


def test_a_published_verdict_enters_the_library_as_our_own_and_a_correction_updates_it(
    make_claim, editor_user, second_editor
):
    from factcheck import workflow
    from factcheck.models import Rating

    claim = make_claim(S.PUBLISHED)
    own = FactCheck.objects.get(claim=claim)
    assert own.own and own.origin == FactCheck.Origin.OWN and own.claim_reviewed == claim.text
    assert own.rating.slug == "unverifiable" and own.url.endswith(f"/claims/{claim.pk}/")
    workflow.verdict_correct(claim, actor=editor_user, rating=Rating.objects.get(slug="false"), summary="x", reason="y")
    assert FactCheck.objects.get(claim=claim).rating.slug == "unverifiable"  # until the correction is approved
    workflow.verdict_approve(claim, actor=second_editor)
    assert FactCheck.objects.get(claim=claim).rating.slug == "false" and FactCheck.objects.count() == 1


def test_a_subscribed_feed_is_polled_into_the_library(db, monkeypatch):
    feed = LibraryFeed.objects.create(url="https://feeds.example.org/claimreview.json")
    body = (SAMPLES / "datacommons_feed.json").read_bytes()
    monkeypatch.setattr(sources, "records_from_url", lambda url: records_from_file("feed.json", body))
    counts = sources.poll(feed.pk)
    feed.refresh_from_db()
    assert counts["created"] >= 2 and feed.last_polled_at is not None and feed.last_error == ""
    assert FactCheck.objects.filter(feed=feed, origin=FactCheck.Origin.FEED).count() == counts["created"]


def test_poll_feeds_polls_the_librarys_subscriptions_too(db, monkeypatch):
    feed = LibraryFeed.objects.create(url="https://feeds.example.org/claimreview.json", name="Example checks")
    body = (SAMPLES / "datacommons_feed.json").read_bytes()
    monkeypatch.setattr(sources, "records_from_url", lambda url: records_from_file("feed.json", body))
    out = StringIO()
    call_command("poll_feeds", stdout=out)
    assert "Example checks: " in out.getvalue() and "created" in out.getvalue()
    assert FactCheck.objects.filter(feed=feed).exists()
