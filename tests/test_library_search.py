"""Searching the library: the /library/ page's full-text search (factcheck.library.browse; PostgreSQL
tsvector + pg_trgm, SQLite FTS5 kept by triggers) on either engine, and the matches stored for each
claim (factcheck.library.matches.store_for)."""

from datetime import date

import pytest
from django.db import connection

from factcheck.library import browse, matches
from factcheck.models import Claim, ClaimMatch, FactCheck

from .conftest import QUOTE

S = Claim.Status
CONQUERED = "The last nest of the enemy, Panjshir province, was completely conquered"  # in the article
POSTGRES = pytest.mark.skipif("connection.vendor != 'postgresql'", reason="PostgreSQL only")
SQLITE = pytest.mark.skipif("connection.vendor != 'sqlite'", reason="SQLite only")


def fact_check(url, claim, title="", publisher="Snopes", when=None, language="en"):
    return FactCheck.objects.create(
        url=url, claim_reviewed=claim, title=title, publisher=publisher, rating_text="False",
        date_published=when, language=language, origin="api",
    )  # fmt: skip


def ids(found) -> list[int]:
    return [f.pk for f in found]


@pytest.fixture
def shelf(db):
    return {
        "microchip": fact_check("https://fc.example.org/microchip",
                                "The vaccine contains a microchip; every vaccine dose tracks you.",
                                "Vaccine microchip rumour", when=date(2021, 1, 1)),
        "vaccine": fact_check("https://fc.example.org/vaccine",
                              "A minister said the new vaccine was tested for years on volunteers across the region.",
                              "Minister on trials", publisher="Full Fact", when=date(2021, 6, 1)),
        "minecraft": fact_check("https://fc.example.org/minecraft", "The video game Minecraft is shutting down.",
                                "Is Minecraft shutting down?", publisher="PolitiFact", when=date(2019, 5, 1)),
    }  # fmt: skip


# --- browse.search ---------------------------------------------------------------------------


def test_more_matching_words_rank_first(shelf):
    assert ids(browse.search("vaccine"))[:2] == [shelf["microchip"].pk, shelf["vaccine"].pk]
    assert ids(browse.search("vaccine microchip"))[0] == shelf["microchip"].pk
    assert shelf["minecraft"].pk not in ids(browse.search("vaccine"))


def test_words_are_found_in_the_title_too(shelf):
    assert ids(browse.search("trials")) == [shelf["vaccine"].pk]


def test_without_words_the_newest_come_first(shelf):
    assert ids(browse.search("")) == [shelf[k].pk for k in ("vaccine", "microchip", "minecraft")]
    assert ids(browse.search("   \n\t ")) == ids(browse.search(""))


def test_words_and_filters_combine(shelf):
    assert ids(browse.search("vaccine", publisher="full fact")) == [shelf["vaccine"].pk]
    assert ids(browse.search("vaccine", since=date(2021, 3, 1))) == [shelf["vaccine"].pk]
    assert ids(browse.search("vaccine", until=date(2021, 3, 1))) == [shelf["microchip"].pk]
    assert ids(browse.search("vaccine", language="fr")) == []
    assert ids(browse.search("", rating="unmapped")) == ids(browse.search(""))


@pytest.mark.parametrize(
    "q",
    ['"', "'", '"vaccine', 'vaccine"', "OR", "vaccine OR minecraft", "AND", "NOT", "-vaccine", "vaccine -microchip",
     "*", "vacc*", "(", ")", "(vaccine", "NEAR(", "NEAR(vaccine microchip, 2)", "vaccine:microchip",
     "title:vaccine", "^vaccine", "a & b | !c", "<->", "{}[]", "''''", "\\", "%_", "🔥🔥", "x" * 3000,
     " ".join(["vaccine"] * 100)],
)  # fmt: skip
def test_punctuation_and_operators_never_raise(shelf, q):
    found = list(browse.search(q))
    assert all(isinstance(f, FactCheck) for f in found)


@SQLITE
def test_sqlite_quotes_every_word_so_operators_are_words(shelf):
    assert ids(browse.search("vaccine -microchip")) == [shelf["microchip"].pk]  # "-" is no NOT here
    assert ids(browse.search("vaccine OR minecraft")) == []  # OR is a word to find, and no row has it


@POSTGRES
def test_postgresql_reads_the_words_as_a_web_search(shelf):
    assert ids(browse.search("vaccine -microchip")) == [shelf["vaccine"].pk]
    assert set(ids(browse.search("vaccine OR minecraft"))) == {f.pk for f in shelf.values()}


@SQLITE
def test_a_typo_finds_nothing_on_sqlite(shelf):
    assert ids(browse.search("Minecarft")) == []


@POSTGRES
def test_a_near_spelling_is_found_on_postgresql(shelf):
    assert ids(browse.search("Minecarft"))[0] == shelf["minecraft"].pk
    assert ids(browse.search("qwzxv")) == []


@POSTGRES
def test_the_postgresql_indexes_exist(db):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'factcheck_factcheck' "
            "AND indexname IN ('factcheck_fts_idx', 'factcheck_trgm_idx')"
        )
        found = dict(cursor.fetchall())
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
        assert cursor.fetchone()
    assert set(found) == {"factcheck_fts_idx", "factcheck_trgm_idx"}
    assert all("USING gin" in definition for definition in found.values())
    assert "gin_trgm_ops" in found["factcheck_trgm_idx"] and "to_tsvector" in found["factcheck_fts_idx"]


def _fts(word: str) -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT rowid FROM factcheck_factcheck_fts WHERE factcheck_factcheck_fts MATCH %s", [f'"{word}"']
        )
        return sorted(row[0] for row in cursor.fetchall())


@SQLITE
def test_the_sqlite_fts_table_exists_and_follows_the_rows(db):
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE name = 'factcheck_factcheck_fts'")
        assert cursor.fetchone()
    made = fact_check("https://fc.example.org/a", "Penguins can fly over Antarctica.", "Flying penguins")
    assert _fts("penguins") == [made.pk] and ids(browse.search("penguins")) == [made.pk]

    made.claim_reviewed, made.title = "Walruses can swim under the ice.", "Swimming walruses"
    made.save()
    assert _fts("penguins") == [] and _fts("walruses") == [made.pk]
    assert ids(browse.search("penguins")) == [] and ids(browse.search("walruses")) == [made.pk]

    FactCheck.objects.filter(pk=made.pk).update(title="Arctic puffins")  # an UPDATE without save()
    assert _fts("puffins") == [made.pk]

    made.publisher = "Another publisher"  # a column the index does not hold
    made.save()
    assert _fts("walruses") == [made.pk]

    FactCheck.objects.filter(pk=made.pk).delete()
    assert _fts("walruses") == [] and _fts("puffins") == [] and list(browse.search("walruses")) == []


def test_the_search_follows_changes_on_either_engine(db):
    made = fact_check("https://fc.example.org/b", "Otters hold hands while sleeping.")
    assert ids(browse.search("otters")) == [made.pk]
    FactCheck.objects.filter(pk=made.pk).update(claim_reviewed="Beavers build dams.")
    assert ids(browse.search("beavers")) == [made.pk]
    FactCheck.objects.all().delete()
    assert list(browse.search("beavers")) == []


# --- matches.store_for ------------------------------------------------------------------------


@pytest.fixture
def panjshir_shelf(db):
    endings = ["", ", the Taliban say", ", a spokesman said", " (video)", ", claims a tweet", ", NRF denies",
               ", says Zabihullah Mujahid", ", reports say"]  # fmt: skip
    claims = [f"{CONQUERED}{ending}." for ending in endings]
    made = [fact_check(f"https://fc.example.org/p{n}", text, publisher=f"P{n}") for n, text in enumerate(claims)]
    made.append(fact_check("https://fc.example.org/unrelated", "The popular video game Minecraft is shutting down."))
    return made


def test_store_for_keeps_at_most_five_good_matches_per_claim(make_claim, panjshir_shelf):
    claim = make_claim(S.SUGGESTED, text=CONQUERED)
    other = make_claim(S.SUGGESTED, text=QUOTE)
    kept = matches.store_for([claim.pk, other.pk])
    rows = list(ClaimMatch.objects.filter(claim=claim).order_by("rank"))
    assert kept == ClaimMatch.objects.count()
    assert 1 <= len(rows) <= matches.SHOWN == 5
    assert len(rows) == 5  # eight close fact-checks, five kept
    assert [r.rank for r in rows] == list(range(1, len(rows) + 1))
    assert all(r.score >= matches.MIN_SCORE for r in ClaimMatch.objects.all())
    scores = [r.score for r in rows]
    assert scores == sorted(scores, reverse=True)
    assert panjshir_shelf[-1].pk not in [r.fact_check_id for r in rows]  # Minecraft: not a match
    assert ClaimMatch.objects.filter(claim=other).count() <= 5


def test_store_for_replaces_the_matches_on_a_second_run(make_claim, panjshir_shelf):
    claim = make_claim(S.SUGGESTED, text=CONQUERED)
    matches.store_for([claim.pk])
    first = {(r.fact_check_id, r.rank) for r in ClaimMatch.objects.filter(claim=claim)}
    assert matches.store_for([claim.pk]) == len(first)
    assert {(r.fact_check_id, r.rank) for r in ClaimMatch.objects.filter(claim=claim)} == first  # not doubled
    best = ClaimMatch.objects.get(claim=claim, rank=1).fact_check
    FactCheck.objects.filter(pk=best.pk).delete()
    matches.store_for([claim.pk])
    again = list(ClaimMatch.objects.filter(claim=claim))
    assert best.pk not in [r.fact_check_id for r in again] and len(again) <= 5
    assert len({r.rank for r in again}) == len(again)


def test_store_for_unknown_or_no_claims(db):
    assert matches.store_for([]) == 0
    assert matches.store_for([999999]) == 0


def test_store_for_never_lists_a_claims_own_fact_check(make_claim):
    published = make_claim(S.PUBLISHED)
    own = FactCheck.objects.get(claim=published, own=True)
    again = make_claim(S.SUGGESTED)  # the same words
    matches.store_for([published.pk, again.pk])
    assert not ClaimMatch.objects.filter(claim=published, fact_check=own).exists()
    assert ClaimMatch.objects.get(claim=again, rank=1).fact_check_id == own.pk
    assert own.pk not in ids(f.fact_check for f in matches.for_claim(published))
    assert matches.search(QUOTE)[0].fact_check.pk == own.pk
