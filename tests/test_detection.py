"""Claim detection: pure functions, no database."""

import random
from pathlib import Path

import pytest
import sentencex

from factcheck.detection import Suggestion, suggest_claims
from factcheck.models import Claim

FIXTURE = Path(__file__).resolve().parent.parent / "factcheck" / "demo" / "panjshir-article.txt"
KINDS = {choice.value for choice in Claim.Kind}


def panjshir_body() -> str:
    return FIXTURE.read_text(encoding="utf-8").split("\n", 1)[1].strip()


@pytest.fixture(scope="module")
def body() -> str:
    return panjshir_body()


@pytest.fixture(scope="module")
def suggestions(body) -> list[Suggestion]:
    return suggest_claims(body)


def assert_well_formed(body: str, found: list[Suggestion]) -> None:
    spans = [(s.span_start, s.span_end) for s in found]
    assert spans == sorted(spans), "suggestions are in text order"
    assert len(set(spans)) == len(spans), "no two suggestions share a span"
    for s in found:
        assert 0 <= s.span_start < s.span_end <= len(body)
        assert body[s.span_start : s.span_end] == s.text
        assert s.text == s.text.strip()
        assert s.kind in KINDS
        assert s.reason


def one(found: list[Suggestion], needle: str) -> Suggestion:
    matches = [s for s in found if needle in s.text]
    assert len(matches) == 1, f"expected one suggestion containing {needle!r}, got {matches}"
    return matches[0]


# The Panjshir article -------------------------------------------------------------------------


def test_panjshir_suggestions_are_well_formed(body, suggestions):
    assert_well_formed(body, suggestions)


def test_the_unverified_photo_of_the_white_flag_is_an_image_claim(body, suggestions):
    photo = one(suggestions, "white flag of the Taliban")
    assert photo.kind == "image"
    assert photo.text.startswith("Photos and videos shared widely on social media showed")
    assert body[photo.span_start : photo.span_end] == photo.text
    assert "verif" in photo.reason
    # The hedge sentence itself is not suggested: the claim is what the photo shows.
    assert not [s for s in suggestions if "CNN cannot independently verify" in s.text]


def test_the_taliban_claim_of_conquest_is_a_quote_by_mujahid(body, suggestions):
    conquest = one(suggestions, "completely conquered")
    assert conquest.kind == "quote"
    assert "Zabihullah Mujahid" in conquest.attribution
    assert "spokesman" in conquest.attribution
    assert body[conquest.span_start : conquest.span_end] == conquest.text


def test_the_nrf_denials_are_attributed(body, suggestions):
    valley = one(suggestions, "The resistance is still all over the valley")
    assert valley.kind == "quote"
    assert "Nazary" in valley.attribution
    false = one(suggestions, "Taliban’s claim of occupying Panjshir is false")
    assert false.kind == "quote"
    assert "NRF" in false.attribution
    # A multi-sentence quotation is one suggestion, from its first checkable sentence to its
    # last: the NRF's two claims together, without the pledge that closes the quotation.
    assert false.text == (
        "“Taliban’s claim of occupying Panjshir is false. "
        "The NRF forces are present in all strategic positions across the valley to continue the fight."
    )
    for s in (valley, false):
        assert body[s.span_start : s.span_end] == s.text


def test_the_hedged_size_of_the_nrf_is_a_statistic(body, suggestions):
    size = one(suggestions, "reportedly numbers in the thousands")
    assert size.kind == "statistic"
    assert "reportedly" in size.reason
    assert body[size.span_start : size.span_end] == size.text


def test_no_civilian_casualties_is_attributed_to_mujahid(body, suggestions):
    casualties = one(suggestions, "no civilian casualties")
    assert "Mujahid" in casualties.attribution
    assert body[casualties.span_start : casualties.span_end] == casualties.text


def test_the_deaths_of_the_nrf_spokesmen_are_attributed_to_the_nrf(body, suggestions):
    deaths = one(suggestions, "had been killed")
    assert deaths.attribution == "the NRF"
    assert deaths.kind == "statement"
    assert body[deaths.span_start : deaths.span_end] == deaths.text


@pytest.mark.parametrize(
    "background",
    [
        "Call for a national uprising",
        "In the late 1990s, it was a center of resistance against the Taliban during their rule.",
        "If the claim is true, it would mean the Taliban now control every Afghan province.",
        "There’s been no official Taliban response to Massoud’s proposals.",
        "Massoud also called for international support for his cause.",
    ],
)
def test_background_sentences_are_not_suggested(body, suggestions, background):
    assert background in body
    assert not [s for s in suggestions if background in s.text or s.text in background]


def test_pledges_in_quotations_are_not_suggested(suggestions):
    for pledge in ("We assure the honorable people", "We assure the people of Afghanistan", "in no way military"):
        assert not [s for s in suggestions if pledge in s.text]


def test_fewer_than_80_percent_of_the_sentences_are_suggested(body, suggestions):
    sentences = [s for line in body.splitlines() if line.strip() for s in sentencex.segment("en", line) if s.strip()]
    assert len(sentences) >= 25
    assert len(suggestions) < 0.8 * len(sentences)


# The rules on made-up text ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "attribution"),
    [
        ("Taliban spokesman Zabihullah Mujahid said the city was taken.", "Zabihullah Mujahid, Taliban spokesman"),
        ("Nazary said the road was open.", "Nazary"),
        ("The NRF said the road was open.", "the NRF"),
        ("The group denied the claim, with spokesman Ali Nazary telling CNN the road was open.", "Ali Nazary"),
        ("“The road is open,” said Smith.", "Smith"),
        ("According to the ministry, the school was shut.", "the ministry"),
        ("The mayor later told reporters that the bridge had been closed.", "the mayor"),
    ],
)
def test_attribution(text, attribution):
    [found] = suggest_claims(text)
    assert found.attribution.startswith(attribution)
    assert found.kind == ("quote" if "“" in text else "statement")
    assert found.reason.startswith("Attributed statement (“")


def test_a_pronoun_speaker_is_the_last_person_named():
    text = "Massoud said the valley was held.\n\n“They attacked our village at dawn,” he said."
    last = suggest_claims(text)[-1]
    assert last.kind == "quote"
    assert last.attribution == "Massoud"


def test_a_multi_sentence_quotation_attributed_at_its_end_is_one_suggestion():
    text = "“The bridge is closed. The army holds the airport. Both roads are cut,” the council said."
    [found] = suggest_claims(text)
    assert found.text == text
    assert found.attribution == "the council"
    assert found.kind == "quote"
    assert_well_formed(text, [found])


def test_a_continued_quotation_keeps_the_speaker_named_before_it():
    text = "“We took the town,” the commander said. “Our losses were light. The enemy fled to the hills.”"
    found = suggest_claims(text)
    assert [s.attribution for s in found] == ["the commander"] * 2
    assert found[-1].text == "“Our losses were light. The enemy fled to the hills.”"


@pytest.mark.parametrize(
    ("text", "figure"),
    [
        ("Prices rose 12% last year.", "12%"),
        ("The fire burned 4,000 hectares of forest.", "4,000 hectares"),
        ("The storm left 23 people dead in the region.", "23 people"),
        ("Tens of thousands marched in the capital.", "thousands"),
        ("There were no civilian casualties in the raid.", "no civilian casualties"),
        ("The contract is worth $4.5 billion over ten years.", "$4.5 billion"),
    ],
)
def test_statistics(text, figure):
    [found] = suggest_claims(text)
    assert found.kind == "statistic"
    assert figure in found.reason
    assert found.text == text


@pytest.mark.parametrize(
    ("text", "hedge"),
    [
        ("The minister reportedly resigned on Friday.", "reportedly"),
        ("The convoy was allegedly attacked near the border.", "allegedly"),
        ("Rebels appeared to control the northern districts.", "appeared to"),
        ("The death of the commander remains unconfirmed.", "unconfirmed"),
    ],
)
def test_hedges(text, hedge):
    [found] = suggest_claims(text)
    assert found.kind == "statement"
    assert found.reason == f"Hedged wording: “{hedge}”."
    assert found.attribution == ""


def test_an_unverified_video_suggests_the_sentence_describing_it():
    text = (
        "Fighting continued overnight.\n\n"
        "Footage posted online showed tanks entering the town square. "
        "CNN could not independently verify the footage."
    )
    [found] = suggest_claims(text)
    assert found.kind == "video"
    assert found.text == "Footage posted online showed tanks entering the town square."
    assert found.reason == "The text says the video cannot be independently verified."
    assert_well_formed(text, [found])


def test_an_unverified_photo_is_an_image_claim():
    text = "A picture shared on Telegram showed smoke over the airport. The image has not been verified."
    [found] = suggest_claims(text)
    assert found.kind == "image"
    assert found.text.startswith("A picture shared on Telegram")


def test_an_unverified_claim_suggests_the_sentence_it_refers_to():
    text = "The rebels took the airport on Tuesday. CNN could not independently verify the claim."
    [found] = suggest_claims(text)
    assert found.text == "The rebels took the airport on Tuesday."
    assert "could not be independently verified" in found.reason


@pytest.mark.parametrize(
    "text",
    [
        "The river runs through the valley. The town has a market on weekends.",
        "Call for a national uprising",
        "The minister will visit the region next week, the ministry said.",
        "In the late 1990s, it was a center of resistance against the Taliban during their rule.",
    ],
)
def test_plain_text_is_not_suggested(text):
    assert suggest_claims(text) == []


def test_possessives_are_not_speakers():
    [found] = suggest_claims("But resistance fighters appeared to rebut the Taliban’s claims.")
    assert found.attribution == ""
    assert found.reason == "Hedged wording: “appeared to”."


# Robustness ------------------------------------------------------------------------------------


ODD_TEXTS = {
    "empty": "",
    "whitespace": "   \n\n\t  \r\n ",
    "no punctuation": "the minister said thousands of people left the city and nobody knows why " * 5,
    "long paragraph": " ".join(
        f"Officials said {n} people were evacuated. The road reportedly stays closed. It rained." for n in range(200)
    ),
    "unicode and emoji": "Der Bürgermeister sagte 😀 nichts. 🎉 “We won 5,000 votes,” said Zoë Çelik. ✅ Done.",
    "windows newlines": "Title line\r\n\r\nThe NRF said 5 people died.\r\n“It is false,” Nazary said.\r\n",
    "lone quote marks": 'He said “it is 50% done. And ” then ‘more’ 40 km" away said the group’s chief.',
    "repeated sentences": "The NRF said 5 people died. The NRF said 5 people died.\nThe NRF said 5 people died.",
    "only punctuation": '... !!! ??? “” ‘’ "" —',
}


@pytest.mark.parametrize("name", ODD_TEXTS)
def test_odd_texts_never_raise_and_keep_the_span_invariant(name):
    text = ODD_TEXTS[name]
    found = suggest_claims(text)
    assert_well_formed(text, found)


def test_empty_and_whitespace_suggest_nothing():
    assert suggest_claims("") == []
    assert suggest_claims(ODD_TEXTS["whitespace"]) == []


def test_windows_newlines():
    text = ODD_TEXTS["windows newlines"]
    found = suggest_claims(text)
    assert [s.text for s in found] == ["The NRF said 5 people died.", "“It is false,” Nazary said."]
    assert all("\r" not in s.text for s in found)


def test_repeated_sentences_get_their_own_spans():
    text = ODD_TEXTS["repeated sentences"]
    found = suggest_claims(text)
    assert len(found) == 3
    assert len({s.span_start for s in found}) == 3


def test_long_paragraph_is_a_candidate_sentence_by_sentence():
    text = ODD_TEXTS["long paragraph"]
    found = suggest_claims(text)
    assert len(found) == 400  # every "Officials said" and "reportedly" sentence, never "It rained."
    assert not [s for s in found if s.text == "It rained."]


def test_emoji_offsets():
    text = ODD_TEXTS["unicode and emoji"]
    quote = one(suggest_claims(text), "5,000 votes")
    assert quote.attribution == "Zoë Çelik"
    assert text[quote.span_start : quote.span_end] == quote.text


def test_random_token_soup_keeps_the_span_invariant():
    tokens = [
        *"said Nazary the NRF “ ” \" ‘ ’ ' . ! ? , ( ) — … 😀 he CNN Mr. U.S. 5,000 12% thousands".split(),
        *["\n", "\r\n", "\n\n", "\t", " ", "reportedly", "photo", "video", "could not be independently verified"],
    ]
    rng = random.Random(2021)
    for _ in range(300):
        text = " ".join(rng.choice(tokens) for _ in range(rng.randint(0, 60)))
        if rng.random() < 0.3:
            text = text.replace(" ", "")
        assert_well_formed(text, suggest_claims(text))
