"""Issue 11 on detection itself: scores and ranking, attribution that editors can trust,
figures, caption claims and transcripts. Pure functions, no database."""

import pytest

from factcheck.checkworthiness.signals import FIGURE
from factcheck.detection import caption_claims, select, suggest_claims, transcripts
from tests.test_detection import assert_well_formed, panjshir_body

# Scores and selection ---------------------------------------------------------------------------


def test_every_candidate_has_a_score_a_band_and_reasons():
    found = suggest_claims(panjshir_body())
    assert found
    for s in found:
        assert 0.0 <= s.score <= 1.0
        assert s.band in {"high", "medium", "low"}
        assert s.reason
    assert any(s.signals for s in found)


def test_select_keeps_at_most_the_limit_best_first_and_the_rest_as_more():
    found = suggest_claims(panjshir_body())
    top, more = select(found, limit=3, threshold=0.0)
    assert len(top) == 3
    assert [s.score for s in top] == sorted((s.score for s in top), reverse=True)
    assert min(s.score for s in top) >= max(s.score for s in more)
    assert len(top) + len(more) == len(found)
    assert {id(s) for s in top}.isdisjoint(id(s) for s in more)


def test_select_holds_back_candidates_below_the_threshold():
    found = suggest_claims(panjshir_body())
    top, more = select(found, limit=100, threshold=1.01)
    assert top == [] and len(more) == len(found)
    top, _ = select(found, limit=100)  # by default the model's own bands: high and medium
    assert all(s.band != "low" for s in top)


def test_a_figure_scores_above_a_plain_attributed_remark():
    [figure] = suggest_claims("The mayor said 45,000 vehicles crossed the bridge every day last year.")
    [remark] = suggest_claims("The mayor said she was glad to be back in town.")
    assert figure.score > remark.score


# Attribution ------------------------------------------------------------------------------------


def test_a_pronoun_quote_takes_the_last_named_person_not_a_country():
    text = (
        "Israel said the crossing would stay shut.\n"
        "Anna Kowalski, a UN aid coordinator, said the convoy was turned back twice.\n"
        "Israel said it had not been asked.\n"
        "“Forty trucks were waiting at the border on Monday,” she said."
    )
    quote = suggest_claims(text)[-1]
    assert quote.attribution == "Anna Kowalski"


def test_she_skips_a_person_known_to_be_a_man():
    text = (
        "Ms. Grace Okafor said the clinic had run out of vaccines.\n"
        "Mr. Daniel Reyes said the shipment of 2,000 doses had been delayed.\n"
        "“We turned away 300 families in a week,” she said."
    )
    assert suggest_claims(text)[-1].attribution == "Grace Okafor"


def test_they_takes_the_last_group():
    text = "The ministry said the dam was safe.\n“We inspected it 12 times this year,” they said."
    assert suggest_claims(text)[-1].attribution == "the ministry"


def test_names_with_particles_are_whole():
    [found] = suggest_claims("Bill de Blasio said the city had added 2,000 officers since 2014.")
    assert found.attribution == "Bill de Blasio"


@pytest.mark.parametrize(
    "text",
    [
        "“The rent went up 20 percent,” said Smith.",
        "“The rent went up 20 percent,” said Smith, .",
        "According to Smith: the rent went up 20 percent.",
    ],
)
def test_no_trailing_punctuation_in_names(text):
    [found] = suggest_claims(text)
    assert found.attribution == "Smith"


def test_a_person_outranks_a_group_in_one_sentence():
    [found] = suggest_claims("The government has denied it, but Biden said 40,000 jobs were lost in March.")
    assert found.attribution == "Biden"


# Figures ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["Covid-19 spread quickly.", "The G-20 met in Rome.", "An F-16 flew over."])
def test_names_with_numbers_are_not_figures(text):
    assert FIGURE.search(text) is None


@pytest.mark.parametrize(
    ("text", "figure"),
    [
        ("The queue lasted 40 minutes.", "40 minutes"),
        ("Officials counted 45,000 vehicles.", "45,000 vehicles"),
        ("Covid-19 killed 1,200 people there.", "1,200 people"),
    ],
)
def test_figures(text, figure):
    found = FIGURE.search(text)
    assert found is not None and found.group() == figure


# Captions ---------------------------------------------------------------------------------------

HERALD = (
    "Zimbabwe president Robert Mugabe with ZDF commander general Constantino Chiwenga at State House in an "
    "image the Harare Herald claims was taken on November 16 - the day after the military takeover"
)


def test_a_caption_claim_about_its_photo_is_an_image_claim():
    [claim] = caption_claims(HERALD)
    assert claim.kind == "image"
    assert claim.text == HERALD
    assert HERALD[claim.span_start : claim.span_end] == claim.text
    assert "Harare Herald" in claim.attribution
    assert "caption" in claim.reason


@pytest.mark.parametrize(
    "caption",
    ["A man walks past an armoured personnel carrier parked on a Harare street on Thursday", "", "line"],
)
def test_a_plain_caption_makes_no_claim(caption):
    assert caption_claims(caption) == []


# Transcripts ------------------------------------------------------------------------------------

TSV = (
    "1\tHOLT\tGood evening from Hofstra University in Hempstead, New York.\t0\n"
    '2\tTRUMP\t"Our jobs are fleeing the country, 7,000 jobs left Michigan last year."\t1\n'
    "3\tCLINTON\tThank you, Lester, and thanks to Hofstra for hosting us.\n"
)
PLAIN = (
    "First presidential debate\n"
    "HOLT: Good evening from Hofstra University.\n"
    "TRUMP: Our jobs are fleeing the country.\n"
    "7,000 jobs left Michigan last year.\n"
    "CLINTON: Thank you, Lester.\n"
)


def test_the_clef_tsv_is_read_with_its_speakers_and_quoting():
    lines = transcripts.parse(TSV)
    assert [(line.number, line.speaker) for line in lines] == [("1", "HOLT"), ("2", "TRUMP"), ("3", "CLINTON")]
    assert lines[1].text == "Our jobs are fleeing the country, 7,000 jobs left Michigan last year."


def test_speaker_lines_are_read_and_a_line_without_a_speaker_continues_the_last():
    lines = transcripts.parse(PLAIN.split("\n", 1)[1])
    assert [line.speaker for line in lines] == ["HOLT", "TRUMP", "TRUMP", "CLINTON"]


@pytest.mark.parametrize("text", ["", "   ", "Just an article.\nWith two lines.", "1\tonly two"])
def test_what_is_not_a_transcript_says_why(text):
    with pytest.raises(transcripts.NotATranscript) as refused:
        transcripts.parse(text)
    assert str(refused.value)


def test_transcript_lines_are_scored_and_ranked_like_an_article():
    lines = transcripts.parse(TSV)
    scores = transcripts.score_lines(lines)
    assert len(scores) == 3
    assert scores[1].value > scores[0].value and scores[1].value > scores[2].value


def test_a_stored_transcript_body_gives_candidates_with_speakers_and_exact_spans():
    body, spans = transcripts.as_body(transcripts.parse(TSV))
    assert body.splitlines()[1].startswith("TRUMP: Our jobs")
    found = transcripts.candidates(body)
    assert_well_formed(body, found)
    jobs = next(s for s in found if "7,000 jobs" in s.text)
    assert jobs.attribution == "TRUMP"
    assert jobs.kind == "statistic"
    assert (jobs.span_start, jobs.span_end) == spans[1]
