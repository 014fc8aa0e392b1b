"""Issue 11 through the desk: an article gets at most N scored suggestions, the rest stay
as "more candidates"; captions and transcripts; decisions recorded with their scores;
rank_sentences and retrain_checkworthiness; what editors and the API see."""

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from factcheck import feedback, importing, workflow
from factcheck.models import Action, Article, Claim, Event, Media

from .test_importing import PANJSHIR

CLEF = Path(__file__).resolve().parent.parent / "factcheck" / "checkworthiness" / "data" / "clef2019"
HERALD = (
    "Zimbabwe president Robert Mugabe with ZDF commander general Constantino Chiwenga at State House in an "
    "image the Harare Herald claims was taken on November 16 - the day after the military takeover"
)
TRANSCRIPT = (
    "Debate night\n"
    "MODERATOR: Good evening and welcome to the debate.\n"
    "SMITH: Unemployment doubled to 9 percent in two years under this governor.\n"
    "JONES: That is simply not true; we created 45,000 jobs last year.\n"
    "SMITH: Thank you.\n"
)


def _import_panjshir(user, **settings_overrides):
    return importing.import_text(title="", body=PANJSHIR, user=user)


def test_an_article_gets_at_most_the_limit_best_first_and_keeps_the_rest(editor_user, settings):
    settings.SUGGESTIONS_PER_ARTICLE, settings.SUGGESTION_THRESHOLD = 4, 0.0
    result = _import_panjshir(editor_user)
    article = result.article
    claims = list(article.claims.all())
    assert result.suggestions == len(claims) == 4
    assert all(c.score is not None and c.score_band in {"high", "medium", "low"} and c.score_reasons for c in claims)
    kept = min(c.score for c in claims)
    assert article.candidates, "the other candidates stay available"
    assert all(c["score"] <= kept for c in article.candidates)
    for c in article.candidates:
        assert article.body[c["span_start"] : c["span_end"]] == c["text"]
    assert {c.text for c in claims}.isdisjoint(c["text"] for c in article.candidates)


def test_the_threshold_holds_back_weak_candidates(editor_user, settings):
    settings.SUGGESTIONS_PER_ARTICLE, settings.SUGGESTION_THRESHOLD = 10, 1.01
    result = _import_panjshir(editor_user)
    assert result.suggestions == 0
    assert len(result.article.candidates) > 0


def test_a_captions_claim_about_its_photo_is_an_image_claim_on_that_media(editor_user, settings):
    settings.SUGGESTION_THRESHOLD = 0.0
    photos = [importing.MediaData("image", "", HERALD, ""), importing.MediaData("image", "", "A street in Harare", "")]
    data = importing.ArticleData(
        title="Zimbabwe", body="The army took over state television on Wednesday, officials said.", media=photos
    )
    result = importing.import_article(data, source=Article.Source.API)
    claim = result.article.claims.get(kind=Claim.Kind.IMAGE)
    assert claim.text == HERALD and claim.span_start is None
    assert claim.media == Media.objects.get(caption=HERALD)
    assert "Harare Herald" in claim.attribution


def test_a_transcript_file_is_imported_with_speakers_and_ranked(editor_user, settings):
    settings.SUGGESTION_THRESHOLD = 0.0
    [result] = importing.import_file("debate.txt", TRANSCRIPT.encode(), user=editor_user)
    assert result.outcome == importing.CREATED, result.message
    article = result.article
    assert article.is_transcript and article.title == "Debate night"
    assert article.body.splitlines()[1].startswith("SMITH: Unemployment doubled")
    claims = sorted(article.claims.all(), key=lambda c: -c.score)
    assert claims[0].attribution in {"SMITH", "JONES"}
    assert any("9 percent" in c.text for c in claims[:2])
    for c in claims:
        assert article.body[c.span_start : c.span_end] == c.text


def test_a_clef_tsv_file_is_a_transcript(editor_user):
    raw = (CLEF / "20160926_1pres.tsv").read_bytes()[:6000].rsplit(b"\n", 1)[0]
    [result] = importing.import_file("20160926_1pres.tsv", raw, user=editor_user)
    assert result.outcome == importing.CREATED, result.message
    assert result.article.is_transcript
    assert result.article.body.startswith("HOLT: Good evening from Hofstra University")


def test_a_bad_tsv_fails_with_a_reason(editor_user):
    [result] = importing.import_file("broken.tsv", b"1\tonly two columns\n", user=editor_user)
    assert result.outcome == importing.FAILED
    assert "not a transcript" in result.message and "column" in result.message


# Decisions ----------------------------------------------------------------------------------------


def test_accept_and_dismiss_record_the_score_and_give_precision_by_band(editor_user, settings):
    settings.SUGGESTIONS_PER_ARTICLE, settings.SUGGESTION_THRESHOLD = 4, 0.0
    claims = list(_import_panjshir(editor_user).article.claims.order_by("-score"))
    workflow.claim_accept(claims[0], actor=editor_user)
    workflow.claim_accept(claims[1], actor=editor_user)
    workflow.claim_dismiss(claims[2], actor=editor_user)
    workflow.claim_dismiss(claims[3], actor=editor_user)
    workflow.claim_restore(claims[3], actor=editor_user)
    workflow.claim_accept(claims[3], actor=editor_user)  # the last word counts
    event = Event.objects.get(claim=claims[0], action=Action.ACCEPT)
    assert event.data == {"score": claims[0].score, "band": claims[0].score_band}
    decided = {d.claim_id: d.accepted for d in feedback.decisions()}
    assert decided == {claims[0].pk: True, claims[1].pk: True, claims[2].pk: False, claims[3].pk: True}
    overall = next(p for p in feedback.precision_by_band() if p.band == "all")
    assert (overall.accepted, overall.dismissed, overall.precision) == (3, 1, 0.75)


def test_a_flagged_claim_records_no_score(editor_user, article):
    claim = workflow.claim_flag(article=article, actor=editor_user, text=article.body[:20])
    assert claim.score is None
    assert feedback.decisions() == []


def test_retrain_learns_from_the_desk_and_writes_the_model(editor_user, settings, tmp_path):
    settings.SUGGESTIONS_PER_ARTICLE, settings.SUGGESTION_THRESHOLD = 3, 0.0
    settings.CHECKWORTHINESS_MODEL_PATH = tmp_path / "model.json"
    claims = list(_import_panjshir(editor_user).article.claims.all())
    workflow.claim_accept(claims[0], actor=editor_user)
    workflow.claim_dismiss(claims[1], actor=editor_user)
    out = StringIO()
    try:
        call_command("retrain_checkworthiness", stdout=out)
        assert (tmp_path / "model.json").is_file()
        assert "all" in out.getvalue() and "Trained on 2 desk decision(s)" in out.getvalue()
        json.loads((tmp_path / "model.json").read_text())
    finally:
        settings.CHECKWORTHINESS_MODEL_PATH = tmp_path / "absent.json"
        from factcheck import checkworthiness

        checkworthiness.reload()


def test_retrain_refuses_without_decisions(db, tmp_path, settings):
    settings.CHECKWORTHINESS_MODEL_PATH = tmp_path / "model.json"
    with pytest.raises(CommandError, match="0 decision"):
        call_command("retrain_checkworthiness", stdout=StringIO())
    assert not (tmp_path / "model.json").exists()
    out = StringIO()
    call_command("retrain_checkworthiness", "--report", stdout=out)
    assert "precision" in out.getvalue()


# rank_sentences -----------------------------------------------------------------------------------


def test_rank_sentences_writes_a_score_for_every_line(tmp_path):
    path = CLEF / "20160926_1pres.tsv"
    out = StringIO()
    call_command("rank_sentences", str(path), stdout=out)
    rows = [line.split("\t") for line in out.getvalue().splitlines()]
    numbers = [line.split("\t")[0] for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert [r[0] for r in rows] == numbers
    assert all(0.0 <= float(r[1]) <= 1.0 for r in rows)


def test_rank_sentences_reads_speaker_lines_and_writes_files(tmp_path):
    (tmp_path / "a.txt").write_text(TRANSCRIPT.split("\n", 1)[1], encoding="utf-8")
    (tmp_path / "b.txt").write_text(TRANSCRIPT.split("\n", 1)[1], encoding="utf-8")
    call_command("rank_sentences", str(tmp_path / "a.txt"), str(tmp_path / "b.txt"), "--output-dir", str(tmp_path))
    ranked = (tmp_path / "a.txt.scores").read_text().splitlines()
    assert [r.split("\t")[0] for r in ranked] == ["1", "2", "3", "4"]


@pytest.mark.parametrize(
    ("content", "message"),
    [(None, "no such file"), (b"\xff\xfe\x00bad", "UTF-8"), (b"Just prose.\nNo speakers.", "expected CLEF TSV")],
)
def test_rank_sentences_refuses_bad_input_with_a_reason(tmp_path, content, message):
    path = tmp_path / "in.txt"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(CommandError, match=message):
        call_command("rank_sentences", str(path), stdout=StringIO())


def test_rank_sentences_needs_an_output_dir_for_several_files(tmp_path):
    with pytest.raises(CommandError, match="--output-dir"):
        call_command("rank_sentences", "a", "b", stdout=StringIO())


# What people see ----------------------------------------------------------------------------------


def test_the_article_page_shows_bands_reasons_and_more_candidates(editor_user, settings, django_assert_max_num_queries):
    settings.SUGGESTIONS_PER_ARTICLE, settings.SUGGESTION_THRESHOLD = 3, 0.0
    article = _import_panjshir(editor_user).article
    client = Client()
    client.force_login(editor_user)
    page = client.get(article.get_absolute_url()).content.decode()
    assert "check-worthiness" in page
    assert 'id="more-candidates"' in page
    best = max(article.candidates, key=lambda c: c["score"])
    assert f'value="{best["span_start"]}"' in page
    # Flagging a candidate from that list flags exactly its span.
    response = client.post(
        reverse("factcheck:article-flag", args=[article.pk]),
        {"text": best["text"], "span_start": best["span_start"], "span_end": best["span_end"], "kind": "statement",
         "priority": 2},
    )  # fmt: skip
    assert response.status_code == 302
    flagged = article.claims.get(status=Claim.Status.FLAGGED)
    assert (flagged.span_start, flagged.span_end) == (best["span_start"], best["span_end"])
    page = client.get(article.get_absolute_url()).content.decode()
    assert f'name="span_start" value="{best["span_start"]}"' not in page


def test_the_desk_orders_suggestions_by_score(editor_user, settings):
    settings.SUGGESTIONS_PER_ARTICLE, settings.SUGGESTION_THRESHOLD = 5, 0.0
    _import_panjshir(editor_user)
    from factcheck import selectors

    scores = [c.score for c in selectors.editor_queues()["suggested"]]
    assert scores == sorted(scores, reverse=True)


def test_the_api_gives_editors_the_score_and_hides_it_from_the_cms(editor_user, settings):
    settings.SUGGESTIONS_PER_ARTICLE, settings.SUGGESTION_THRESHOLD = 2, 0.0
    claim = _import_panjshir(editor_user).article.claims.first()
    client = Client()
    client.force_login(editor_user)
    data = client.get(f"/api/v1/claims/{claim.pk}/").json()
    assert data["checkworthiness"]["band"] == claim.score_band
    assert data["checkworthiness"]["score"] == pytest.approx(claim.score)


def test_the_production_defaults_keep_ten_at_most_and_no_low_band(editor_user, settings):
    settings.SUGGESTIONS_PER_ARTICLE, settings.SUGGESTION_THRESHOLD = 10, None  # newsroom/settings.py's defaults
    article = _import_panjshir(editor_user).article
    claims = list(article.claims.all())
    assert 0 < len(claims) <= 10
    assert all(c.score_band in ("high", "medium") for c in claims)
    assert article.candidates, "the rest stay available"
