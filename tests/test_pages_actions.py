"""The desk's pages and actions as each kind of person meets them: who may open which page and take
which action, flagging, triage, someone acting first, and form errors next to their fields."""

import re

import pytest

from factcheck import workflow
from factcheck.models import Claim, Media

from .desk_pages import (
    ACTORS,
    ANON,
    ASSIGNED,
    EDITOR,
    FLAG_BODY,
    OTHER,
    OUTSIDER,
    S,
    flag,
    login,
    messages_of,
    post_action,
    state,
)
from .desk_pages import flag_article as flag_article  # a pytest fixture, imported so that pytest finds it


# --- helpers ---------------------------------------------------------------
def form_html(response, form_id):
    match = re.search(rf'<form[^>]*id="{form_id}".*?</form>', response.content.decode(), re.S)
    assert match, f"no form #{form_id} on the page"
    return match.group()


def shown_actions(response):
    return set(re.findall(r'id="action-(\w+)"', response.content.decode()))


def action_data(action, reviewer, rating):
    return {
        "assign": {"reviewer": reviewer.pk, "due_at": "", "note": "Please check by noon."},
        "submit": {"rating": rating.pk, "summary": "Nothing supports it.", "evidence_url": "https://example.org/a"},
        "return": {"note": "Needs a second source."},
        "correct": {"rating": rating.pk, "summary": "New footage.", "reason": "A video surfaced."},
        "evidence": {"url": "https://example.org/photo", "description": "Geolocated photo"},
        "comment": {"body": "Looks doctored."},
    }.get(action, {"note": ""})


# --- 1. who may open which page --------------------------------------------

PAGES = ["/", "/articles/", "/articles/{article}/", "/claims/{claim}/", "/articles/import/"]
EXPECTED_STATUS = {
    EDITOR: [200, 200, 200, 200, 200],
    ASSIGNED: [200, 200, 200, 200, 403],
    OTHER: [200, 200, 200, 200, 403],
    OUTSIDER: [403, 403, 403, 403, 403],
    ANON: [302, 302, 302, 302, 302],  # to the login page
}


@pytest.mark.parametrize(
    ("actor", "page", "expected"),
    [
        pytest.param(actor, page, code)
        for actor, codes in EXPECTED_STATUS.items()
        for page, code in zip(PAGES, codes, strict=True)
    ],
)
def test_each_page_answers_each_person_as_expected(request, client, make_claim, article, actor, page, expected):
    claim = make_claim(S.SUBMITTED)
    login(client, request.getfixturevalue(actor))
    response = client.get(page.format(article=article.pk, claim=claim.pk))
    assert response.status_code == expected
    assert actor != ANON or response.url.startswith("/accounts/login/")


# --- 2. who may take which action ------------------------------------------

ACTION_RULES = {  # action: (from status, to status, who may)
    "accept": (S.SUGGESTED, S.FLAGGED, {EDITOR}),
    "dismiss": (S.FLAGGED, S.DISMISSED, {EDITOR}),
    "restore": (S.DISMISSED, S.SUGGESTED, {EDITOR}),
    "assign": (S.FLAGGED, S.ASSIGNED, {EDITOR}),
    "submit": (S.ASSIGNED, S.SUBMITTED, {EDITOR, ASSIGNED}),
    "approve": (S.SUBMITTED, S.PUBLISHED, {EDITOR}),
    "return": (S.SUBMITTED, S.ASSIGNED, {EDITOR}),
    "correct": (S.PUBLISHED, S.SUBMITTED, {EDITOR}),
    "evidence": (S.ASSIGNED, S.ASSIGNED, {EDITOR, ASSIGNED}),
    "comment": (S.ASSIGNED, S.ASSIGNED, {EDITOR, ASSIGNED}),
}


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("action", ACTION_RULES)
def test_an_action_is_done_by_those_allowed_and_refused_to_everyone_else(
    request, client, make_claim, assigned_reviewer, rating, action, actor
):
    start, end, allowed = ACTION_RULES[action]
    claim = make_claim(start)
    login(client, request.getfixturevalue(actor))
    before = state(claim)
    response = post_action(client, claim, action, action_data(action, assigned_reviewer, rating))
    after = state(claim)
    if actor == ANON:
        assert response.url.startswith("/accounts/login/") and after == before
    elif actor == OUTSIDER:
        assert response.status_code == 403 and after == before
    elif actor in allowed:
        assert response.status_code == 302 and response.url == f"/claims/{claim.pk}/"
        assert [level for level, _ in messages_of(response)] == ["success"]
        assert after[0] == end
        # (events, evidence, comments) added; the verdict form's source link becomes evidence
        added = {"evidence": (0, 1, 0), "comment": (0, 0, 1), "submit": (1, 1, 0)}.get(action, (1, 0, 0))
        assert tuple(a - b for a, b in zip(after[1:], before[1:], strict=True)) == added
    else:
        assert response.status_code == 302 and response.url == f"/claims/{claim.pk}/"
        [(level, text)] = messages_of(response)
        assert level == "error" and len(text) > 10
        assert after == before


def test_the_author_of_a_verdict_cannot_approve_it(client, make_claim, editor_user, second_editor, rating):
    claim = make_claim(S.ASSIGNED)
    workflow.verdict_submit(claim, actor=editor_user, rating=rating, summary="I checked it myself.")
    client.force_login(editor_user)
    page = client.get(f"/claims/{claim.pk}/")
    assert "approve" not in shown_actions(page) and "return" in shown_actions(page)
    response = post_action(client, claim, "approve")
    assert messages_of(response) == [("error", "You wrote this verdict; another editor must approve it.")]
    assert state(claim)[0] == S.SUBMITTED
    client.force_login(second_editor)
    assert "approve" in shown_actions(client.get(f"/claims/{claim.pk}/"))


def test_a_forged_invalid_post_is_refused_without_showing_the_form(client, make_claim, other_reviewer):
    claim = make_claim(S.SUBMITTED)
    client.force_login(other_reviewer)
    response = post_action(client, claim, "return", {"note": ""})
    assert response.status_code == 302 and messages_of(response)[0][0] == "error"


# --- 3. only the actions a person may take are shown ------------------------
@pytest.mark.parametrize(
    ("status", "actor", "expected"),
    [
        (S.SUGGESTED, EDITOR, {"accept", "dismiss", "evidence", "comment", "tags"}),
        (S.SUGGESTED, ASSIGNED, set()),
        (S.FLAGGED, EDITOR, {"assign", "hold", "dismiss", "evidence", "comment", "tags"}),
        (S.ASSIGNED, EDITOR, {"assign", "hold", "dismiss", "submit", "evidence", "comment", "tags"}),
        (S.ASSIGNED, ASSIGNED, {"submit", "evidence", "comment", "tags"}),
        (S.ASSIGNED, OTHER, set()),
        (S.SUBMITTED, EDITOR, {"approve", "return", "evidence", "comment", "tags"}),
        (S.SUBMITTED, ASSIGNED, {"evidence", "comment", "tags"}),
        (S.SUBMITTED, OTHER, set()),
        (S.PUBLISHED, EDITOR, {"correct", "evidence", "comment", "tags"}),
        (S.PUBLISHED, ASSIGNED, set()),
        (S.DISMISSED, EDITOR, {"restore", "comment", "tags"}),
        (S.ON_HOLD, EDITOR, {"resume", "dismiss", "evidence", "comment", "tags"}),
        (S.ON_HOLD, ASSIGNED, {"evidence", "comment", "tags"}),
        (S.ON_HOLD, OTHER, set()),
    ],
)
def test_the_claim_page_shows_only_the_actions_the_person_may_take(
    request, client, make_claim, status, actor, expected
):
    claim = make_claim(status)
    login(client, request.getfixturevalue(actor))
    response = client.get(f"/claims/{claim.pk}/")
    assert shown_actions(response) == expected
    assert (b'id="no-actions"' in response.content) == (not expected)


# --- 4. flagging -----------------------------------------------------------
@pytest.mark.parametrize("words", ["Panjshir was conquered.", "line with"])  # the second after an emoji
def test_an_editor_flags_the_exact_span_of_a_selection(client, editor_user, flag_article, words):
    client.force_login(editor_user)
    start, end = FLAG_BODY.index(words), FLAG_BODY.index(words) + len(words)
    response = flag(client, flag_article, text=words, span_start=start, span_end=end)
    claim = Claim.objects.get()
    assert response.url == f"/articles/{flag_article.pk}/#claim-{claim.pk}"
    assert (claim.text, claim.span_start, claim.status) == (FLAG_BODY[start:end], start, S.FLAGGED)
    page = client.get(f"/articles/{flag_article.pk}/")
    assert f'<mark class="claim claim-flagged" data-offset="{start}"' in page.content.decode()


@pytest.mark.parametrize(
    ("paragraph", "words", "expected"),
    [
        (0, "", "The valley is free."),  # whole paragraph, surrounding spaces trimmed
        (2, "", "Taliban said: “Panjshir was conquered.” Nobody agreed."),
        (2, "Nobody agreed", "Nobody agreed"),
        (3, "line with emoji", "line with emoji"),  # after an astral character
    ],
)
def test_an_editor_flags_by_paragraph_without_javascript(client, editor_user, flag_article, paragraph, words, expected):
    client.force_login(editor_user)
    assert flag(client, flag_article, paragraph=paragraph, text=words).status_code == 302
    claim = Claim.objects.get()
    assert claim.text == expected == FLAG_BODY[claim.span_start : claim.span_end]


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"paragraph": 0, "text": "Nobody agreed"}, 'id="error_1_id_text"'),  # under the words field
        ({"paragraph": 0, "text": "Nobody agreed"}, "These words are not in the chosen paragraph"),
        ({"text": "Nobody agreed"}, "Select words in the article, or choose a paragraph."),
    ],
)
def test_a_bad_flag_is_shown_in_the_flag_form_and_stores_nothing(client, editor_user, flag_article, data, error):
    client.force_login(editor_user)
    response = flag(client, flag_article, **data)
    assert response.status_code == 400 and error in form_html(response, "flag-form")
    assert not Claim.objects.exists()


def test_a_span_that_does_not_match_its_text_is_refused(client, editor_user, flag_article):
    client.force_login(editor_user)
    response = flag(client, flag_article, text="Nobody agreed", span_start=0, span_end=13)
    assert response.url == f"/articles/{flag_article.pk}/"
    assert messages_of(response) == [("error", "The text does not match the article at the given span.")]
    assert not Claim.objects.exists()


def test_an_editor_flags_a_photo(client, editor_user, article):
    photo = Media.objects.create(article=article, caption="Taliban flag over the governor's office")
    client.force_login(editor_user)
    response = client.post(f"/articles/{article.pk}/flag-media/", {"media": photo.pk, "text": "Shows Panjshir"})
    claim = Claim.objects.get()
    assert response.url == f"/articles/{article.pk}/#claim-{claim.pk}"
    assert (claim.kind, claim.media, claim.status, claim.span_start) == ("image", photo, S.FLAGGED, None)


@pytest.mark.parametrize("media", [False, True])
def test_reviewers_cannot_flag(client, assigned_reviewer, article, media):
    client.force_login(assigned_reviewer)
    if media:
        photo = Media.objects.create(article=article, caption="A flag")
        response = client.post(f"/articles/{article.pk}/flag-media/", {"media": photo.pk, "text": "A flag"})
    else:
        response = flag(client, article, paragraph=0)
    assert response.status_code == 302 and messages_of(response) == [("error", "Only editors can flag claims.")]
    assert not Claim.objects.exists()


# --- 5. one-click triage from the article page ------------------------------
def test_accepting_from_the_article_page_goes_back_to_the_article(client, editor_user, make_claim, article):
    claim = make_claim(S.SUGGESTED)
    client.force_login(editor_user)
    back = f"/articles/{article.pk}/#claim-{claim.pk}"
    assert f'name="next" value="{back}"' in client.get(f"/articles/{article.pk}/").content.decode()
    response = post_action(client, claim, "accept", {"next": back})
    assert response.url == back and state(claim)[0] == S.FLAGGED


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "javascript:alert(1)"])
def test_a_next_to_another_host_is_ignored(client, editor_user, make_claim, target):
    claim = make_claim(S.SUGGESTED)
    client.force_login(editor_user)
    response = post_action(client, claim, "dismiss", {"next": target})
    assert response.url == f"/claims/{claim.pk}/" and state(claim)[0] == S.DISMISSED


# --- 6. someone else acted first ---------------------------------------------
def test_a_second_approval_says_the_claim_is_published_now(client, make_claim, editor_user, second_editor):
    claim = make_claim(S.SUBMITTED)
    client.force_login(editor_user)
    assert post_action(client, claim, "approve", {}).status_code == 302
    client.get(f"/claims/{claim.pk}/")  # reads the success message
    client.force_login(second_editor)
    response = post_action(client, claim, "approve")
    assert messages_of(response) == [("error", "Cannot approve this verdict: the claim is published now.")]
    page = client.get(response.url).content.decode()
    assert "the claim is published now" in page
    assert re.search(r'id="claim-status">\s*<span class="badge claim-status claim-published">Published<', page)
    assert claim.events.filter(action="approve").count() == 1


# --- 7. validation errors next to the fields --------------------------------

PAST = "2000-01-01T10:00"


@pytest.mark.parametrize(
    ("status", "action", "data", "error"),
    [
        (S.SUBMITTED, "return", {"note": ""}, "This field is required"),
        (S.FLAGGED, "assign", {"reviewer": "{reviewer}", "due_at": PAST}, "The due date must be in the future."),
        (S.ASSIGNED, "submit", {"rating": "{rating}", "summary": ""}, "This field is required"),
        (S.ASSIGNED, "evidence", {"url": "", "description": " "}, "Give a link or say what the evidence shows."),
        (S.ASSIGNED, "evidence", {"url": "javascript:alert(1)"}, "Enter a valid URL."),
    ],
)
def test_an_invalid_form_shows_its_errors_next_to_the_fields(
    client, editor_user, assigned_reviewer, rating, make_claim, status, action, data, error
):
    claim = make_claim(status)
    client.force_login(editor_user)
    before = state(claim)
    data = {k: v.format(reviewer=assigned_reviewer.pk, rating=rating.pk) for k, v in data.items()}
    response = post_action(client, claim, action, data)
    assert response.status_code == 400
    assert error in form_html(response, f"action-{action}")
    assert state(claim) == before


def test_a_media_flag_without_text_shows_the_error_under_that_photo(client, editor_user, article):
    photo = Media.objects.create(article=article, caption="A flag")
    client.force_login(editor_user)
    response = client.post(f"/articles/{article.pk}/flag-media/", {"media": photo.pk, "text": ""})
    assert response.status_code == 400 and not Claim.objects.exists()
    card = re.search(rf'id="media-{photo.pk}".*?</form>', response.content.decode(), re.S).group()
    assert "This field is required" in card


def test_the_claim_page_has_no_duplicate_element_ids(client, editor_user, make_claim):
    claim = make_claim(S.SUBMITTED)  # the editor sees approve and return, both with a note
    client.force_login(editor_user)
    ids = re.findall(r'\bid="([^"]+)"', client.get(f"/claims/{claim.pk}/").content.decode())
    assert sorted(ids) == sorted(set(ids))
