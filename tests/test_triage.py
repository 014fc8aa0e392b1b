"""Issue 12, triage on the desk: accept or dismiss a suggestion from its card, or many at
once, and assign them in bulk; every claim goes through the workflow; refusals are reported."""

import pytest
from django.contrib.messages import get_messages

from factcheck import importing
from factcheck.models import Action, Claim, Event

from .test_importing import PANJSHIR

S = Claim.Status


@pytest.fixture
def suggestions(editor_user, settings):
    settings.SUGGESTIONS_PER_ARTICLE, settings.SUGGESTION_THRESHOLD = 4, 0.0
    return list(importing.import_text(title="", body=PANJSHIR, user=editor_user).article.claims.all())


def _said(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_the_desk_shows_cards_with_accept_dismiss_and_checkboxes_grouped_by_article(client, editor_user, suggestions):
    client.force_login(editor_user)
    page = client.get("/").content.decode()
    assert (
        'id="triage-form"' in page
        and page.count('class="list-group-item bg-light small fw-semibold article-group"') == 1
    )
    for claim in suggestions:
        assert f'value="accept:{claim.pk}"' in page and f'value="dismiss:{claim.pk}"' in page
        assert f'name="claims" value="{claim.pk}"' in page
    order = sorted(suggestions, key=lambda c: -c.score)
    positions = [page.index(f'data-claim="{c.pk}"') for c in order]
    assert positions == sorted(positions), "best first within the article"
    assert "factcheck/desk.js" in page


def test_accept_from_a_card(client, editor_user, suggestions):
    client.force_login(editor_user)
    response = client.post("/triage/", {"single": f"accept:{suggestions[0].pk}"})
    assert response.status_code == 302
    suggestions[0].refresh_from_db()
    assert suggestions[0].status == S.FLAGGED
    assert _said(response) == ["Accepted 1 claim."]


def test_bulk_dismiss_and_a_refusal_does_not_stop_the_others(client, editor_user, suggestions):
    client.force_login(editor_user)
    client.post("/triage/", {"single": f"dismiss:{suggestions[0].pk}"})
    response = client.post("/triage/", {"action": "dismiss", "claims": [c.pk for c in suggestions] + [999999]})
    said = _said(response)
    assert "Dismissed 3 claims." in said
    assert any("#999999: no such claim" in s for s in said) and any(f"#{suggestions[0].pk}:" in s for s in said)
    assert Claim.objects.filter(status=S.DISMISSED).count() == 4


def test_bulk_assign_accepts_then_assigns(client, editor_user, assigned_reviewer, suggestions):
    client.force_login(editor_user)
    chosen = [c.pk for c in suggestions[:2]]
    response = client.post("/triage/", {"action": "assign", "claims": chosen, "reviewer": assigned_reviewer.pk})
    assert _said(response) == ["Assigned 2 claims."]
    assert set(Claim.objects.filter(pk__in=chosen).values_list("status", flat=True)) == {S.ASSIGNED}
    assert Event.objects.filter(claim_id__in=chosen, action=Action.ACCEPT).count() == 2


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"action": "accept"}, "Select at least one suggestion."),
        ({"claims": ["1"]}, "Choose what to do"),
        ({"claims": ["1"], "action": "assign"}, "Choose the reviewer"),
        ({"claims": ["abc"], "action": "accept"}, "Select at least one suggestion."),
        ({"single": "approve:1"}, "Select at least one suggestion."),
    ],
)
def test_bad_triage_input_says_what_is_wrong(client, editor_user, data, message):
    client.force_login(editor_user)
    response = client.post("/triage/", data)
    assert response.status_code == 302
    assert any(message in s for s in _said(response))


@pytest.mark.parametrize("who", ["assigned_reviewer", "other_reviewer", "outsider"])
def test_only_editors_triage(client, request, suggestions, who):
    client.force_login(request.getfixturevalue(who))
    assert client.post("/triage/", {"single": f"accept:{suggestions[0].pk}"}).status_code == 403
    assert Claim.objects.get(pk=suggestions[0].pk).status == S.SUGGESTED


def test_anonymous_is_sent_to_log_in(client, suggestions):
    response = client.post("/triage/", {"single": f"accept:{suggestions[0].pk}"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
