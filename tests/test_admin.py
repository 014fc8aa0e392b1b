"""The back office: bulk actions through the workflow, pinned query counts."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from factcheck.models import Claim, Event

from .factories import ArticleFactory

S = Claim.Status
CHANGELIST = reverse("admin:factcheck_claim_changelist")


@pytest.fixture
def editor_client(client, editor_user):
    client.force_login(editor_user)
    return client


def _messages(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_bulk_approve_does_the_allowed_and_reports_the_refused(editor_client, make_claim, editor_user, rating):
    waiting = make_claim(S.SUBMITTED)
    flagged = make_claim(S.FLAGGED)
    own = make_claim(S.ASSIGNED)
    from factcheck import workflow

    workflow.verdict_submit(own, actor=editor_user, rating=rating, summary="Mine.")

    response = editor_client.post(
        CHANGELIST, {"action": "approve_claims", "_selected_action": [waiting.pk, flagged.pk, own.pk]}, follow=True
    )

    text = " ".join(_messages(response))
    assert f"Approved 1 claim(s): #{waiting.pk}" in text
    assert f"#{flagged.pk}: Cannot approve this verdict: the claim is flagged now." in text
    assert f"#{own.pk}: You wrote this verdict" in text
    statuses = dict(Claim.objects.values_list("pk", "status"))
    assert statuses == {waiting.pk: S.PUBLISHED, flagged.pk: S.FLAGGED, own.pk: S.SUBMITTED}


def test_bulk_dismiss_reports_published_claims_as_refused(editor_client, make_claim):
    open_claim, published = make_claim(S.SUGGESTED), make_claim(S.PUBLISHED)
    response = editor_client.post(
        CHANGELIST, {"action": "dismiss_claims", "_selected_action": [open_claim.pk, published.pk]}, follow=True
    )
    text = " ".join(_messages(response))
    assert f"Dismissed 1 claim(s): #{open_claim.pk}" in text and f"Refused 1 claim(s): #{published.pk}" in text
    assert Event.objects.filter(action="dismiss").count() == 1


def test_bulk_assign_asks_for_a_reviewer_then_assigns(editor_client, make_claim, assigned_reviewer):
    first, second, dismissed = make_claim(S.FLAGGED), make_claim(S.FLAGGED), make_claim(S.DISMISSED)
    ids = [first.pk, second.pk, dismissed.pk]

    form_page = editor_client.post(CHANGELIST, {"action": "assign_to_reviewer", "_selected_action": ids})
    assert form_page.status_code == 200
    assert b"Assign claims to a reviewer" in form_page.content

    missing = editor_client.post(
        CHANGELIST, {"action": "assign_to_reviewer", "_selected_action": ids, "apply": "1", "reviewer": ""}
    )
    assert missing.status_code == 200 and b"This field is required" in missing.content
    assert not Event.objects.filter(action="assign", claim__in=ids).exists()

    done = editor_client.post(
        CHANGELIST,
        {
            "action": "assign_to_reviewer",
            "_selected_action": ids,
            "apply": "1",
            "reviewer": assigned_reviewer.pk,
            "due_at": "2099-01-01T12:00",
        },
        follow=True,
    )
    text = " ".join(_messages(done))
    assert "Assigned to reviewer1 2 claim(s)" in text and f"#{dismissed.pk}: Cannot assign" in text
    assert set(Claim.objects.filter(status=S.ASSIGNED).values_list("pk", flat=True)) == {first.pk, second.pk}


def _make_many(count, make_claim, editor_user, assigned_reviewer):
    for _ in range(count):
        make_claim(S.PUBLISHED)


@pytest.mark.parametrize("rows", [3, 30])
def test_claim_changelist_query_count_does_not_grow_with_rows(
    editor_client, make_claim, rows, django_assert_num_queries
):
    for n in range(rows):
        make_claim(S.PUBLISHED, text="reportedly numbers in the thousands" if n % 2 else "The resistance is still")
    # session, user, permissions (one statement), count (filtered), count (total), page of claims,
    # prefetch assignments(+reviewers), prefetch approved verdicts(+ratings), reviewer filter, rating filter
    with django_assert_num_queries(10):
        response = editor_client.get(CHANGELIST)
    assert response.status_code == 200
    assert response.content.count(b'class="action-select"') == rows


def test_article_changelist_query_count_does_not_grow_with_rows(editor_client, django_assert_num_queries):
    ArticleFactory.create_batch(3)
    # session, user, perms, 2 x count, page, date range, date drill-down, outlet and language filters
    with django_assert_num_queries(10) as small:
        editor_client.get(reverse("admin:factcheck_article_changelist"))
    ArticleFactory.create_batch(30)
    with django_assert_num_queries(len(small.captured_queries)):
        response = editor_client.get(reverse("admin:factcheck_article_changelist"))
    assert response.status_code == 200


@pytest.mark.parametrize("filters", ["status=published", "overdue=yes", "rating=unverifiable", "q=resistance"])
def test_claim_changelist_filters_answer(editor_client, make_claim, filters, assigned_reviewer):
    make_claim(S.PUBLISHED)
    response = editor_client.get(f"{CHANGELIST}?{filters}&reviewer={assigned_reviewer.pk}")
    assert response.status_code == 200


def test_the_claim_change_page_shows_the_history(editor_client, make_claim):
    claim = make_claim(S.PUBLISHED)
    response = editor_client.get(reverse("admin:factcheck_claim_change", args=[claim.pk]))
    assert response.status_code == 200
    for action in (b"suggest", b"accept", b"assign", b"submit", b"approve"):
        assert action in response.content


def test_a_reviewer_cannot_run_bulk_actions(client, assigned_reviewer, make_claim):
    claim = make_claim(S.SUBMITTED)
    client.force_login(assigned_reviewer)
    response = client.post(CHANGELIST, {"action": "approve_claims", "_selected_action": [claim.pk]})
    assert response.status_code == 302  # not staff: sent to the admin login
    claim.refresh_from_db()
    assert claim.status == S.SUBMITTED


def test_saving_a_claim_in_the_admin_never_writes_back_a_stale_status(editor_client, make_claim, editor_user):
    from factcheck import workflow

    claim = make_claim(S.SUGGESTED)
    url = reverse("admin:factcheck_claim_change", args=[claim.pk])
    form_page = editor_client.get(url)
    assert form_page.status_code == 200
    workflow.claim_accept(claim, actor=editor_user)  # someone acts while the form is open
    response = editor_client.post(
        url,
        {
            "kind": "statistic", "attribution": "The NRF", "reason": "Edited", "priority": 3, "media": "",
            **{f"{p}-TOTAL_FORMS": 0 for p in ("verdicts", "assignments", "evidence", "comments", "events")},
            **{f"{p}-INITIAL_FORMS": 0 for p in ("verdicts", "assignments", "evidence", "comments", "events")},
        },
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:2000]
    claim.refresh_from_db()
    assert (claim.status, claim.kind, claim.attribution) == (S.FLAGGED, "statistic", "The NRF")


def test_an_articles_text_cannot_be_edited_in_the_admin(editor_client, article):
    page = editor_client.get(reverse("admin:factcheck_article_change", args=[article.pk])).content.decode()
    assert 'name="body"' not in page and 'name="url"' not in page and 'name="title"' in page


def test_the_rating_changelist_does_not_edit_values_off_the_scale(editor_client):
    page = editor_client.get(reverse("admin:factcheck_rating_changelist")).content.decode()
    assert "form-0-value" not in page and "form-0-colour" in page


def test_the_reviewer_filter_ignores_absurd_ids(editor_client):
    assert editor_client.get(f"{CHANGELIST}?reviewer=99999999999999999999999").status_code == 200


def test_claim_changelist_shows_reviewers_due_dates_and_ratings_in_fixed_queries(
    editor_client, make_claim, other_reviewer, editor_user, django_assert_num_queries
):
    from datetime import timedelta

    from django.utils import timezone

    from factcheck import workflow

    for _ in range(5):
        claim = make_claim(S.ASSIGNED)
        workflow.claim_assign(
            claim, actor=editor_user, reviewer=other_reviewer, due_at=timezone.now() + timedelta(days=1)
        )
    make_claim(S.PUBLISHED)
    with django_assert_num_queries(10):
        response = editor_client.get(CHANGELIST)
    page = response.content.decode()
    assert page.count("reviewer1, reviewer2") == 5 and "Unverifiable" in page
