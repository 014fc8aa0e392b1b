"""Odd input and odd addresses on the desk's pages never give a 500, and error pages are in the site's style."""

import pytest

from factcheck import workflow
from factcheck.models import Claim, Media, Rating

from .desk_pages import ASSIGNED, EDITOR, OUTSIDER, S, flag, login, messages_of, post_action, state
from .desk_pages import flag_article as flag_article  # a pytest fixture, imported so that pytest finds it
from .factories import ArticleFactory


# --- 10. odd input never gives a 500 -----------------------------------------
@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({"text": "The", "span_start": "abc", "span_end": "5"}, 400),
        ({"text": "The", "span_start": "-1", "span_end": "5"}, 400),
        ({"text": "The", "span_start": str(10**30), "span_end": str(10**30 + 3)}, 302),
        ({"text": "The", "span_start": "2", "span_end": str(2**63)}, 302),
        ({"text": "The", "span_start": "9", "span_end": "2"}, 302),
        ({"text": "The", "span_start": "2"}, 400),
        ({"paragraph": "1"}, 400),  # a blank line is not a paragraph
        ({"paragraph": "99"}, 400),
        ({"paragraph": "-1"}, 400),
        ({"paragraph": "zero"}, 400),
        ({"paragraph": "0", "priority": "99"}, 400),
        ({"paragraph": "0", "kind": "image"}, 400),
        ({"paragraph": "0", "text": "x" * 6000}, 400),
    ],
)
def test_odd_flag_input_is_refused_without_a_crash(client, editor_user, flag_article, data, expected):
    client.force_login(editor_user)
    response = flag(client, flag_article, **data)
    assert response.status_code == expected
    if expected == 302:
        assert messages_of(response)[0][0] == "error"
    assert not Claim.objects.exists()


@pytest.mark.parametrize(
    ("method", "url", "expected"),
    [
        ("post", "/claims/{claim}/frobnicate/", 404),
        ("post", "/claims/999999/accept/", 404),
        ("get", "/claims/999999/", 404),
        ("get", "/claims/99999999999999999999999/", 404),
        ("get", "/articles/99999999999999999999999/", 404),
        ("post", "/articles/999999/flag/", 404),
        ("get", "/claims/{claim}/accept/", 405),
    ],
)
def test_odd_addresses_give_a_clean_error(client, editor_user, make_claim, method, url, expected):
    claim = make_claim(S.SUGGESTED)
    client.force_login(editor_user)
    assert getattr(client, method)(url.format(claim=claim.pk)).status_code == expected
    assert state(claim)[0] == S.SUGGESTED


@pytest.mark.parametrize(
    ("status", "action", "data"),
    [
        (S.FLAGGED, "assign", {"reviewer": "{outsider}"}),
        (S.FLAGGED, "assign", {"reviewer": "abc"}),
        (S.FLAGGED, "assign", {"reviewer": "{reviewer}", "due_at": "tomorrow"}),
        (S.ASSIGNED, "submit", {"rating": "999999", "summary": "x"}),
        (S.PUBLISHED, "correct", {"rating": "{rating}", "summary": "x", "reason": ""}),
        (S.ASSIGNED, "comment", {"body": "   "}),
    ],
)
def test_odd_action_input_is_a_form_error(
    client, editor_user, assigned_reviewer, outsider, rating, make_claim, status, action, data
):
    claim = make_claim(status)
    client.force_login(editor_user)
    before = state(claim)
    data = {k: v.format(reviewer=assigned_reviewer.pk, outsider=outsider.pk, rating=rating.pk) for k, v in data.items()}
    assert post_action(client, claim, action, data).status_code == 400
    assert state(claim) == before


def test_media_of_another_article_cannot_be_flagged(client, editor_user, article):
    elsewhere = Media.objects.create(article=ArticleFactory(), caption="Someone else's photo")
    client.force_login(editor_user)
    response = client.post(f"/articles/{article.pk}/flag-media/", {"media": elsewhere.pk, "text": "A photo"})
    assert response.status_code == 400 and not Claim.objects.exists()


def test_unicode_and_emoji_comments_are_kept_and_shown(client, editor_user, make_claim):
    claim = make_claim(S.ASSIGNED)
    client.force_login(editor_user)
    assert post_action(client, claim, "comment", {"body": "Ложь 🚩 — كذب"}).status_code == 302
    assert "Ложь 🚩 — كذب" in client.get(f"/claims/{claim.pk}/").content.decode()


# --- 11. error pages in the site's style --------------------------------------
@pytest.mark.parametrize(
    ("actor", "url", "status", "reason"),
    [
        (EDITOR, "/claims/999999/", 404, "There is nothing at this address."),
        (OUTSIDER, "/articles/", 403, "The desk is for editors and reviewers."),
        (OUTSIDER, "/claims/{claim}/", 403, "The desk is for editors and reviewers."),
        (ASSIGNED, "/articles/import/", 403, "Only editors can import articles."),
    ],
)
def test_error_pages_say_why_in_the_site_style(request, client, make_claim, actor, url, status, reason):
    claim = make_claim(S.SUGGESTED)
    login(client, request.getfixturevalue(actor))
    response = client.get(url.format(claim=claim.pk))
    page = response.content.decode()
    assert response.status_code == status
    assert reason in page and "Back to the desk" in page and "bootstrap.min.css" in page


def test_a_reviewer_rates_a_photos_authenticity_on_the_page(client, editor_user, assigned_reviewer, article):
    photo = Media.objects.create(article=article, kind="image", caption="A flag over a building")
    claim = workflow.claim_flag(article=article, actor=editor_user, text="The photo shows the flag", kind="image",
                                media=photo)  # fmt: skip
    workflow.claim_assign(claim, actor=editor_user, reviewer=assigned_reviewer)
    client.force_login(assigned_reviewer)
    assert 'name="media_authenticity"' in client.get(f"/claims/{claim.pk}/").content.decode()
    rating = Rating.objects.get(slug="unverifiable")
    response = post_action(
        client,
        claim,
        "submit",
        {"rating": rating.pk, "summary": "Unconfirmed.", "media_authenticity": "OriginalMediaContent"},
    )
    assert response.status_code == 302
    assert claim.verdicts.get().media_authenticity == "OriginalMediaContent"


def test_statements_are_not_offered_a_media_authenticity(client, assigned_reviewer, make_claim):
    claim = make_claim(S.ASSIGNED)
    client.force_login(assigned_reviewer)
    assert 'name="media_authenticity"' not in client.get(f"/claims/{claim.pk}/").content.decode()


@pytest.mark.parametrize("url", ["/articles/{pk}/flag/", "/articles/{pk}/flag-media/"])
def test_a_forged_invalid_flag_post_from_a_reviewer_is_refused_without_showing_the_form(
    client, assigned_reviewer, article, url
):
    client.force_login(assigned_reviewer)
    response = client.post(url.format(pk=article.pk), {"text": ""})
    assert response.status_code == 302 and messages_of(response)[0] == ("error", "Only editors can flag claims.")
    assert not Claim.objects.exists()
