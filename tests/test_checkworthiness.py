"""The check-worthiness model (factcheck.checkworthiness): the shipped model, its scores, bands and reasons,
training, the model file and its setting, and the fast paths held equal to the plain ones.

No database. Training data: the CLEF-2019 transcripts shipped in factcheck/checkworthiness/data/clef2019/."""

import json
import logging
import math
import random
import re
from pathlib import Path

import pytest

from factcheck import checkworthiness
from factcheck.checkworthiness import MODEL_FILE, Model, Score, Sentence, evaluation, features, signals, training, words

ODD = ["", " ", "🔥🔥🙏", "x" * 10_000, "a\x00b\x00", "\x00", "?", "$", "’", "İstanbul", "1,2,3.4.5", "<num>"]
NEWS = Path(__file__).parent / "fixtures" / "suggestion_labels.json"


@pytest.fixture(scope="module")
def transcripts():
    return training.clef_examples()


@pytest.fixture(scope="module")
def clef_texts(transcripts):
    texts = [s.text for _, part in transcripts for s, _ in part]
    if NEWS.exists():  # news sentences as text only
        texts += [s["text"] for a in json.loads(NEWS.read_text())["articles"] for s in a["sentences"]]
    return texts


@pytest.fixture(autouse=True)
def _shipped_model(settings):
    """Every test starts from the shipped model (no retrained file configured)."""
    settings.CHECKWORTHINESS_MODEL_PATH = None
    checkworthiness.reload()
    yield
    checkworthiness.reload()


def test_the_shipped_model_loads_and_scores_in_the_unit_interval(transcripts):
    model = checkworthiness.current()
    assert model.version == checkworthiness.model_version() == checkworthiness.MODEL_VERSION
    assert re.fullmatch(r"[0-9a-f]{12}", model.version)
    assert MODEL_FILE.stat().st_size < 5_000_000
    assert model.notes["trained_on"]["clef2019_sentences"] == sum(len(part) for _, part in transcripts)
    sentences = [s for _, part in transcripts[:3] for s, _ in part] + [Sentence(t) for t in ODD]
    scores = checkworthiness.score(sentences)
    assert len(scores) == len(sentences)
    assert all(isinstance(s, Score) and 0.0 <= s.value <= 1.0 for s in scores)
    assert checkworthiness.score([]) == []


def test_a_figure_raises_the_score_and_is_its_reason():
    plain = checkworthiness.score_text("Unemployment went down in Ohio last year.")
    figure = checkworthiness.score_text("Unemployment went down by 2.5 percent in Ohio last year.")
    assert figure.value > plain.value
    assert "figure: “2.5 percent”" in figure.reasons
    assert not any(r.startswith("figure") for r in plain.reasons)
    vehicles = checkworthiness.score_text("The army sent 45,000 vehicles to the border.")
    assert "figure: “45,000 vehicles”" in vehicles.reasons
    assert not any(r.startswith("figure") for r in checkworthiness.score_text("He caught Covid-19 in May.").reasons)


def test_a_comparison_raises_the_score_and_is_its_reason():
    plain = checkworthiness.score_text("Crime in the city is high.")
    compared = checkworthiness.score_text("Crime in the city is higher than it was in 1990.")
    assert compared.value > plain.value
    assert "comparison: “higher than”" in compared.reasons


def test_pledges_and_greetings_score_low_and_say_why():
    model = checkworthiness.current()
    greeting = checkworthiness.score_text("Thank you very much, and good evening, everyone.")
    pledge = checkworthiness.score_text("We will make this country great again, I promise you that.")
    for low in (greeting, pledge):
        assert low.band == "low" and low.value < model.thresholds["medium"]
    assert "a greeting or thanks (lowers)" in greeting.reasons
    assert "a prediction or pledge (lowers)" in pledge.reasons
    figure = checkworthiness.score_text("We cut taxes by 40 percent, more than any government before us.")
    assert figure.value > max(greeting.value, pledge.value)


def test_news_flags_count_and_are_told():
    text = "The photo shows 300 soldiers crossing the river."
    plain = checkworthiness.score([Sentence(text)])[0]
    attributed, unverified = checkworthiness.score(
        [Sentence(text, speaker="Officials", attributed=True), Sentence(text, unverified_media=True)]
    )
    assert attributed.value > plain.value and "attributed statement" in attributed.reasons
    assert unverified.value > plain.value
    assert "a photo or video that could not be verified" in unverified.reasons


def test_reasons_quote_what_fired_strongest_first(transcripts):
    sentences = [s for _, part in transcripts[-4:] for s, _ in part]
    for sentence, score in zip(sentences, checkworthiness.score(sentences), strict=True):
        lowering = [r.endswith(" (lowers)") for r in score.reasons]
        assert lowering == sorted(lowering)  # what raised the score, then what lowered it
        for reason in score.reasons:
            if quoted := re.search(r"“(.+?)”", reason):
                words_quoted = quoted.group(1).rstrip("…")
                where = sentence.text if not reason.startswith("wording") else " ".join(words.tokens(sentence.text))
                assert all(w.lower() in where.lower() for w in re.split(r"”, “", words_quoted)), (reason, sentence)
            if reason.startswith("names "):
                assert reason[len("names ") :].split(", ")[0].rstrip("…") in sentence.text


def test_reasons_follow_the_contributions():
    """Each reason is a fired feature's phrase; they come strongest first, what lowered the score last."""
    model = checkworthiness.current()
    sentence = Sentence("More than 3,000 people died in Iraq, the highest toll since 2008, reportedly.")
    score = model.score([sentence])[0]
    _, own = features.analyse(sentence.text)
    contributions: dict[str, float] = {}
    for name, (value, evidence) in features.rule_features(own, None, sentence).items():
        if (phrase := features.PHRASES.get(name)) is not None:
            key = phrase.format(evidence) if "{}" in phrase else phrase
            contributions[key] = contributions.get(key, 0.0) + model.rules[name] * value
    ranked = sorted(contributions.items(), key=lambda kv: -kv[1])
    expected = [k for k, c in ranked if c >= 0.1] + [k + " (lowers)" for k, c in reversed(ranked) if c <= -0.1]
    told = [r for r in score.reasons if not r.startswith("wording")]
    assert told and told == expected[: len(told)]
    assert "figure: “More than 3,000”" in told and "hedged wording: “reportedly”" in told


def test_bands_follow_the_thresholds(transcripts):
    model = checkworthiness.current()
    high, medium = model.thresholds["high"], model.thresholds["medium"]
    assert 0.0 < medium < high < 1.0
    scores = checkworthiness.score([s for _, part in transcripts[:4] for s, _ in part])
    for s in scores:
        assert s.band == ("high" if s.value >= high else "medium" if s.value >= medium else "low")
        assert s.band == model.band(s.value)
    assert {s.band for s in scores} == {"high", "medium", "low"}


def test_a_held_out_transcript_ranks_better_than_chance(transcripts):
    held_name = "20170928_trump_tax"  # 412 lines, 16 check-worthy
    held = dict(transcripts)[held_name]
    rest = [e for name, part in transcripts if name != held_name for e in part]
    model = training.fit(training.featurize(s for s, _ in rest), [y for _, y in rest])
    labels = [y for _, y in held]
    ap = evaluation.average_precision([s.value for s in model.score([s for s, _ in held])], labels)
    rng = random.Random(0)
    chance = sum(evaluation.average_precision([rng.random() for _ in held], labels) for _ in range(50)) / 50
    assert ap > 2 * chance, (held_name, ap, chance)


def test_training_on_a_tiny_set_and_the_file_round_trip(tmp_path):
    examples = [
        (Sentence("Taxes rose by 20 percent last year."), 1),
        (Sentence("Unemployment fell to 4 percent in May."), 1),
        (Sentence("More than 300 people were killed in the attack."), 1),
        (Sentence("Thank you all for coming tonight."), 0),
        (Sentence("We will win this election."), 0),
        (Sentence("Good evening and welcome."), 0),
        (Sentence("I think we can do better."), 0),
        (Sentence("What is your plan?"), 0),
    ] * 3
    model = training.train(examples, include_clef=False)
    assert model.notes["trained_on"] == {"clef2019_sentences": 0, "desk_decisions": 24, "check_worthy": 9}
    path = tmp_path / "retrained.json"
    model.save(path)
    loaded = Model.load(path)
    assert loaded.version == model.version
    probe = [Sentence("Prices rose by 7 percent."), Sentence("Thanks, and good night.")]
    assert [s.value for s in loaded.score(probe)] == pytest.approx([s.value for s in model.score(probe)], abs=1e-6)
    assert loaded.score(probe)[0].value > loaded.score(probe)[1].value


def test_the_configured_model_file_is_used_when_present(settings, tmp_path, caplog):
    shipped = checkworthiness.current().version
    retrained = training.train(
        [(Sentence("Taxes rose by 20 percent."), 1), (Sentence("Hello there."), 0)] * 4, include_clef=False
    )
    path = tmp_path / "checkworthiness.json"
    settings.CHECKWORTHINESS_MODEL_PATH = path
    assert checkworthiness.reload().version == shipped  # configured, but not written yet
    retrained.save(path)
    assert checkworthiness.model_path() == path
    assert checkworthiness.reload().version == retrained.version != shipped
    path.write_text("{not json")
    with caplog.at_level(logging.ERROR, logger="factcheck.checkworthiness"):
        assert checkworthiness.reload().version == shipped
    assert "unreadable" in caplog.text


def test_a_transcript_reads_with_its_quoting(transcripts):
    by_name = dict(transcripts)
    texts = [s.text for s, _ in by_name["20180926_un_press"]]
    assert "Guam" in texts and '"Guam"' not in texts
    first, second = by_name["20160926_1pres"][:2]
    assert first[0].speaker == "HOLT" and second[0].previous == first[0].text
    assert sum(len(part) for _, part in transcripts) == 16_421
    assert sum(y for _, part in transcripts for _, y in part) == 440


def test_batch_scores_equal_one_sentence_at_a_time(transcripts):
    model = checkworthiness.current()
    sentences = [s for _, part in transcripts[10:13] for s, _ in part][::3]  # previous lines not in the batch
    rows = training.featurize(sentences)
    batch = [s.value for s in model.score(sentences)]
    alone = [model.score([s])[0].value for s in sentences[:200]]
    expected = [1 / (1 + math.exp(-model.logits(*row))) for row in rows]
    assert batch == pytest.approx(expected, abs=1e-9)
    assert alone == pytest.approx(expected[:200], abs=1e-9)


def test_a_few_sentences_score_as_in_a_batch(transcripts):
    """A batch of fewer than model.FEW texts is read in plain Python, not with numpy: the same scores."""
    model = checkworthiness.current()
    sentences = [s for _, part in transcripts[4:5] for s, _ in part][:300] + [Sentence(t) for t in ODD]
    together = model.score(sentences)
    alone = [model.score([s])[0] for s in sentences]
    assert [s.value for s in alone] == pytest.approx([s.value for s in together], abs=1e-9)
    assert [(s.band, s.reasons) for s in alone] == [(s.band, s.reasons) for s in together]


def test_the_prefilters_find_what_the_patterns_find(clef_texts):
    """A pattern runs only on sentences holding one of its trigger words; here every pattern runs on every
    training sentence (and the news fixtures' sentences), and must find nothing the flags would skip."""
    patterns = {
        "FIGURE": (words.FIGURE, signals.FIGURE),
        "COMPARISON": (words.COMPARE, signals.COMPARISON),
        "HEDGE": (words.HEDGE, signals.HEDGE),
        "VERIFY": (words.HEDGE, signals.VERIFY),
        "INTENT": (words.INTEND, signals.INTENT),
        "MEDIA": (words.SHOW, signals.MEDIA),
        "opinion": (words.OPINE, features._OPINION),
        "greeting": (words.GREET, features._GREETING),
    }
    for text in clef_texts:
        bits = words.flags(features.analyse(text)[0])
        for name, (bit, pattern) in patterns.items():
            assert bits & bit or pattern.search(text) is None, (name, text)
        full = [m.group().strip() for m in signals.FIGURE.finditer(text)]
        assert (features.figures_in(text, bits) if bits & words.FIGURE else []) == full, text


def test_the_batch_reads_what_one_text_reads(clef_texts):
    index = checkworthiness.current().index
    sample = clef_texts[::4] + ODD
    read = checkworthiness.batch.read(sample, index, len(sample), 0.25)
    for text, analysis in zip(sample, read.analyses, strict=True):
        assert analysis == features.analyse(text)[1], text


def test_tokens_and_numbers():
    assert words.tokens("In 2019, prices rose 4.5% — don’t “panic”: $3,000!") == [
        "in",
        "<year>",
        "prices",
        "rose",
        "<num>",
        "%",
        "don",
        "'t",
        "panic",
        "$",
        "<num>",
    ]
    assert words.tokens("Covid-19 and 12019 or 2019.5") == ["covid", "<num>", "and", "<num>", "or", "<num>"]
    assert words.ngrams(["more", "than", "<num>"]) == {"more", "than", "<num>", "more than", "than <num>"}


def test_speed_of_a_batch(transcripts):
    """A loose floor, in CPU time (busy shared machines run this far slower): the training script's --bench
    reports the real figure."""
    sentences = [s for _, part in transcripts[:6] for s, _ in part][:5000]
    assert evaluation.sentences_per_second(checkworthiness.current(), sentences, repeat=2) > 3_000
