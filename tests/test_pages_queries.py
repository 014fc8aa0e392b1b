"""What each of the desk's pages costs in queries, and the article list's filters."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from factcheck import contributions, workflow
from factcheck.models import Assignment, Media

from .conftest import warm_indexes
from .desk_pages import S
from .factories import ArticleFactory

# --- 8. pinned query counts ---------------------------------------------------
# Every page starts with: session, user, their permissions (one statement, own and groups':
# factcheck/security/permissions.py).
BASE = 3


@pytest.mark.parametrize("rows", [1, 20])
def test_article_list_query_count_is_fixed(client, editor_user, rows, django_assert_num_queries):
    for n in range(rows):
        article = ArticleFactory()
        if n % 2:
            workflow.claim_suggest(article=article, text="The resistance is still all over the valley.")
    client.force_login(editor_user)
    with django_assert_num_queries(BASE + 2):  # + count, page of articles with open_claims annotated
        response = client.get("/articles/")
    assert response.content.count(b"list-group-item-action") == rows


@pytest.mark.parametrize("rows", [1, 10])
def test_article_page_query_count_is_fixed(client, editor_user, make_claim, article, rows, django_assert_num_queries):
    for n in range(rows):
        make_claim([S.SUGGESTED, S.FLAGGED, S.ASSIGNED, S.PUBLISHED][n % 4])
    Media.objects.create(article=article, caption="A flag")
    client.force_login(editor_user)
    # + article, its claims (with media), the library matches stored for them, its media
    with django_assert_num_queries(BASE + 4):
        response = client.get(f"/articles/{article.pk}/")
    assert response.content.count(b'class="list-group-item claim-card') == rows


@pytest.mark.parametrize("rows", [1, 15])
def test_claim_page_query_count_is_fixed(
    client, editor_user, assigned_reviewer, rating, make_claim, rows, django_assert_num_queries
):
    claim = make_claim(S.ASSIGNED)
    for n in range(rows):
        workflow.verdict_submit(claim, actor=assigned_reviewer, rating=rating, summary=f"Try {n}")
        workflow.verdict_return(claim, actor=editor_user, note=f"Not yet {n}")
        contributions.comment_add(claim, actor=assigned_reviewer, body=f"Comment {n}")
        contributions.evidence_add(claim, actor=editor_user, url=f"https://example.org/{n}")
    client.force_login(editor_user)
    # + claim (article, media, creator); verdicts, events, assignments, comments, evidence, evidence
    # authors, topics; the assign form's reviewers; the verdict form's ratings (once: the rating has an
    # empty choice, the reviewer must pick one); "checked before": the library index's MAX(id) (no
    # fact-check matches here, so no rows to read)
    warm_indexes()
    with django_assert_num_queries(BASE + 1 + 7 + 1 + 1 + 1):
        response = client.get(f"/claims/{claim.pk}/")
    assert response.content.count(b"Comment ") == rows


@pytest.mark.parametrize("rows", [1, 20])
def test_editor_desk_query_count_is_fixed_with_every_queue_full(
    client, editor_user, assigned_reviewer, make_claim, rows, django_assert_num_queries
):
    for _ in range(rows):
        for status in (S.SUGGESTED, S.FLAGGED, S.SUBMITTED):
            make_claim(status)
        late = make_claim(S.FLAGGED)
        workflow.claim_assign(late, actor=editor_user, reviewer=assigned_reviewer, due_at=timezone.now() + timedelta(1))
        Assignment.objects.filter(claim=late).update(due_at=timezone.now() - timedelta(hours=1))
    client.force_login(editor_user)
    # + per queue (suggested, flagged, submitted, overdue): count, page, open assignments with reviewers;
    # the suggestions' stored library matches; on hold (empty): count; is the editor also a reviewer;
    # the reviewers offered by the bulk assign
    with django_assert_num_queries(BASE + 4 * 3 + 1 + 1 + 1 + 1):
        response = client.get("/")
    assert response.content.count(b'class="list-group-item claim-card') == 4 * min(rows, 10)
    assert b"overdue</strong>" in response.content


@pytest.mark.parametrize("rows", [1, 20])
def test_reviewer_desk_query_count_is_fixed_with_every_queue_full(
    client, editor_user, assigned_reviewer, make_claim, rows, django_assert_num_queries
):
    for _ in range(rows):
        make_claim(S.ASSIGNED)
        make_claim(S.PUBLISHED)
        workflow.verdict_return(make_claim(S.SUBMITTED), actor=editor_user, note="Add a source.")
    client.force_login(assigned_reviewer)
    # + per queue (assigned, returned, published): count, page, open assignments with reviewers;
    # waiting for approval (empty here): count
    with django_assert_num_queries(BASE + 3 * 3 + 1):
        response = client.get("/")
    # the returned claims are in "assigned" too
    assert response.content.count(b'class="list-group-item claim-card') == min(2 * rows, 10) + 2 * min(rows, 10)


# --- 9. article list filters -------------------------------------------------
@pytest.fixture
def library(editor_user):
    kabul = ArticleFactory(title="Kabul airport reopens", outlet="BBC", body="Flights resumed on Thursday.",
                           published_at=datetime(2021, 9, 1, 12, tzinfo=UTC))  # fmt: skip
    panjshir = ArticleFactory(title="Panjshir falls", outlet="CNN", body="A zebra of a story: the valley fell.",
                              published_at=datetime(2021, 9, 6, 8, tzinfo=UTC))  # fmt: skip
    ArticleFactory(title="Resistance vows to fight", outlet="Al Jazeera", body="They will fight on.")
    workflow.claim_suggest(article=panjshir, text="the valley fell")
    workflow.claim_dismiss(workflow.claim_suggest(article=kabul, text="Flights resumed"), actor=editor_user)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("q=kabul", {"Kabul"}),
        ("q=jazeera", {"Resistance"}),
        ("q=zebra", {"Panjshir"}),
        ("outlet=cnn", {"Panjshir"}),
        ("published_after=2021-09-05", {"Panjshir"}),
        ("published_before=2021-09-02", {"Kabul"}),
        ("published_after=2021-09-01&published_before=2021-09-01", {"Kabul"}),
        ("has_open_claims=true", {"Panjshir"}),
        ("has_open_claims=false", {"Kabul", "Resistance"}),
        ("published_after=yesterday", {"Kabul", "Panjshir", "Resistance"}),
        ("page=999", {"Kabul", "Panjshir", "Resistance"}),
        ("page=abc&q=", {"Kabul", "Panjshir", "Resistance"}),
    ],
)
def test_article_list_filters(client, editor_user, library, query, expected):
    client.force_login(editor_user)
    response = client.get(f"/articles/?{query}")
    assert response.status_code == 200
    found = set(re.findall(r"<strong>(\w+)", response.content.decode()))
    assert found == expected
