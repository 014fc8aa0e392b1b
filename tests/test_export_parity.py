"""Issue 14: the claim list and the ClaimReview feed are built from rows (``factcheck.export``),
a claim's detail, an action's answer and a webhook from models (``payloads.claim_json``). Both
must give exactly the same JSON, for the desk and for the CMS, whatever state a claim is in."""

import pytest
from django.utils import timezone

from factcheck import contributions, workflow
from factcheck.claimreview import claimreview_feed, with_review_data
from factcheck.models import Claim, Media, Rating

from .api_clients import api as api  # a pytest fixture, imported so that pytest finds it
from .api_clients import cms_user as cms_user  # the fixture ``api`` needs
from .claimreview_fixtures import PHOTO_SUMMARY, suggested
from .claimreview_fixtures import _public_site as _public_site  # an autouse fixture: it applies here too
from .claimreview_fixtures import panjshir as panjshir  # a pytest fixture, imported so that pytest finds it
from .claimreview_fixtures import publish as publish  # a pytest fixture, imported so that pytest finds it

S = Claim.Status


@pytest.fixture
def claims(panjshir, publish, make_claim, editor_user, second_editor, assigned_reviewer):
    """Claims in every state the list shows: published (a photo with a MediaReview, a quote with
    topics and evidence before and after approval), corrected and waiting, submitted, returned,
    suggested with a score, flagged."""
    photo = suggested(panjshir, Claim.Kind.IMAGE, "white flag of the Taliban")
    Media.objects.filter(pk=photo.media_id).update(url="https://cdn.example/flag.jpg", caption="The flag")
    photo = publish(photo, "unverifiable", PHOTO_SUMMARY, media_authenticity="OriginalMediaContent")
    quote = make_claim(S.PUBLISHED)
    contributions.set_tags(quote, actor=editor_user, names=["Panjshir", "war"])
    contributions.evidence_add(quote, actor=editor_user, url="https://x.example/after", description="Later")
    corrected = make_claim(S.PUBLISHED)
    workflow.verdict_correct(
        corrected, actor=editor_user, rating=Rating.objects.get(slug="false"), summary="New footage.",
        reason="A video surfaced.",
    )  # fmt: skip
    twice = make_claim(S.PUBLISHED)
    workflow.verdict_correct(twice, actor=editor_user, rating=Rating.objects.get(slug="false"), summary="x", reason="y")
    workflow.verdict_approve(twice, actor=second_editor)
    make_claim(S.SUBMITTED)
    returned = make_claim(S.SUBMITTED)
    workflow.perform("return", returned, actor=editor_user, note="Find a second source.")
    make_claim(S.FLAGGED)
    Claim.objects.filter(pk=quote.pk).update(updated_at=timezone.now())
    return Claim.objects.all()


@pytest.mark.parametrize("who", ["editor", "cms"])
def test_every_claim_in_the_list_is_exactly_its_detail(api, claims, who):
    client = api(who)
    listed = client.get("/api/v1/claims/?page_size=200").json()["results"]
    assert len(listed) >= (4 if who == "cms" else 9)
    for item in listed:
        assert item == client.get(f"/api/v1/claims/{item['id']}/").json(), item["id"]


@pytest.mark.parametrize("who", ["editor", "cms"])
def test_the_claimreview_feed_is_exactly_the_models_feed(api, claims, who):
    feed = api(who).get("/api/v1/claimreview/?page_size=200").json()
    published = with_review_data(
        Claim.objects.published().order_by("public_updated_at" if who == "cms" else "updated_at", "id")
    )
    expected = claimreview_feed(published)
    assert feed["@graph"] == expected["@graph"]
    assert {node["@type"] for node in feed["@graph"]} == {"ClaimReview", "MediaReview"}
    assert any("dateModified" in node for node in feed["@graph"])


def test_the_builder_writes_any_instant_as_the_api_does():
    """Rows read from the database are UTC (written with a Z); an instant still in memory with
    another offset, or naive, is written as ``iso`` writes it."""
    from datetime import UTC, datetime, timedelta, timezone

    from factcheck import export

    builder = export.Builder(public=True, absolute=str)
    for moment in (
        datetime(2021, 9, 6, 10, 0, tzinfo=UTC),
        datetime(2021, 9, 6, 12, 0, 0, 250, tzinfo=timezone(timedelta(hours=2))),
        datetime(2021, 9, 6, 10, 0),
        None,
    ):
        assert builder.iso(moment) == export.iso(moment)
    assert builder.iso(datetime(2021, 9, 6, 12, 0, tzinfo=timezone(timedelta(hours=2)))) == "2021-09-06T10:00:00Z"
