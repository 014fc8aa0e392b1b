"""The fact-check library on the desk's pages: "Checked before" on the claim page with its one-click
actions (cite as evidence, the same claim as our earlier one), the /library/ page (who, search,
filters, pinned queries), and the stored matches beside suggestions on the article page."""

from datetime import date

import pytest
from django.template.defaultfilters import date as date_filter
from lxml import html as lxml_html

from factcheck.library import matches
from factcheck.models import Claim, Evidence, FactCheck, Rating

from .api_clients import cms_user as cms_user  # a pytest fixture, imported so that pytest finds it
from .conftest import QUOTE

S = Claim.Status
CONQUERED = "The last nest of the enemy, Panjshir province, was completely conquered"  # in the article


def fact_check(url, claim, *, title="", publisher="AFP Fact Check", rating_text="Misleading", when=None,
               language="en", rating=None):  # fmt: skip
    return FactCheck.objects.create(
        url=url, claim_reviewed=claim, title=title, publisher=publisher, rating_text=rating_text,
        date_published=when, language=language, origin="api", rating=rating,
    )  # fmt: skip


@pytest.fixture
def panjshir(db):
    return fact_check(
        "https://fc.example.org/panjshir",
        "The Taliban completely conquered Panjshir province, the last nest of the enemy.",
        title="Did the Taliban conquer Panjshir?", when=date(2021, 9, 7), language="fr",
    )  # fmt: skip


def page(client, user, url, **params):
    client.force_login(user)
    response = client.get(url, params)
    assert response.status_code == 200
    return response, lxml_html.fromstring(response.content.decode())


def flashes(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


# --- "Checked before" on the claim page ----------------------------------------------------------


def test_the_claim_page_shows_a_matching_fact_check(client, editor_user, make_claim, panjshir):
    claim = make_claim(S.FLAGGED, text=CONQUERED)
    score = matches.for_claim(claim)[0].score
    _, tree = page(client, editor_user, f"/claims/{claim.pk}/")
    section = tree.get_element_by_id("checked-before")
    text = " ".join(section.text_content().split())
    assert "AFP Fact Check" in text and "Misleading" in text and "fr" in text
    assert date_filter(panjshir.date_published, "DATE_FORMAT") in text
    assert f"score {score:.2f}" in text
    assert panjshir.url in section.xpath(".//a/@href")
    assert section.xpath(f'.//input[@name="fact_check"][@value="{panjshir.pk}"]')  # "Cite as evidence"
    assert not section.xpath('.//input[@name="earlier"]')  # not ours: no "The same claim as" button


def test_a_claim_without_a_match_says_so(client, editor_user, make_claim):
    claim = make_claim(S.FLAGGED)
    _, tree = page(client, editor_user, f"/claims/{claim.pk}/")
    assert "Nothing like it in the library." in tree.get_element_by_id("checked-before").text_content()


def test_citing_a_fact_check_adds_evidence_and_moves_updated_at(client, assigned_reviewer, make_claim, panjshir):
    claim = make_claim(S.ASSIGNED, text=CONQUERED)
    before = Claim.objects.get(pk=claim.pk).updated_at
    client.force_login(assigned_reviewer)
    response = client.post(f"/claims/{claim.pk}/cite/", {"fact_check": panjshir.pk}, follow=True)
    assert response.redirect_chain[-1][0] == f"/claims/{claim.pk}/"
    assert any("Cited AFP Fact Check" in m for m in flashes(response))
    evidence = Evidence.objects.get(claim=claim)
    assert evidence.url == panjshir.url and evidence.added_by == assigned_reviewer
    assert "AFP Fact Check" in evidence.description and "Misleading" in evidence.description
    assert Claim.objects.get(pk=claim.pk).updated_at > before


def test_an_editor_may_cite_too(client, editor_user, make_claim, panjshir):
    claim = make_claim(S.FLAGGED, text=CONQUERED)
    client.force_login(editor_user)
    client.post(f"/claims/{claim.pk}/cite/", {"fact_check": panjshir.pk})
    assert Evidence.objects.filter(claim=claim, url=panjshir.url).count() == 1


def test_another_reviewer_may_not_cite(client, other_reviewer, make_claim, panjshir):
    claim = make_claim(S.ASSIGNED, text=CONQUERED)
    client.force_login(other_reviewer)
    response = client.post(f"/claims/{claim.pk}/cite/", {"fact_check": panjshir.pk}, follow=True)
    assert any("assigned reviewer" in m for m in flashes(response))
    assert not Evidence.objects.filter(claim=claim).exists()


def test_anonymous_citing_is_sent_to_log_in(client, make_claim, panjshir):
    claim = make_claim(S.ASSIGNED, text=CONQUERED)
    response = client.post(f"/claims/{claim.pk}/cite/", {"fact_check": panjshir.pk})
    assert response.status_code == 302 and "login" in response["Location"]
    assert not Evidence.objects.filter(claim=claim).exists()


@pytest.mark.parametrize(
    "bogus",
    [
        "999999", "", "-1",
        "abc", "1; DROP TABLE",
    ],
)  # fmt: skip
def test_a_bogus_fact_check_is_an_error_message(client, editor_user, make_claim, panjshir, bogus):
    claim = make_claim(S.FLAGGED, text=CONQUERED)
    client.force_login(editor_user)
    response = client.post(f"/claims/{claim.pk}/cite/", {"fact_check": bogus}, follow=True)
    assert response.status_code == 200
    assert "No such fact-check in the library." in flashes(response)
    assert not Evidence.objects.filter(claim=claim).exists()


def test_citing_on_an_unknown_claim_is_a_404(client, editor_user, panjshir):
    client.force_login(editor_user)
    assert client.post("/claims/999999/cite/", {"fact_check": panjshir.pk}).status_code == 404


# --- the same claim as our earlier one ---------------------------------------------------------


def test_our_own_verdict_offers_the_same_claim_button_and_links_it(client, editor_user, make_claim, rating):
    earlier = make_claim(S.PUBLISHED)
    assert FactCheck.objects.get(claim=earlier).own
    again = make_claim(S.FLAGGED)  # the same words, said again
    _, tree = page(client, editor_user, f"/claims/{again.pk}/")
    section = tree.get_element_by_id("checked-before")
    assert section.xpath(f'.//input[@name="earlier"][@value="{earlier.pk}"]')
    assert f"The same claim as #{earlier.pk}" in section.text_content()
    assert "ours" in section.text_content()

    response = client.post(f"/claims/{again.pk}/same/", {"earlier": earlier.pk}, follow=True)
    assert f"Linked to claim #{earlier.pk}." in flashes(response)
    again.refresh_from_db()
    assert again.same_as_id == earlier.pk and again.status == S.FLAGGED  # still goes through review
    linked = lxml_html.fromstring(response.content.decode()).get_element_by_id("same-claim")
    assert f"#{earlier.pk}" in linked.text_content() and rating.label in linked.text_content()

    response = client.post(f"/claims/{again.pk}/same/", {"earlier": ""}, follow=True)
    assert "Unlinked." in flashes(response)
    again.refresh_from_db()
    assert again.same_as_id is None and again.status == S.FLAGGED
    assert 'id="same-claim"' not in response.content.decode()


def test_the_published_claim_offers_no_button_for_itself(client, editor_user, make_claim):
    earlier = make_claim(S.PUBLISHED)
    _, tree = page(client, editor_user, f"/claims/{earlier.pk}/")
    assert not tree.get_element_by_id("checked-before").xpath('.//input[@name="earlier"]')


def test_a_claim_is_not_the_same_as_itself(client, editor_user, make_claim):
    claim = make_claim(S.FLAGGED)
    client.force_login(editor_user)
    response = client.post(f"/claims/{claim.pk}/same/", {"earlier": claim.pk}, follow=True)
    assert "A claim cannot be the same as itself." in flashes(response)
    claim.refresh_from_db()
    assert claim.same_as_id is None


@pytest.mark.parametrize("earlier", ["999999", "abc"])
def test_an_unknown_earlier_claim_is_refused(client, editor_user, make_claim, earlier):
    claim = make_claim(S.FLAGGED)
    client.force_login(editor_user)
    response = client.post(f"/claims/{claim.pk}/same/", {"earlier": earlier}, follow=True)
    assert response.status_code == 200
    claim.refresh_from_db()
    assert claim.same_as_id is None
    if earlier.isdigit():
        assert "No such claim." in flashes(response)


def test_another_reviewer_may_not_link(client, other_reviewer, make_claim):
    earlier = make_claim(S.PUBLISHED)
    claim = make_claim(S.ASSIGNED)
    client.force_login(other_reviewer)
    response = client.post(f"/claims/{claim.pk}/same/", {"earlier": earlier.pk}, follow=True)
    assert any("assigned reviewer" in m for m in flashes(response))
    claim.refresh_from_db()
    assert claim.same_as_id is None


# --- /library/ ---------------------------------------------------------------------------------


@pytest.fixture
def shelf(db):
    false = Rating.objects.get(slug="false")
    return {
        "minecraft": fact_check("https://fc.example.org/minecraft", "The video game Minecraft is shutting down.",
                                publisher="Snopes", rating_text="False", when=date(2019, 5, 1), rating=false),
        "wakanda": fact_check("https://fc.example.org/wakanda", "Wakanda is a US free trade partner.",
                              publisher="PolitiFact", rating_text="Pants on Fire", when=date(2020, 1, 2)),
        "fyre": fact_check("https://fc.example.org/fyre", "The Fyre Festival descended into chaos.",
                           publisher="Full Fact", rating_text="Faux", when=date(2021, 3, 4), language="fr"),
    }  # fmt: skip


def listed(client, user, **params) -> list[str]:
    _, tree = page(client, user, "/library/", **params)
    return [a.get("href") for a in tree.xpath('//table[@id="library-results"]//a')]


@pytest.mark.parametrize(
    ("who", "status"),
    [("editor_user", 200), ("assigned_reviewer", 200), ("other_reviewer", 200), ("cms_user", 403),
     ("outsider", 403)],
)  # fmt: skip
def test_who_may_open_the_library(client, request, who, status):
    client.force_login(request.getfixturevalue(who))
    assert client.get("/library/").status_code == status


def test_anonymous_is_sent_to_log_in(client, db):
    response = client.get("/library/")
    assert response.status_code == 302 and "login" in response["Location"]


def test_the_library_lists_newest_first(client, editor_user, shelf):
    assert listed(client, editor_user) == [shelf[k].url for k in ("fyre", "wakanda", "minecraft")]


def test_the_library_searches_words(client, editor_user, shelf):
    assert listed(client, editor_user, q="Minecraft shutting") == [shelf["minecraft"].url]
    assert listed(client, editor_user, q="nothing-like-this-anywhere") == []


@pytest.mark.parametrize(
    ("params", "expected"),
    [({"publisher": "PolitiFact"}, ["wakanda"]), ({"rating": "false"}, ["minecraft"]),
     ({"rating": "unmapped"}, ["fyre", "wakanda"]), ({"language": "fr"}, ["fyre"]),
     ({"since": "2020-01-01"}, ["fyre", "wakanda"]), ({"until": "2020-01-02"}, ["wakanda", "minecraft"]),
     ({"since": "2019-06-01", "until": "2020-12-31"}, ["wakanda"]),
     ({"since": "not-a-date", "until": "2020-13-45"}, ["fyre", "wakanda", "minecraft"]),
     ({"rating": "no-such-rating"}, []), ({"q": "Fyre", "language": "en"}, [])],
)  # fmt: skip
def test_the_library_filters(client, editor_user, shelf, params, expected):
    assert listed(client, editor_user, **params) == [shelf[k].url for k in expected]


@pytest.mark.parametrize("q", ['"', "OR", "-", "*", "(", "NEAR(", 'a" OR "b', "-Minecraft", "🔥" * 600, "x" * 2000])
def test_odd_words_never_break_the_library(client, editor_user, shelf, q):
    page(client, editor_user, "/library/", q=q)


def test_a_nul_in_the_words_is_a_400_not_a_500(client, editor_user, shelf):
    client.force_login(editor_user)
    assert client.get("/library/", {"q": "x\x00y"}).status_code == 400  # refused by the NUL middleware


# Session, user, permissions (one statement: factcheck/security/permissions.py); then the page: count of the search,
# the page of fact-checks (with ratings), publishers, languages, ratings, the total. Words add one
# query on either engine (SQLite: the FTS5 ids; PostgreSQL: whether any row has the words).
LIBRARY_QUERIES = 3 + 6


@pytest.mark.parametrize("rows", [1, 20])
def test_the_library_query_count_is_pinned(client, editor_user, rows, django_assert_num_queries):
    false = Rating.objects.get(slug="false")
    for n in range(rows):
        fact_check(f"https://fc.example.org/{n}", f"Claim number {n} about turnout.", publisher=f"P{n % 3}",
                   rating=false if n % 2 else None, when=date(2020, 1, 1 + n))  # fmt: skip
    client.force_login(editor_user)
    with django_assert_num_queries(LIBRARY_QUERIES):
        assert client.get("/library/").status_code == 200
    with django_assert_num_queries(LIBRARY_QUERIES + 1):
        response = client.get("/library/", {"q": "turnout", "publisher": "P0", "rating": "unmapped"})
        assert response.status_code == 200 and len(response.context["page"].object_list) >= 1


# --- stored matches beside suggestions on the article page ---------------------------------------


def test_suggestions_show_their_stored_matches(client, editor_user, make_claim, article, panjshir):
    suggested = make_claim(S.SUGGESTED, text=CONQUERED)
    other = make_claim(S.SUGGESTED, text=QUOTE)
    assert matches.store_for([suggested.pk, other.pk]) >= 1
    stored = suggested.matches.get(fact_check=panjshir)
    _, tree = page(client, editor_user, f"/articles/{article.pk}/")
    hint = tree.get_element_by_id(f"claim-{suggested.pk}").find_class("checked-hint")
    assert hint, "no 'Checked before' beside the suggestion"
    text = " ".join(hint[0].text_content().split())
    assert "AFP Fact Check" in text and "Misleading" in text and f"score {stored.score:.2f}" in text
    assert panjshir.url in hint[0].xpath(".//a/@href")


def test_a_suggestion_without_stored_matches_has_no_hint(client, editor_user, make_claim, article, panjshir):
    suggested = make_claim(S.SUGGESTED, text=CONQUERED)  # matches not computed yet
    _, tree = page(client, editor_user, f"/articles/{article.pk}/")
    assert not tree.get_element_by_id(f"claim-{suggested.pk}").find_class("checked-hint")
