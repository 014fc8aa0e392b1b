"""The parsing layer of the fact-check library: others' ClaimReview (pages, feeds, files, API bodies) to records.

Samples in tests/library_samples/ are made to look like what publishers put out (hosts under .example).
"""

import datetime
import gzip
import json
import subprocess
import sys
from pathlib import Path

import pytest

from factcheck.library.parsing import (
    MAX_CLAIM,
    RATING_TABLE,
    SLUGS,
    UNCLEAR_RATINGS,
    FactCheckRecord,
    Refused,
    map_rating,
    rating_table_markdown,
    records_from_file,
    records_from_html,
    records_from_jsonld,
)
from factcheck.library.parsing.dates import parse_date
from factcheck.library.parsing.languages import language_code
from factcheck.library.parsing.ratings import normalise

SAMPLES = Path(__file__).parent / "library_samples"
ARTICLE_URL = (
    "https://www.politifact.example/factchecks/2021/sep/07/facebook-posts/"
    "no-2021-census-did-not-count-40-million-phantom-vot/"
)


def sample(name: str) -> bytes:
    return (SAMPLES / name).read_bytes()


def review(**fields) -> dict:
    """A minimal ClaimReview, fields added or replaced (None removes one)."""
    node = {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": "https://factcheck.example/1/",
        "claimReviewed": "The moon is made of cheese.",
        "author": {"@type": "Organization", "name": "Example Fact Check"},
        "reviewRating": {"@type": "Rating", "alternateName": "False"},
    }
    node.update(fields)
    return {key: value for key, value in node.items() if value is not None}


def one(data, **kwargs) -> FactCheckRecord:
    results = records_from_jsonld(data, **kwargs)
    assert len(results) == 1, results
    assert isinstance(results[0], FactCheckRecord), results[0]
    return results[0]


def records(results) -> list[FactCheckRecord]:
    return [result for result in results if isinstance(result, FactCheckRecord)]


def refusals(results) -> list[Refused]:
    return [result for result in results if isinstance(result, Refused)]


# --- A fact-check article's page ---------------------------------------------------------------------------


def test_a_politifact_like_article_gives_its_claimreview_and_skips_the_webpage_organization_and_breadcrumbs():
    results = records_from_html(sample("politifact_article.html"), ARTICLE_URL)
    assert len(results) == 1
    record = results[0]
    assert isinstance(record, FactCheckRecord)
    assert record.claim_reviewed == (
        "The 2021 census \u201cfound 40 million phantom voters\u201d on the rolls & nobody is talking about it."
    )
    assert record.url == ARTICLE_URL
    assert record.title == "No, the 2021 census did not count 40 million \u201cphantom\u201d voters"
    assert (record.publisher, record.publisher_url) == ("PolitiFact", "https://www.politifact.example/")
    assert record.claimant == "Facebook posts"
    assert (record.rating_text, record.rating_slug) == ("Pants on Fire!", "false")
    assert (record.rating_value, record.rating_best, record.rating_worst) == (1.0, 6.0, 1.0)
    assert record.date_published == datetime.date(2021, 9, 7)
    assert record.language == "en-US"  # from <html lang>: the ClaimReview has no inLanguage
    assert record.item["@type"] == "ClaimReview" and record.item["author"] == {
        "@id": "https://www.politifact.example/#organization"
    }


def test_the_article_s_relative_url_and_image_resolve_against_the_page_url():
    record = records_from_html(sample("politifact_article.html"), "https://mirror.example/copy/page.html")[0]
    assert isinstance(record, FactCheckRecord)
    assert record.url.startswith("https://mirror.example/factchecks/2021/sep/07/")
    assert record.image_url == "https://mirror.example/politifact/rulings/meter-pants-fire.jpg"


def test_the_article_read_without_a_page_url_resolves_against_its_canonical_link():
    record = records_from_html(sample("politifact_article.html").decode("utf-8"))[0]
    assert isinstance(record, FactCheckRecord)
    assert record.url == ARTICLE_URL


def page(*blocks: str, head: str = "") -> str:
    scripts = "".join(f'<script type="application/ld+json">{block}</script>' for block in blocks)
    return f"<!DOCTYPE html><html><head>{head}{scripts}</head><body><p>Text</p></body></html>"


def test_a_claimreview_without_a_url_takes_the_page_url():
    html = page(json.dumps(review(url=None)))
    record = records_from_html(html, "https://factcheck.example/the-page/")[0]
    assert isinstance(record, FactCheckRecord)
    assert record.url == "https://factcheck.example/the-page/"


def test_a_claimreview_without_a_url_on_a_page_without_one_is_refused():
    [refused] = records_from_html(page(json.dumps(review(url=None))))
    assert isinstance(refused, Refused)
    assert refused.position == "block 1"
    assert "no URL" in refused.reason


def test_an_invalid_json_ld_block_is_refused_and_the_page_s_other_blocks_are_still_read():
    html = page(
        json.dumps(review(claimReviewed="First claim")),
        '{"@type": "ClaimReview", "claimReviewed": "Broken "quotes" here", "url": "https://x.example/"}',
        json.dumps([review(claimReviewed="Third claim"), review(claimReviewed="Fourth claim")]),
    )
    results = records_from_html(html, "https://factcheck.example/")
    assert [type(result).__name__ for result in results] == ["FactCheckRecord", "Refused", *["FactCheckRecord"] * 2]
    refused = results[1]
    assert isinstance(refused, Refused)
    assert refused.position == "block 2"
    assert refused.reason.startswith("JSON-LD block 2 is not valid JSON (Expecting ',' delimiter at line 1")
    assert "Broken" in refused.excerpt
    assert [record.claim_reviewed for record in records(results)] == ["First claim", "Third claim", "Fourth claim"]


@pytest.mark.parametrize(
    "block",
    [
        "<!-- " + json.dumps(review()) + " -->",
        "//<![CDATA[\n" + json.dumps(review()) + "\n//]]>",
        json.dumps(review()) + ";",
        json.dumps(review())[:-1] + ",}",
        json.dumps(review()).replace('"', "&quot;"),
        json.dumps(review()).replace("The moon", "The\nmoon"),  # a raw newline inside a string
    ],
    ids=["html-comment", "cdata", "semicolon", "trailing-comma", "entities-for-quotes", "raw-newline"],
)
def test_json_ld_blocks_as_pages_really_write_them_are_read(block):
    [record] = records_from_html(page(block))
    assert isinstance(record, FactCheckRecord)
    assert record.claim_reviewed == "The moon is made of cheese."


def test_two_objects_one_after_another_in_a_block_are_both_read():
    block = json.dumps(review(claimReviewed="One")) + "\n" + json.dumps(review(claimReviewed="Two"))
    assert [record.claim_reviewed for record in records(records_from_html(page(block)))] == ["One", "Two"]


def test_a_json_ld_script_type_is_matched_whatever_its_case_and_parameters():
    html = f'<html><head><script type=" Application/LD+JSON; charset=utf-8">{json.dumps(review())}</script></head>'
    assert len(records(records_from_html(html))) == 1


def test_a_page_with_no_json_ld_and_an_empty_page_give_nothing():
    assert records_from_html("<html><body><p>No markup here</p></body></html>") == []
    assert records_from_html("") == []
    assert records_from_html(b"   ") == []
    assert records_from_html(b"\x00\x00") == []


def test_html_bytes_are_decoded_by_their_meta_charset_and_an_xml_declaration_is_no_obstacle():
    claim = "Le ministre a menti à l'Assemblée"
    html = '<?xml version="1.0" encoding="windows-1252"?><html><head><meta charset="windows-1252">'
    html += f'<script type="application/ld+json">{json.dumps(review(claimReviewed=claim), ensure_ascii=False)}'
    html += "</script></head></html>"
    [record] = records_from_html(html.encode("cp1252"))
    assert isinstance(record, FactCheckRecord)
    assert record.claim_reviewed == claim


def test_a_base_href_and_the_page_title_and_language_fill_what_the_claimreview_leaves_out():
    head = '<base href="/fr/"><title>Vérification | Exemple</title><meta property="og:locale" content="fr_FR">'
    html = page(json.dumps(review(url="article-1/", name=None)), head=head)
    record = records_from_html(html, "https://verif.example/home/index.html")[0]
    assert isinstance(record, FactCheckRecord)
    assert record.url == "https://verif.example/fr/article-1/"
    assert record.title == "Vérification | Exemple"
    assert record.language == "fr-FR"


def test_a_claimreview_nested_in_an_article_s_review_property_is_found():
    article = {"@type": "NewsArticle", "headline": "Fact check", "review": review(claimReviewed="Nested claim")}
    assert records_from_html(page(json.dumps(article)))[0].claim_reviewed == "Nested claim"


# --- Feeds and API bodies --------------------------------------------------------------------------------


def test_a_datacommons_feed_gives_a_record_per_item_and_refuses_the_two_without_claim_or_url():
    results = records_from_file("fact_checks.json", sample("datacommons_feed.json"))
    assert len(results) == 12
    assert [(refused.position, refused.reason) for refused in refusals(results)] == [
        ("item 11", "The item has no claim text (claimReviewed, itemReviewed's text or name, or a claim column)."),
        ("item 12", "The item has no URL of the fact-check (url), and there is no page URL to fall back on."),
    ]
    assert "https://www.factcheck.example/2021/09/no-claim/" in refusals(results)[0].excerpt
    by_language = {record.language: record for record in records(results)}
    assert set(by_language) == {"en", "es", "fr", "pt-BR", "de", "it", "hi", "ar"}
    assert by_language["es"].rating_slug == "misleading"
    assert by_language["es"].date_published == datetime.date(2021, 9, 7)  # "7 de septiembre de 2021"
    assert by_language["fr"].publisher == "Les Vérificateurs"  # the Organization among the authors
    assert by_language["fr"].claim_reviewed.endswith("à l\u2019entrée des boulangeries dès le 15 septembre")
    assert by_language["pt-BR"].date_published == datetime.date(2021, 7, 9)  # 09/07/2021, day first in Portuguese
    assert by_language["pt-BR"].claimant == "Post no WhatsApp, Vídeo no YouTube"
    assert by_language["pt-BR"].publisher == "Checagem Brasil"  # author as a plain string
    assert (by_language["de"].rating_text, by_language["de"].rating_value) == ("Falsch", None)  # name only; -1
    assert by_language["it"].claim_reviewed.startswith("Il green pass scade")  # itemReviewed (CreativeWork) name
    assert by_language["hi"].rating_slug is None  # text not in the table, value 2 of 1..5: not clear
    assert by_language["ar"].rating_slug == "false"  # text not in the table, value == worstRating


def test_a_datafeed_item_may_hold_one_item_or_a_list_of_them():
    feed = {
        "@type": "DataFeed",
        "dataFeedElement": [
            {"@type": "DataFeedItem", "item": review(claimReviewed="One")},
            {"@type": "DataFeedItem", "item": [review(claimReviewed="Two"), review(claimReviewed="Three")]},
        ],
    }
    assert [record.claim_reviewed for record in records(records_from_jsonld(feed))] == ["One", "Two", "Three"]


def test_an_api_body_may_be_a_claimreview_a_list_nested_lists_or_a_graph():
    assert len(records(records_from_jsonld(review()))) == 1
    assert len(records(records_from_jsonld([review(), review()]))) == 2
    assert len(records(records_from_jsonld([[review()], [[review()], []]]))) == 2
    graph = {"@context": "https://schema.org", "@graph": [{"@type": "WebPage", "name": "Page"}, review()]}
    assert len(records(records_from_jsonld(graph))) == 1


def test_nodes_that_are_not_claimreviews_are_skipped_silently():
    assert records_from_jsonld({"@type": "Organization", "name": "Someone"}) == []
    assert records_from_jsonld([{"@type": "WebPage"}, {"@type": "MediaReview", "url": "https://x.example/"}]) == []
    assert records_from_jsonld(None) == []
    assert records_from_jsonld("ClaimReview") == []
    assert records_from_jsonld([1, 2.5, True]) == []


@pytest.mark.parametrize(
    "kind", ["ClaimReview", "schema:ClaimReview", "https://schema.org/ClaimReview", ["Review", "ClaimReview"]]
)
def test_the_claimreview_type_is_recognised_however_it_is_spelled(kind):
    assert len(records(records_from_jsonld(review(**{"@type": kind})))) == 1


def test_an_untyped_node_with_claimreviewed_counts_as_a_claimreview():
    assert len(records(records_from_jsonld(review(**{"@type": None})))) == 1


def test_refusals_name_the_item_by_its_position():
    results = records_from_jsonld([review(), review(claimReviewed=""), review(url=None)])
    assert [(type(result).__name__, getattr(result, "position", "")) for result in results] == [
        ("FactCheckRecord", ""),
        ("Refused", "item 2"),
        ("Refused", "item 3"),
    ]


def test_a_google_markup_tool_list_is_read():
    results = records_from_file("export.json", sample("google_markup_tool_list.json"))
    assert [record.rating_slug for record in records(results)] == ["false", "false", "false", "misleading"]
    lead_stories, snopes, post, aap = records(results)
    assert lead_stories.claimant == "Instagram user"  # itemReviewed as a CreativeWork with an author
    assert (snopes.rating_value, snopes.rating_best, snopes.rating_worst) == (None, None, None)  # "-1"
    assert snopes.date_published == datetime.date(2021, 5, 12)  # the publisher's local date
    assert post.rating_slug == "false"  # Four Pinocchios, on a scale whose best is 1
    assert aap.claim_reviewed == "Australia's coal exports doubled last year."
    assert aap.language == "en-AU"


def test_a_fact_check_tools_api_answer_gives_a_record_per_review():
    results = records_from_file("claims-search.json", sample("google_claims_search.json"))
    assert [(record.publisher, record.language, record.rating_slug) for record in records(results)] == [
        ("Reuters", "en", "false"),
        ("Newtral", "es", "false"),
        ("PolitiFact", "en", "false"),
    ]
    reuters = records(results)[0]
    assert reuters.claimant == "WhatsApp message"
    assert reuters.publisher_url == "https://reuters.example"
    assert reuters.date_published == datetime.date(2020, 3, 12)
    assert reuters.item["claimReview"][0]["publisher"]["name"] == "Reuters"


# --- Files ---------------------------------------------------------------------------------------------------


def test_a_json_lines_file_refuses_its_broken_line_and_reads_the_rest():
    results = records_from_file("claims.jsonl", sample("claims.jsonl"))
    assert [refused.position for refused in refusals(results)] == ["line 3"]
    assert refusals(results)[0].reason == "Line 3 is not valid JSON (Unterminated string starting at column 78)."
    assert [record.publisher for record in records(results)] == ["Full Fact", "Maldita", "Correctiv", "Agência Lupa"]
    full_fact, maldita, correctiv, lupa = records(results)
    assert full_fact.rating_slug == "false"  # "Incorrect. There is no evidence…": its leading clause
    assert maldita.date_published == datetime.date(2021, 3, 2)  # 02/03/2021 in Spanish
    assert correctiv.claim_reviewed == "Masken verursachen Sauerstoffmangel"  # the NUL is gone
    assert "\x00" not in json.dumps(correctiv.item, ensure_ascii=False)
    assert lupa.claim_reviewed == "Vacinas contêm um chip 5G para rastrear pessoas"  # U+2028 is no line break
    assert lupa.language == "pt"


def test_a_csv_file_with_a_bom_and_semicolons_is_read_row_by_row():
    results = records_from_file("desk_export.csv", sample("desk_export.csv"))
    assert [(refused.position, refused.reason) for refused in refusals(results)] == [
        ("row 4", "The item has no claim text (claimReviewed, itemReviewed's text or name, or a claim column)."),
        ("row 8", "The item's URL '/2021/10/05/colegios/' is not an absolute http(s) URL, and there is no page URL "
         "to resolve it against."),
    ]  # fmt: skip
    first, quote, italian = records(results)
    assert first.rating_slug == "false"
    assert first.date_published == datetime.date(2021, 10, 1)  # 01/10/2021 in French
    assert first.publisher == "Les Vérificateurs"
    assert first.item["Notes"] == "vérifié par J. M."  # the raw row keeps every column
    assert quote.claim_reviewed == "A quote that spans two lines, as spreadsheets allow; with a semicolon inside"
    assert quote.title == "The quote is real; the context is missing"
    assert (quote.language, quote.rating_slug) == ("en", "mostly-true")
    assert italian.date_published == datetime.date(2021, 10, 4)  # "4 ottobre 2021"
    assert italian.item["column 10"] == "here"  # cells past the header are kept in the raw row


def test_a_csv_file_with_commas_odd_headers_and_latin_1_bytes_is_read():
    content = (
        "CLAIM_REVIEWED,Verdict,Link,Fact Checker,Date Published,Headline,Lang,Claimant\r\n"
        '"Les éoliennes tuent 10 000 oiseaux, par jour",Plutôt faux,https://verif.example/eoliennes/,'
        "Vérif',2021-09-07,Éoliennes,fr,Un député\r\n"
    ).encode("latin-1")
    [record] = records_from_file("export.csv", content)
    assert isinstance(record, FactCheckRecord)
    assert record.claim_reviewed == "Les éoliennes tuent 10 000 oiseaux, par jour"
    assert (record.rating_text, record.rating_slug) == ("Plutôt faux", "mostly-false")
    assert (record.publisher, record.claimant, record.title) == ("Vérif'", "Un député", "Éoliennes")


def test_a_csv_file_without_a_claim_column_is_refused_whole():
    [refused] = records_from_file("other.csv", b"name,score\nAlice,3\n")
    assert isinstance(refused, Refused)
    assert (refused.position, refused.excerpt) == ("row 1", "name;score")
    assert "claim, rating, url, publisher, date, title, language" in refused.reason


def test_a_csv_row_too_large_to_read_is_refused_and_the_next_rows_are_read():
    content = f'claim,url\n"{"x" * 200_000}",https://a.example/\nFine,https://b.example/\n'.encode()
    results = records_from_file("big.csv", content)
    assert [(type(result).__name__, getattr(result, "position", "")) for result in results] == [
        ("Refused", "row 2"),
        ("FactCheckRecord", ""),
    ]


def test_a_utf_16_file_with_a_bom_is_decoded():
    content = json.dumps([review(claimReviewed="Größtenteils falsch: Ölpreis")], ensure_ascii=False)
    [record] = records_from_file("feed.json", content.encode("utf-16"))
    assert isinstance(record, FactCheckRecord)
    assert record.claim_reviewed == "Größtenteils falsch: Ölpreis"


def test_a_gzipped_feed_is_unpacked_and_a_broken_one_refused():
    results = records_from_file("fact_checks.json.gz", gzip.compress(sample("datacommons_feed.json")))
    assert len(records(results)) == 10
    [refused] = records_from_file("fact_checks.json.gz", b"\x1f\x8bnot gzip at all")
    assert isinstance(refused, Refused) and refused.position == "file"


@pytest.mark.parametrize(
    "name, content",
    [
        ("upload.txt", json.dumps([review()]).encode()),
        ("upload", (json.dumps(review()) + "\n" + json.dumps(review())).encode()),
        ("upload.dat", b"claim;rating;url\nThe moon is made of cheese.;False;https://factcheck.example/1/\n"),
        ("upload.bin", page(json.dumps(review())).encode()),
        ("jsonl-named.json", (json.dumps(review()) + "\n" + json.dumps(review())).encode()),
    ],
    ids=["json", "json-lines", "csv", "html", "json-lines-named-json"],
)
def test_a_file_with_an_unknown_or_wrong_extension_is_read_by_its_content(name, content):
    results = records_from_file(name, content)
    assert results and all(isinstance(result, FactCheckRecord) for result in results)
    assert results[0].claim_reviewed == "The moon is made of cheese."


def test_a_file_that_is_no_known_format_or_no_json_is_refused_with_a_sentence():
    [unknown] = records_from_file("notes.txt", b"just some words\nand more words\n")
    assert (unknown.position, unknown.reason) == (
        "file",
        "The file's format could not be recognised: give JSON, JSON lines, CSV or HTML.",
    )
    [broken] = records_from_file("feed.json", b'{"@type": "DataFeed",\n "dataFeedElement": [}')
    assert isinstance(broken, Refused)
    assert broken.position == "line 2"
    assert broken.reason.startswith("The file is not valid JSON (")


# --- Field by field ------------------------------------------------------------------------------------------


def test_claim_text_comes_from_itemreviewed_when_claimreviewed_is_missing():
    text_claim = review(claimReviewed=None, itemReviewed={"@type": "Claim", "text": "From the text"})
    named_work = review(claimReviewed=None, itemReviewed={"@type": "CreativeWork", "name": "From the name"})
    inner = review(claimReviewed=None, itemReviewed={"@type": "Claim", "claimReviewed": "From inside"})
    plain = review(claimReviewed=None, itemReviewed="A claim as a plain string")
    assert one(text_claim).claim_reviewed == "From the text"
    assert one(named_work).claim_reviewed == "From the name"
    assert one(inner).claim_reviewed == "From inside"
    assert one(plain).claim_reviewed == "A claim as a plain string"
    assert one(review(itemReviewed={"@type": "Claim", "name": "Not this"})).claim_reviewed == (
        "The moon is made of cheese."
    )


@pytest.mark.parametrize(
    "value, expected",
    [("1", 1.0), (1, 1.0), ("3,5", 3.5), (4.5, 4.5), ("", None), (-1, None), ("-1", None), ("n/a", None),
     (True, None), (None, None), (float("nan"), None)],
)  # fmt: skip
def test_rating_values_are_numbers_or_none(value, expected):
    assert one(review(reviewRating={"ratingValue": value, "alternateName": "False"})).rating_value == expected


def test_the_rating_text_is_alternatename_else_name_kept_as_written():
    assert one(review(reviewRating={"alternateName": "Pants on Fire!", "name": "pants-fire"})).rating_text == (
        "Pants on Fire!"
    )
    assert one(review(reviewRating={"name": "Mostly False"})).rating_text == "Mostly False"
    assert one(review(reviewRating={"alternateName": "", "name": "Faux"})).rating_slug == "false"
    assert one(review(reviewRating="Misleading")).rating_slug == "misleading"
    no_rating = one(review(reviewRating=None))
    assert (no_rating.rating_text, no_rating.rating_slug) == ("", None)


def test_html_entities_are_unescaped_tags_stripped_and_whitespace_collapsed():
    text = "  &quot;Taxes&quot; &#8220;doubled&#8221;\n\t under <b>Smith</b> &amp;amp; <a href='/x'>Co</a>&nbsp;! "
    assert one(review(claimReviewed=text)).claim_reviewed == '"Taxes" \u201cdoubled\u201d under Smith & Co !'
    assert one(review(claimReviewed="If x < 5 and y > 3, then Q&A &notice")).claim_reviewed == (
        "If x < 5 and y > 3, then Q&A &notice"
    )


@pytest.mark.parametrize(
    "author, expected",
    [
        ({"@type": "Person", "name": "Jane Doe"}, "Jane Doe"),
        ("Jane Doe", "Jane Doe"),
        ([{"@type": "Person", "name": "Jane Doe"}, "John Roe", {"name": "Jane Doe"}], "Jane Doe, John Roe"),
        ({"@type": "Organization", "legalName": "Acme Party"}, "Acme Party"),
        ([], ""),
    ],
)
def test_the_claimant_is_itemreviewed_s_author_as_a_string_an_object_or_a_list(author, expected):
    assert one(review(itemReviewed={"@type": "Claim", "author": author})).claimant == expected


@pytest.mark.parametrize(
    "fields, expected",
    [
        ({"author": {"@type": "Organization", "name": "AFP", "url": "https://afp.example"}}, ("AFP", "https://afp.example")),
        ({"author": "Snopes"}, ("Snopes", "")),
        ({"author": [{"@type": "Person", "name": "A. Writer"}, {"@type": "NewsMediaOrganization", "name": "Post"}]},
         ("Post", "")),
        ({"author": {"@type": "Person", "name": "A. Writer"}, "publisher": {"name": "Newspaper"}}, ("Newspaper", "")),
        ({"author": [{"@type": "Person", "name": "A. Writer"}]}, ("A. Writer", "")),
        ({"author": None}, ("", "")),
    ],
)  # fmt: skip
def test_the_publisher_is_the_author_organisation_as_an_object_a_list_or_a_string(fields, expected):
    record = one(review(**fields))
    assert (record.publisher, record.publisher_url) == expected


def test_a_reference_by_id_to_another_node_of_the_document_is_followed():
    graph = {
        "@graph": [
            {"@type": "Organization", "@id": "#org", "name": "Faktencheck", "url": "https://fc.example/"},
            {"@type": "Person", "@id": "#speaker", "name": "Ein Politiker"},
            review(author={"@id": "#org"}, itemReviewed={"@type": "Claim", "author": [{"@id": "#speaker"}]}),
        ]
    }
    record = one(graph)
    assert (record.publisher, record.publisher_url, record.claimant) == (
        "Faktencheck",
        "https://fc.example/",
        "Ein Politiker",
    )


def test_relative_urls_resolve_against_the_base_url_and_are_refused_without_one():
    record = one(review(url="/2021/09/07/check/", image="img/x.png"), base_url="https://fc.example/a/b")
    assert (record.url, record.image_url) == ("https://fc.example/2021/09/07/check/", "https://fc.example/a/img/x.png")
    [refused] = records_from_jsonld(review(url="/2021/09/07/check/"))
    assert isinstance(refused, Refused)
    assert refused.reason.startswith("The item's URL '/2021/09/07/check/' is not an absolute http(s) URL")


@pytest.mark.parametrize(
    "url, expected",
    [
        ("https://fc.example/x?a=1&amp;b=2", "https://fc.example/x?a=1&b=2"),
        (" HTTPS://fc.example/x ", "https://fc.example/x"),
        ("//fc.example/x", "https://fc.example/x"),
        ({"@id": "https://fc.example/id"}, "https://fc.example/id"),
        (["", "https://fc.example/second"], "https://fc.example/second"),
    ],
)
def test_urls_are_cleaned(url, expected):
    assert one(review(url=url)).url == expected


def test_an_unusable_url_falls_back_to_main_entity_of_page_or_an_http_id():
    assert one(review(url=None, mainEntityOfPage={"@id": "https://fc.example/main"})).url == "https://fc.example/main"
    assert one(review(url=None, **{"@id": "https://fc.example/page#claimreview"})).url == "https://fc.example/page"
    assert isinstance(records_from_jsonld(review(url="javascript:alert(1)"))[0], Refused)


@pytest.mark.parametrize(
    "text, language, expected",
    [
        ("2021-09-07", "", datetime.date(2021, 9, 7)),
        ("2021-09-07T10:00:00+02:00", "", datetime.date(2021, 9, 7)),
        ("2021-09-07T23:30:00-05:00", "", datetime.date(2021, 9, 7)),  # the publisher's local date
        ("2021-9-7", "", datetime.date(2021, 9, 7)),
        ("20210907", "", datetime.date(2021, 9, 7)),
        ("7 September 2021", "", datetime.date(2021, 9, 7)),
        ("Sept. 7, 2021", "", datetime.date(2021, 9, 7)),
        ("Tuesday, September 7, 2021 - 10:00", "en", datetime.date(2021, 9, 7)),
        ("09/07/2021", "", datetime.date(2021, 9, 7)),  # month first when the language is unknown
        ("09/07/2021", "en-US", datetime.date(2021, 9, 7)),
        ("09/07/2021", "en-GB", datetime.date(2021, 7, 9)),
        ("09/07/2021", "fr", datetime.date(2021, 7, 9)),
        ("09.07.2021", "", datetime.date(2021, 7, 9)),  # dots: day first
        ("13/07/2021", "en", datetime.date(2021, 7, 13)),  # unambiguous
        ("7 septembre 2021", "fr", datetime.date(2021, 9, 7)),
        ("7. September 2021", "de", datetime.date(2021, 9, 7)),
        ("7 de setembro de 2021", "pt-BR", datetime.date(2021, 9, 7)),
        ("1631000000", "", None),  # epoch seconds
        ("1631000000000", "", None),
        ("-1", "", None),
        ("0", "", None),
        ("1970-01-01T00:00:00Z", "", None),  # an empty timestamp
        ("0000-00-00", "", None),
        ("2021-13-45", "", None),
        ("September 2021", "", None),  # no day
        ("yesterday", "", None),
        ("not a date", "", None),
        ("", "", None),
        ("2999-01-01", "", None),  # the future
    ],
)
def test_dates_in_the_forms_publishers_write_them(text, language, expected):
    assert parse_date(text, language) == expected


def test_a_claimreview_s_date_falls_back_to_datecreated_and_takes_the_record_s_language_as_a_hint():
    assert one(review(dateCreated="2021-09-07")).date_published == datetime.date(2021, 9, 7)
    assert one(review(datePublished="05/03/2021", inLanguage="es")).date_published == datetime.date(2021, 3, 5)
    assert one(review(datePublished=12345)).date_published is None


@pytest.mark.parametrize(
    "value, expected",
    [
        ("en", "en"), ("EN", "en"), ("en_us", "en-US"), ("pt-br", "pt-BR"), ("zh-hant-tw", "zh-Hant-TW"),
        ("fra", "fr"), ({"@type": "Language", "name": "French", "alternateName": "fr"}, "fr"),
        ({"@type": "Language", "name": "Español"}, "es"), ("Deutsch", "de"), (["", "it"], "it"),
        ("Klingon", ""), ("", ""), (None, ""), (42, ""),
    ],
)  # fmt: skip
def test_in_language_is_a_tag_an_object_or_a_name(value, expected):
    assert language_code(value) == expected
    assert one(review(inLanguage=value)).language == expected


def test_texts_in_many_languages_are_kept_as_unicode():
    texts = [
        "Ψευδές: ο ήλιος",
        "Ложь о вакцинах",
        "疫苗含有芯片",
        "ワクチンにチップ",
        "اللقاح يحتوي على شريحة",
        "टीका",
        "😷 mask claim",
    ]
    assert [one(review(claimReviewed=text)).claim_reviewed for text in texts] == texts
    decomposed = "Cafe\u0301 fermé"  # NFC makes one character of e + combining accent
    assert one(review(claimReviewed=decomposed)).claim_reviewed == "Café fermé"


def test_a_claim_of_fifty_thousand_characters_is_cut_to_the_limit_and_the_raw_item_keeps_it_whole():
    long_claim = ("word " * 10_000).strip()
    record = one(review(claimReviewed=long_claim))
    assert MAX_CLAIM == 5_000
    assert len(record.claim_reviewed) <= MAX_CLAIM
    assert record.claim_reviewed.endswith("word…")
    assert len(record.item["claimReviewed"]) == len(long_claim)


def test_nul_characters_are_removed_from_the_record_and_from_the_raw_item():
    record = one(review(claimReviewed="Nul\x00 in the\x00 claim", name="Ti\x00tle", extra={"k\x00": ["v\x00"]}))
    assert (record.claim_reviewed, record.title) == ("Nul in the claim", "Title")
    assert record.item["extra"] == {"k": ["v"]}
    assert "\\u0000" not in json.dumps(record.item)


def test_the_raw_item_is_json_able_even_from_python_values_and_records_are_hashable():
    record = one(review(extra={"when": datetime.date(2021, 9, 7), "nan": float("nan"), 3: (1, 2)}))
    assert json.loads(json.dumps(record.item, allow_nan=False))["extra"] == {
        "when": "2021-09-07",
        "nan": None,
        "3": [1, 2],
    }
    assert hash(record) == hash(one(review(extra={"other": "raw"})))


def test_a_flat_object_shaped_like_the_csv_columns_is_read_too():
    record = one(
        {"Claim": "Flat claim", "Rating": "Mostly true", "URL": "https://fc.example/flat", "Date": "2021-09-07"}
    )
    assert (record.claim_reviewed, record.rating_slug, record.date_published) == (
        "Flat claim",
        "mostly-true",
        datetime.date(2021, 9, 7),
    )


def test_hostile_nesting_does_not_break_the_reader():
    deep: list = []
    for _ in range(5_000):
        deep = [deep]
    assert records_from_jsonld(deep) == []
    nested_text = ("[" * 100_000 + "]" * 100_000).encode()
    [refused] = records_from_file("deep.json", nested_text)
    assert isinstance(refused, Refused)


def test_a_datafeed_of_ten_thousand_items_parses_whole():
    # Its speed is measured by scripts/bench_library.py, not asserted here (shared machines are noisy).
    feed = {
        "@type": "DataFeed",
        "dataFeedElement": [
            {
                "@type": "DataFeedItem",
                "item": [
                    review(
                        url=f"https://fc.example/{index}/",
                        claimReviewed=f"Claim {index} &amp; its &#8220;quotes&#8221;",
                        datePublished=f"2021-09-{1 + index % 28:02d}",
                        inLanguage=["en", "fr", "es"][index % 3],
                        reviewRating={"ratingValue": str(1 + index % 5), "bestRating": "5", "worstRating": "1",
                                      "alternateName": ["False", "Faux", "Engañoso", "Half True"][index % 4]},
                        itemReviewed={"@type": "Claim", "author": {"@type": "Person", "name": f"P{index % 50}"}},
                    )
                ],
            }
            for index in range(10_000)
        ],
    }  # fmt: skip
    results = records_from_file("feed.json", json.dumps(feed).encode())
    assert len(records(results)) == 10_000


def test_the_parsing_layer_imports_no_django():
    code = "import sys, factcheck.library.parsing; sys.exit('django' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], cwd=Path(__file__).parent.parent).returncode == 0


# --- Ratings ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("False", "false"), ("FALSE", "false"), ("Incorrect", "false"), ("Pants on Fire!", "false"),
        ("Fake", "false"), ("Wrong", "false"), ("Four Pinocchios", "false"), ("Faux", "false"), ("Falso", "false"),
        ("Falsch", "false"), ("Not true", "false"), ("This is not correct.", "false"), ("Bulo", "false"),
        ("True", "true"), ("Correct", "true"), ("Accurate", "true"), ("Vrai", "true"), ("Verdadero", "true"),
        ("Verdadeiro", "true"), ("Wahr", "true"), ("Vero", "true"),
        ("Mostly True", "mostly-true"), ("Plutôt vrai", "mostly-true"), ("Größtenteils richtig", "mostly-true"),
        ("Half True", "mixed"), ("Half-True", "mixed"), ("Mixture", "mixed"), ("Partly false", "mixed"),
        ("Teilweise falsch", "mixed"), ("Verdad a medias", "mixed"),
        ("Mostly False", "mostly-false"), ("Plutôt FAUX !", "mostly-false"), ("Mayormente falso", "mostly-false"),
        ("Misleading", "misleading"), ("Missing context", "misleading"), ("Trompeur", "misleading"),
        ("Engañoso", "misleading"), ("Enganoso", "misleading"), ("Irreführend", "misleading"),
        ("Fuorviante", "misleading"), ("Sin contexto", "misleading"),
        ("Unverified", "unverifiable"), ("Unproven", "unverifiable"), ("Unsupported", "unverifiable"),
        ("No evidence", "unverifiable"), ("Non vérifiable", "unverifiable"), ("Unbelegt", "unverifiable"),
        ("Não comprovado", "unverifiable"),
        ("False. The photo is from 2015.", "false"), ("Verdict: Mostly false", "mostly-false"),
        ("Misleading: the video is old", "misleading"), ("❌ False", "false"),
        ("Satire", None), ("Labeled Satire", None), ("Altered", None), ("Exaggerated", None),
        ("Three Pinocchios", None), ("True (but misleading)", None), ("True, but misleading", None),
        ("Zombie claim", None), ("", None),
    ],
)  # fmt: skip
def test_publishers_rating_texts_map_to_the_desk_scale_only_when_clear(text, expected):
    assert map_rating(text, None, None, None) == expected


@pytest.mark.parametrize(
    "text, value, best, worst, expected",
    [
        ("", 1, 5, 1, "false"),
        ("", 5, 5, 1, "true"),
        ("", 3, 5, 1, None),
        ("Zombie claim", 1, 5, 1, "false"),  # an unknown text gives nothing: the number speaks
        ("", 1, 1, 4, "true"),  # a scale whose best is its lowest number
        ("", 1, None, 1, None),  # no best: no scale
        ("", 1, 5, None, None),
        ("", 1, 1, 1, None),  # best == worst: no scale
        ("", None, 5, 1, None),
        ("Satire", 1, 5, 1, None),  # known and unclear: the number does not override
        ("True (but misleading)", 5, 5, 1, None),
        ("Mostly false", 5, 5, 1, "mostly-false"),  # the text wins
    ],
)
def test_a_numeric_rating_maps_only_at_the_ends_of_a_given_scale_when_the_text_gives_nothing(
    text, value, best, worst, expected
):
    assert map_rating(text, value, best, worst) == expected


def test_the_rating_table_is_normalised_maps_to_our_slugs_and_keeps_unclear_texts_out():
    assert set(RATING_TABLE.values()) == set(SLUGS)
    assert all(normalise(text) == text for text in RATING_TABLE)
    assert not UNCLEAR_RATINGS & set(RATING_TABLE)
    assert {RATING_TABLE[key] for key in ("no evidence", "unproven")} == {"unverifiable"}
    assert RATING_TABLE["half true"] == "mixed" and RATING_TABLE["missing context"] == "misleading"


def test_the_rating_table_in_markdown_has_a_row_per_slug_and_one_for_unclear_texts():
    markdown = rating_table_markdown()
    rows = [line for line in markdown.splitlines() if line.startswith("| `")]
    assert [row.split("`")[1] for row in rows] == list(SLUGS)
    assert "pants on fire" in rows[SLUGS.index("false")]
    assert "| *none (not clear)* | " in markdown and "satire" in markdown
