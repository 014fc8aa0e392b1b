"""The CMS export API under /api/v1/, reading: who sees what, filters and incremental sync, pinned
query counts, ClaimReview, the schema and docs, and the error shapes of odd reads."""

from datetime import timedelta
from urllib.parse import quote

import pytest
from django.utils import timezone

from factcheck import workflow
from factcheck.models import Claim

from .api_clients import ACTORS, ARTICLE, S, _error
from .api_clients import api as api  # a pytest fixture, imported so that pytest finds it
from .api_clients import cms_user as cms_user  # the fixture ``api`` needs
from .factories import ArticleFactory

# --- who sees what ---------------------------------------------------------------

# Every list endpoint: the desk and the CMS read, an outsider is refused, anonymous must authenticate.
LIST_STATUS = {"editor": 200, "assigned_reviewer": 200, "other_reviewer": 200, "cms": 200, "outsider": 403,
               "anonymous": 401}  # fmt: skip
LISTS = ("/api/v1/claims/", "/api/v1/articles/", "/api/v1/ratings/", "/api/v1/claimreview/")
READS = dict.fromkeys(LISTS, LIST_STATUS)


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("endpoint", list(READS))
def test_list_endpoints_answer_each_kind_of_account(api, make_claim, endpoint, actor):
    make_claim(S.PUBLISHED)
    response = api(actor).get(endpoint)
    assert response.status_code == READS[endpoint][actor]
    if response.status_code >= 400:
        _error(response)


@pytest.mark.parametrize("actor", ACTORS)
def test_a_cms_token_never_sees_an_unpublished_claim(api, make_claim, actor):
    published, draft = make_claim(S.PUBLISHED), make_claim(S.SUBMITTED)
    client = api(actor)
    listed = client.get("/api/v1/claims/")
    detail = client.get(f"/api/v1/claims/{draft.pk}/")
    article = client.get(f"/api/v1/articles/{draft.article_id}/")
    if actor in ("outsider", "anonymous"):
        assert {listed.status_code, detail.status_code, article.status_code} <= {401, 403}
        return
    ids = {c["id"] for c in listed.json()["results"]}
    if actor == "cms":
        assert ids == {published.pk}
        assert detail.status_code == 404
        assert [c["id"] for c in article.json()["claims"]] == [published.pk]
        assert client.get(f"/api/v1/claims/{draft.pk}/claimreview/").status_code == 404
    else:
        assert ids == {published.pk, draft.pk} and detail.status_code == 200


def test_a_cms_token_sees_no_users_data(api, make_claim):
    claim = make_claim(S.PUBLISHED)
    body = api("cms").get(f"/api/v1/claims/{claim.pk}/").json()
    assert body["verdict"]["author"] is None and body["verdict"]["approved_by"] is None
    assert body["pending_verdict"] is None and "reason" not in body and "page" not in body["links"]
    assert "reviewer1" not in str(body) and "editor1" not in str(body)
    people = api("editor").get(f"/api/v1/claims/{claim.pk}/").json()
    assert people["verdict"]["author"] == "reviewer1" and people["verdict"]["approved_by"] == "editor1"


def test_the_claim_detail_has_verdict_revisions_evidence_and_links(api, make_claim, editor_user, second_editor):
    from factcheck.models import Rating

    claim = make_claim(S.PUBLISHED)
    workflow.verdict_correct(
        claim, actor=editor_user, rating=Rating.objects.get(slug="false"), summary="New footage.", reason="Video",
        evidence=[{"url": "https://example.org/video", "description": "Dated footage"}],
    )  # fmt: skip
    workflow.verdict_approve(claim, actor=second_editor)
    body = api("cms").get(f"/api/v1/claims/{claim.pk}/").json()
    assert body["status"] == "published" and body["kind"] == "quote"
    assert body["verdict"]["rating"] == {
        "slug": "false", "label": "False", "value": 1, "best": 5, "worst": 1, "colour": "#dc3545",
    }  # fmt: skip
    assert body["verdict"]["revision"] == 2 and body["verdict"]["correction_reason"] == "Video"
    assert [r["rating"]["slug"] for r in body["revisions"]] == ["unverifiable"]
    assert body["evidence"][0]["url"] == "https://example.org/video"
    assert body["article"]["id"] == claim.article_id
    assert body["links"]["claimreview"].endswith(f"/api/v1/claims/{claim.pk}/claimreview/")
    assert body["span"] == {"start": claim.span_start, "end": claim.span_end}


# --- filters and incremental sync ---------------------------------------------------------------


def test_claim_filters(api, make_claim):
    published, flagged = make_claim(S.PUBLISHED), make_claim(S.FLAGGED, text="reportedly numbers in the thousands")
    client = api("editor")

    def ids(query):
        return {c["id"] for c in client.get(f"/api/v1/claims/?{query}").json()["results"]}

    assert ids("status=published") == {published.pk}
    assert ids("status=published&status=flagged") == {published.pk, flagged.pk}
    assert ids("rating=unverifiable") == {published.pk}
    assert ids(f"article={published.article_id}") == {published.pk, flagged.pk}
    assert ids("kind=statistic") == set()
    assert ids("updated_since=2099-01-01T00:00:00Z") == set()


def test_article_filter_by_url_ignores_tracking_parameters(api):
    api("cms").post("/api/v1/articles/", ARTICLE, format="json")
    found = api("cms").get("/api/v1/articles/?url=https://news.example.org/turnout?utm_medium=x").json()
    assert [a["external_id"] for a in found["results"]] == ["cms-77"]


def test_incremental_sync_sees_each_published_claim_exactly_once(api, make_claim, settings, second_editor):
    """A CMS syncs in runs (follow `next`, keep `resume`) while editors keep publishing."""
    settings.API_SYNC_SETTLE_SECONDS = 0
    waiting = [make_claim(S.SUBMITTED) for _ in range(9)]
    for _ in range(4):
        make_claim(S.PUBLISHED)
    since = quote((timezone.now() - timedelta(hours=1)).isoformat())
    client = api("cms")
    seen: list[int] = []
    resume = f"/api/v1/claims/?updated_since={since}&page_size=2"
    for _run in range(20):  # sync runs, until a run finds nothing new
        url, found = resume, 0
        while url:
            body = client.get(url).json()
            seen.extend(c["id"] for c in body["results"])
            found += len(body["results"])
            if waiting:  # between two pages, someone publishes another claim
                workflow.verdict_approve(waiting.pop(), actor=second_editor)
            url, resume = body["next"], body["resume"] or resume
        if not found and not waiting:
            break
    assert sorted(seen) == sorted(set(seen))  # nothing twice
    assert set(seen) == set(Claim.objects.filter(status=S.PUBLISHED).values_list("pk", flat=True))
    assert len(seen) == 13 and not waiting
    # A correction published later comes back once, after the resume point.
    corrected = Claim.objects.get(pk=seen[0])
    from factcheck.models import Rating

    workflow.verdict_correct(corrected, actor=second_editor, rating=Rating.objects.get(slug="false"), summary="x",
                             reason="y")  # fmt: skip
    from .factories import editor

    workflow.verdict_approve(corrected, actor=editor("editor3"))
    again = client.get(resume).json()
    assert [c["id"] for c in again["results"]] == [corrected.pk] and again["results"][0]["verdict"]["revision"] == 2


def test_incremental_sync_waits_for_changes_to_settle(api, make_claim, settings):
    settings.API_SYNC_SETTLE_SECONDS = 60
    make_claim(S.PUBLISHED)
    since = (timezone.now() - timedelta(hours=1)).isoformat()
    assert api("cms").get("/api/v1/claims/", {"updated_since": since}).json()["results"] == []
    assert len(api("cms").get("/api/v1/claims/").json()["results"]) == 1  # plain listing is immediate


# --- pinned query counts ---------------------------------------------------------------


@pytest.mark.parametrize("rows", [1, 200])
def test_claim_list_query_count_is_the_same_at_1_and_200_claims(api, make_claim, rows, django_assert_num_queries):
    article = ArticleFactory()
    for _ in range(rows):
        claim = workflow.claim_suggest(article=article, text="reportedly numbers in the thousands")
        Claim.objects.filter(pk=claim.pk)  # (suggested claims are enough: the page reads the same relations)
    client = api("editor")
    # user + its permissions (1), page of claims (with article, media), verdicts (+rating, people), evidence, tags
    with django_assert_num_queries(5):
        response = client.get("/api/v1/claims/?page_size=200")
    assert len(response.json()["results"]) == rows


@pytest.mark.parametrize("rows", [1, 20])
def test_claim_detail_and_article_detail_query_counts_are_fixed(api, make_claim, rows, django_assert_num_queries):
    claims = [make_claim(S.PUBLISHED) for _ in range(rows)]
    client = api("cms")
    # token, perms (one statement), claim (+article, media), verdicts, evidence, tags
    with django_assert_num_queries(6):
        assert client.get(f"/api/v1/claims/{claims[0].pk}/").status_code == 200
    # token, perms (one statement), article, media, claims (+article, media), verdicts, evidence, tags
    with django_assert_num_queries(8):
        assert client.get(f"/api/v1/articles/{claims[0].article_id}/").status_code == 200


# --- ClaimReview, schema and docs ---------------------------------------------------------------


def test_claimreview_endpoint_answers_json_ld(api, make_claim):
    claim = make_claim(S.PUBLISHED)
    response = api("cms").get(f"/api/v1/claims/{claim.pk}/claimreview/")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/ld+json")
    graph = response.json()["@graph"]
    review = next(node for node in graph if node["@type"] == "ClaimReview")
    assert review["claimReviewed"] == claim.text and review["reviewRating"]["alternateName"] == "Unverifiable"


def test_the_claimreview_feed_lists_published_verdicts_only(api, make_claim):
    published = make_claim(S.PUBLISHED)
    make_claim(S.SUBMITTED)
    body = api("cms").get("/api/v1/claimreview/").json()
    reviews = [node for node in body["@graph"] if node["@type"] == "ClaimReview"]
    assert [r["claimReviewed"] for r in reviews] == [published.text]
    assert body["@context"] == "https://schema.org" and body["next"] is None


@pytest.mark.parametrize("rows", [1, 20])
def test_claimreview_feed_query_count_is_fixed(api, make_claim, rows, django_assert_num_queries):
    for _ in range(rows):
        make_claim(S.PUBLISHED)
    client = api("cms")
    # token, perms (one statement), page of claims (+article, media), approved verdicts (+rating)
    with django_assert_num_queries(4):
        assert client.get("/api/v1/claimreview/?page_size=50").status_code == 200


def test_the_openapi_schema_and_offline_docs(client, db):
    schema = client.get("/api/schema/?format=json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    for path in ("/api/v1/claims/", "/api/v1/claims/{id}/submit/", "/api/v1/articles/", "/api/v1/claimreview/"):
        assert path in paths
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    page = docs.content.decode()
    assert "drf_spectacular_sidecar/swagger-ui-dist" in page
    assert "cdn." not in page and "unpkg" not in page and "jsdelivr" not in page


def test_tokens_are_throttled_with_a_json_429(api, monkeypatch):
    from django.core.cache import cache
    from rest_framework.throttling import UserRateThrottle

    cache.clear()
    monkeypatch.setattr(UserRateThrottle, "THROTTLE_RATES", {"user": "2/min", "anon": "2/min"})
    client = api("cms")
    assert [client.get("/api/v1/ratings/").status_code for _ in range(3)] == [200, 200, 429]
    assert "throttled" in _error(client.get("/api/v1/ratings/"))["code"]
    cache.clear()


def test_a_pending_correction_leaves_the_published_verdict_visible_to_the_cms(api, make_claim, editor_user):
    from factcheck.models import Rating

    claim = make_claim(S.PUBLISHED)
    workflow.verdict_correct(
        claim, actor=editor_user, rating=Rating.objects.get(slug="false"), summary="Draft correction.",
        reason="Unsure yet", evidence=[{"url": "https://example.org/draft", "description": "unchecked"}],
    )  # fmt: skip
    client = api("cms")
    body = client.get(f"/api/v1/claims/{claim.pk}/").json()
    assert body["status"] == "published" and body["verdict"]["rating"]["slug"] == "unverifiable"
    assert "draft" not in str(body).lower()  # neither the pending verdict nor its evidence
    assert client.get(f"/api/v1/claims/{claim.pk}/claimreview/").status_code == 200
    assert [c["id"] for c in client.get("/api/v1/claims/?status=published").json()["results"]] == [claim.pk]
    assert client.get("/api/v1/claims/?status=submitted").json()["results"] == []
    feed = client.get("/api/v1/claimreview/").json()["@graph"]
    assert [n["claimReviewed"] for n in feed if n["@type"] == "ClaimReview"] == [claim.text]


def test_evidence_added_after_approval_stays_inside_until_the_next_approval(api, make_claim, editor_user):
    from factcheck import contributions

    claim = make_claim(S.PUBLISHED)
    contributions.evidence_add(claim, actor=editor_user, url="https://example.org/later", description="Later")
    assert api("cms").get(f"/api/v1/claims/{claim.pk}/").json()["evidence"] == []
    assert len(api("editor").get(f"/api/v1/claims/{claim.pk}/").json()["evidence"]) == 1


def test_the_rating_filter_uses_the_verdict_in_force(api, make_claim, editor_user, second_editor):
    from factcheck.models import Rating

    claim = make_claim(S.PUBLISHED)  # unverifiable
    workflow.verdict_correct(claim, actor=editor_user, rating=Rating.objects.get(slug="true"), summary="x", reason="y")
    workflow.verdict_approve(claim, actor=second_editor)
    client = api("cms")
    assert [c["id"] for c in client.get("/api/v1/claims/?rating=true").json()["results"]] == [claim.pk]
    assert client.get("/api/v1/claims/?rating=unverifiable").json()["results"] == []


def test_a_returned_first_verdict_tells_the_cms_nothing_but_the_claims_id(make_claim, editor_user):
    from factcheck.payloads import cms_claim

    claim = make_claim(S.SUBMITTED)
    workflow.verdict_return(claim, actor=editor_user, note="Needs a second source.")
    assert cms_claim(claim) == {
        "id": claim.pk,
        "article": {"id": claim.article_id, "url": claim.article.url, "external_id": claim.article.external_id},
    }


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/claims/?cursor=cD1ub3RhZGF0ZQ%3D%3D",  # base64("p=notadate")
        "/api/v1/claimreview/?cursor=cD1ub3RhZGF0ZQ%3D%3D",
        "/api/v1/claims/?updated_since=0001-01-01T00:00:00%2B14:00",
        "/api/v1/claims/?updated_since=9999-12-31T23:59:59-14:00",
        "/api/v1/claims/abc/",
        "/api/v1/claims/1234567890123456789012/",
        "/api/v1/nothing/",
    ],
)
def test_forged_cursors_odd_dates_and_unknown_paths_answer_json_4xx(api, make_claim, path):
    make_claim(S.PUBLISHED)
    response = api("editor").get(path)
    assert 400 <= response.status_code < 500 and "json" in response["Content-Type"]
    _error(response)


def test_unicode_digits_are_not_a_reviewer_id(api, make_claim):
    claim = make_claim(S.FLAGGED)
    response = api("editor").post(f"/api/v1/claims/{claim.pk}/assign/", {"reviewer": "²"}, format="json")
    assert response.status_code == 400 and "reviewer" in _error(response)["fields"]


def test_a_list_without_filters_skips_django_filter_and_answers_the_same(api, make_claim, monkeypatch):
    """Issue 14: a request naming no filter does not build django-filter's form; one naming a filter
    still does, and a bad value is still refused."""
    from django_filters.rest_framework import DjangoFilterBackend

    make_claim(S.PUBLISHED)
    make_claim(S.FLAGGED)
    built = []
    original = DjangoFilterBackend.filter_queryset
    monkeypatch.setattr(DjangoFilterBackend, "filter_queryset", lambda self, *a: built.append(1) or original(self, *a))
    editor = api("editor")
    everything = editor.get("/api/v1/claims/").json()["results"]
    assert len(everything) == 2 and built == []
    flagged = editor.get("/api/v1/claims/", {"status": "flagged"}).json()["results"]
    assert [c["status"] for c in flagged] == ["flagged"] and built == [1]
    assert editor.get("/api/v1/claims/", {"article": "1.5"}).status_code == 400
    assert editor.get("/api/v1/claims/", {"unknown": "x"}).json()["results"] == everything
