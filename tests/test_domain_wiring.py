"""How the pieces meet: the background task registry, the single entry point to the
workflow, and the sync filters of each list for each kind of account."""

import pytest

from factcheck import background, importing, visibility, webhooks, workflow
from factcheck.models import Claim

from .api_clients import api as api  # noqa: F401 - a pytest fixture, imported so that pytest finds it
from .api_clients import cms_user as cms_user  # noqa: F401

S = Claim.Status


def test_every_task_the_domain_queues_is_registered_when_the_app_starts():
    for name in (webhooks.DELIVERY_TASK, importing.IMPORT_URL_TASK, importing.POLL_FEED_TASK):
        assert background.task(name).name  # a django-tasks Task


def test_an_unknown_background_task_is_a_clear_error():
    with pytest.raises(LookupError, match="No background task 'nope'"):
        background.task("nope")


def test_perform_refuses_an_action_that_is_not_in_the_table(make_claim, editor_user):
    claim = make_claim(S.FLAGGED)
    with pytest.raises(workflow.Invalid, match="no action 'publish-now'"):
        workflow.perform("publish-now", claim, actor=editor_user)
    claim.refresh_from_db()
    assert claim.status == S.FLAGGED


def test_perform_runs_the_rows_function(make_claim, editor_user):
    claim = make_claim(S.SUGGESTED)
    workflow.perform("accept", claim, actor=editor_user, note="Worth it.")
    assert claim.status == S.FLAGGED and claim.events.last().note == "Worth it."


def test_the_cms_follows_public_changes_and_the_desk_every_change(editor_user, cms_user):  # noqa: F811
    assert visibility.sync_field(cms_user) == "public_updated_at"
    assert visibility.sync_field(editor_user) == "updated_at"
    assert visibility.sync_field(None) == "public_updated_at"


@pytest.mark.parametrize("who", ["editor", "cms"])
def test_article_sync_works_for_every_account(api, make_claim, settings, who):  # noqa: F811
    settings.API_SYNC_SETTLE_SECONDS = 0
    make_claim(S.PUBLISHED)
    response = api(who).get("/api/v1/articles/?updated_since=2000-01-01T00:00:00Z")
    assert response.status_code == 200 and len(response.json()["results"]) == 1
