"""The fact-check library's API: GET /api/v1/factchecks/ (search, newest, limits, odd input, who may
read) and GET /api/v1/claims/{id}/matches/ (a claim ranked against the library, its own verdict left out)."""

from datetime import date

import pytest

from factcheck.models import FactCheck

from .api_clients import ACTORS, S, _error
from .api_clients import api as api  # a pytest fixture, imported so that pytest finds it
from .api_clients import cms_user as cms_user  # the fixture ``api`` needs
from .conftest import QUOTE

CONQUERED = "The last nest of the enemy, Panjshir province, was completely conquered"  # in the article

KEYS = {"id", "claim_reviewed", "title", "url", "publisher", "rating", "rating_slug", "date_published",
        "language", "score", "own"}  # fmt: skip

LIBRARY = [
    ("https://fc.example.org/minecraft", "The popular video game Minecraft is shutting down in 2020.",
     "Is Minecraft shutting down?", "Snopes", "False", date(2019, 5, 1)),
    ("https://fc.example.org/wakanda", "Wakanda is listed as a US free trade partner on the USDA website.",
     "Wakanda free trade partner", "PolitiFact", "Pants on Fire", date(2020, 1, 2)),
    ("https://fc.example.org/rouhani", "A photograph shows Obama shaking hands with Iranian President Rouhani.",
     "Obama and Rouhani photo", "AFP Fact Check", "Altered photo", date(2021, 3, 4)),
    ("https://fc.example.org/fyre", "The Fyre Festival descended into chaos in the Bahamas.",
     "Fyre Festival chaos", "Full Fact", "True", date(2018, 7, 8)),
]  # fmt: skip


def fact_check(url, claim, title="", publisher="Snopes", rating_text="False", when=None, language="en"):
    return FactCheck.objects.create(
        url=url, claim_reviewed=claim, title=title, publisher=publisher, rating_text=rating_text,
        date_published=when, language=language, origin="api",
    )  # fmt: skip


@pytest.fixture
def library(db):
    return [fact_check(*row) for row in LIBRARY]


@pytest.fixture
def panjshir(db):
    return fact_check(
        "https://fc.example.org/panjshir",
        "The Taliban completely conquered Panjshir province, the last nest of the enemy.",
        "Did the Taliban conquer Panjshir?", "AFP Fact Check", "Misleading", date(2021, 9, 7),
    )  # fmt: skip


def test_a_paraphrase_finds_its_fact_check_first_with_the_documented_shape(api, library):
    paraphrase = "Is it true that Minecraft, the video game, will shut down?"
    response = api("editor").get("/api/v1/factchecks/", {"q": paraphrase})
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"results"}
    results = body["results"]
    assert results and results[0]["id"] == library[0].pk
    for item in results:
        assert set(item) == KEYS
        assert 0.0 <= item["score"] <= 1.0
        assert item["own"] is False
    scores = [item["score"] for item in results]
    assert scores == sorted(scores, reverse=True)
    first = results[0]
    assert first["url"] == "https://fc.example.org/minecraft" and first["publisher"] == "Snopes"
    assert first["rating"] == "False" and first["date_published"] == "2019-05-01" and first["language"] == "en"
    assert first["rating_slug"] is None  # created without a mapping onto our scale


@pytest.mark.parametrize(
    ("query", "expected"),
    [("Obama shook hands with Rouhani, a photo shows", 2), ("chaos at the Fyre Festival in the Bahamas", 3),
     ("the USDA lists Wakanda as a free trade partner", 1)],
)  # fmt: skip
def test_each_paraphrase_ranks_the_right_fact_check_first(api, library, query, expected):
    results = api("editor").get("/api/v1/factchecks/", {"q": query}).json()["results"]
    assert results[0]["id"] == library[expected].pk


def test_a_mapped_rating_has_its_slug(api, library, rating):
    library[0].rating = rating
    library[0].save()
    first = api("editor").get("/api/v1/factchecks/", {"q": "Minecraft shutting down"}).json()["results"][0]
    assert first["id"] == library[0].pk and first["rating_slug"] == rating.slug


def test_limit_is_respected(api, library):
    client = api("editor")
    assert len(client.get("/api/v1/factchecks/", {"limit": 2}).json()["results"]) == 2
    ranked = client.get("/api/v1/factchecks/", {"q": "a photo, a video game, a festival", "limit": 1})
    assert len(ranked.json()["results"]) <= 1
    assert len(client.get("/api/v1/factchecks/", {"limit": 50}).json()["results"]) == 4


@pytest.mark.parametrize("limit", ["0", "51", "abc", "-1", "1.5"])
def test_a_bad_limit_is_a_json_400(api, library, limit):
    for url in ("/api/v1/factchecks/", "/api/v1/factchecks/?q=Minecraft"):
        response = api("editor").get(url, {"limit": limit})
        assert response.status_code == 400
        assert _error(response)


def test_a_nul_in_the_query_is_a_json_400(api, library):
    response = api("editor").get("/api/v1/factchecks/", {"q": "Mine\x00craft"})
    assert response.status_code == 400
    assert _error(response)


@pytest.mark.parametrize("q", ["", "   "])
def test_without_words_the_newest_come_first_unscored(api, library, q):
    results = api("editor").get("/api/v1/factchecks/", {"q": q}).json()["results"]
    by_date = sorted(library, key=lambda f: f.date_published, reverse=True)
    assert [r["id"] for r in results] == [f.pk for f in by_date]
    assert all(r["score"] is None and set(r) == KEYS for r in results)


@pytest.mark.parametrize("q", ["\"'*()-OR NEAR(", "🔥" * 3, "x" * 20_000, "<script>alert(1)</script>"])
def test_odd_queries_answer_200(api, library, q):
    response = api("editor").get("/api/v1/factchecks/", {"q": q})
    assert response.status_code == 200
    assert isinstance(response.json()["results"], list)


@pytest.mark.parametrize("actor", ACTORS)
def test_who_may_search_the_library(api, library, actor):
    response = api(actor).get("/api/v1/factchecks/", {"q": "Minecraft"})
    if actor in ("outsider", "anonymous"):
        assert response.status_code in (401, 403)
        _error(response)
    else:
        assert response.status_code == 200
        assert response.json()["results"][0]["id"] == library[0].pk


# --- a claim's matches ---------------------------------------------------------------------------


def test_a_claims_matches_have_the_same_shape(api, make_claim, library, panjshir):
    claim = make_claim(S.FLAGGED, text=CONQUERED)
    response = api("editor").get(f"/api/v1/claims/{claim.pk}/matches/")
    assert response.status_code == 200
    results = response.json()["results"]
    assert results[0]["id"] == panjshir.pk
    assert all(set(r) == KEYS and 0.0 <= r["score"] <= 1.0 for r in results)
    assert len(api("editor").get(f"/api/v1/claims/{claim.pk}/matches/", {"limit": 1}).json()["results"]) == 1
    assert api("editor").get(f"/api/v1/claims/{claim.pk}/matches/", {"limit": "0"}).status_code == 400


def test_a_published_claims_own_verdict_is_not_its_match_but_is_anothers(api, make_claim, library):
    published = make_claim(S.PUBLISHED)
    own = FactCheck.objects.get(claim=published)
    assert own.own is True and own.claim_reviewed == QUOTE
    again = make_claim(S.FLAGGED)  # the same words, said again
    client = api("editor")
    mine = client.get(f"/api/v1/claims/{published.pk}/matches/").json()["results"]
    assert own.pk not in [r["id"] for r in mine]
    theirs = client.get(f"/api/v1/claims/{again.pk}/matches/").json()["results"]
    assert theirs[0]["id"] == own.pk and theirs[0]["own"] is True
    searched = client.get("/api/v1/factchecks/", {"q": QUOTE}).json()["results"]
    assert searched[0]["id"] == own.pk and searched[0]["own"] is True


@pytest.mark.parametrize("actor", ["editor", "assigned_reviewer", "other_reviewer"])
def test_the_desk_reads_a_claims_matches(api, make_claim, library, actor):
    claim = make_claim(S.ASSIGNED, text=CONQUERED)
    assert api(actor).get(f"/api/v1/claims/{claim.pk}/matches/").status_code == 200


def test_a_cms_token_may_not_read_a_claims_matches(api, make_claim, library):
    claim = make_claim(S.PUBLISHED)
    response = api("cms").get(f"/api/v1/claims/{claim.pk}/matches/")
    assert response.status_code == 403
    _error(response)


@pytest.mark.parametrize("actor", ["outsider", "anonymous"])
def test_outsiders_may_not_read_a_claims_matches(api, make_claim, library, actor):
    claim = make_claim(S.PUBLISHED)
    assert api(actor).get(f"/api/v1/claims/{claim.pk}/matches/").status_code in (401, 403)


def test_an_unknown_claims_matches_are_a_404(api, library):
    response = api("editor").get("/api/v1/claims/999999/matches/")
    assert response.status_code == 404


def test_the_schema_documents_the_library(client, db):
    paths = client.get("/api/schema/?format=json").json()["paths"]
    assert {"get", "post"} <= set(paths["/api/v1/factchecks/"])
    assert "get" in paths["/api/v1/claims/{id}/matches/"]
    parameters = {p["name"] for p in paths["/api/v1/factchecks/"]["get"].get("parameters", [])}
    assert {"q", "limit"} <= parameters
