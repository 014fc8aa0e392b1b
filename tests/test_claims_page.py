"""Issue 12: the claims page (search, filters, saved views, CSV), topics on claims, the
dashboard, and the bell (notices for workflow events and @mentions)."""

import csv
import io

import pytest
from django.urls import reverse

from factcheck import contributions, workflow
from factcheck.models import Claim, Notice, SavedView, Tag
from tests.factories import ArticleFactory, UserFactory

S = Claim.Status


@pytest.fixture
def claims(make_claim, editor_user):
    dam = make_claim(S.FLAGGED)
    Claim.objects.filter(pk=dam.pk).update(text="The dam burst after 40 minutes of rain", attribution="Mayor Ruiz")
    other = make_claim(S.SUGGESTED)
    Claim.objects.filter(pk=other.pk).update(text="Bread prices doubled", attribution="")
    dam.refresh_from_db()
    contributions.set_tags(dam, actor=editor_user, names=["Floods", "infrastructure"])
    return dam, Claim.objects.get(pk=other.pk)


def _ids(response) -> set[int]:
    import re

    return {int(x) for x in re.findall(r'href="/claims/(\d+)/"', response.content.decode())}


def test_search_and_filters(client, editor_user, claims):
    dam, bread = claims
    client.force_login(editor_user)
    assert _ids(client.get("/claims/", {"q": "dam rain"})) == {dam.pk}
    assert _ids(client.get("/claims/", {"q": "Ruiz"})) == {dam.pk}
    assert _ids(client.get("/claims/", {"status": ["suggested"]})) == {bread.pk}
    assert _ids(client.get("/claims/", {"tag": "floods"})) == {dam.pk}
    assert _ids(client.get("/claims/", {"overdue": "true"})) == set()
    assert _ids(client.get("/claims/")) >= {dam.pk, bread.pk}


@pytest.mark.parametrize(
    "params", [{"status": ["nonsense"]}, {"created_after": "yesterday"}, {"tag": "no-such-topic"}, {"rating": "x"}]
)
def test_bad_filters_answer_400_with_a_message(client, editor_user, claims, params):
    client.force_login(editor_user)
    response = client.get("/claims/", params)
    assert response.status_code == 400 and 'role="alert"' in response.content.decode()


@pytest.mark.parametrize("rows", [1, 30])
def test_the_claims_page_query_count_is_fixed(client, editor_user, make_claim, rows, django_assert_num_queries):
    for _ in range(rows):
        make_claim(S.FLAGGED)
    client.force_login(editor_user)
    # session, user, perms (one statement); the filter form's ratings, reviewers and topics; count, page, open
    # assignments (+reviewers), topics; saved views
    with django_assert_num_queries(3 + 3 + 4 + 1):
        response = client.get("/claims/", {"q": "claim"})
    assert len(_ids(response)) == min(rows, 25)


def test_saved_views_are_per_person_and_shareable(client, editor_user, second_editor, claims):
    client.force_login(editor_user)
    response = client.post(reverse("factcheck:claims-view-save"), {"name": "Floods", "query": "tag=floods"})
    assert response.status_code == 302 and response["Location"].endswith("/claims/?tag=floods")
    assert 'href="/claims/?tag=floods">Floods</a>' in client.get("/claims/").content.decode()
    client.force_login(second_editor)
    assert "Floods</a>" not in client.get("/claims/").content.decode()
    view = SavedView.objects.get()
    client.post(reverse("factcheck:claims-view-delete", args=[view.pk]))
    assert SavedView.objects.count() == 1, "only the owner deletes"
    client.force_login(editor_user)
    assert client.post(reverse("factcheck:claims-view-save"), {"name": ""}).status_code == 302
    assert SavedView.objects.count() == 1


def test_csv_export_follows_the_filters_and_defuses_formulas(client, editor_user, claims):
    dam, _ = claims
    Claim.objects.filter(pk=dam.pk).update(attribution="=HYPERLINK(1)")
    client.force_login(editor_user)
    response = client.get("/claims/export.csv", {"tag": "floods"})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][:3] == ["id", "status", "kind"] and [r[0] for r in rows[1:]] == [str(dam.pk)]
    assert rows[1][4] == "'=HYPERLINK(1)" and rows[1][7] == "floods;infrastructure"


@pytest.mark.parametrize("who", ["outsider", "anonymous"])
def test_outsiders_see_no_claims_page(client, request, who, claims):
    person = request.getfixturevalue(who)
    if who != "anonymous":
        client.force_login(person)
    for url in ("/claims/", "/claims/export.csv", "/dashboard/", "/dashboard/status.png", "/notices/"):
        assert client.get(url).status_code in (302, 403)


# Topics ---------------------------------------------------------------------------------------------


def test_topics_are_set_on_the_claim_page_and_shown_in_the_api(client, editor_user, claims):
    dam, _ = claims
    client.force_login(editor_user)
    response = client.post(f"/claims/{dam.pk}/tags/", {"tags": "Floods, Health , floods"})
    assert response.status_code == 302
    assert sorted(dam.tags.values_list("name", flat=True)) == ["Floods", "Health"]
    assert client.get(f"/api/v1/claims/{dam.pk}/").json()["tags"] == ["floods", "health"]
    assert [c["id"] for c in client.get("/api/v1/claims/", {"tag": "health"}).json()["results"]] == [dam.pk]


@pytest.mark.parametrize(
    ("names", "message"), [(["x" * 61], "60 printable"), ([f"t{i}" for i in range(11)], "At most 10"), (["a\x00"], "")]
)
def test_bad_topics_are_refused(editor_user, claims, names, message):
    dam, _ = claims
    with pytest.raises(workflow.WorkflowError, match=message):
        contributions.set_tags(dam, actor=editor_user, names=names)
    assert Tag.objects.count() == 2


def test_only_editors_and_the_assigned_reviewer_set_topics(other_reviewer, claims):
    with pytest.raises(workflow.WorkflowError):
        contributions.set_tags(claims[0], actor=other_reviewer, names=["x"])


# Dashboard ------------------------------------------------------------------------------------------


def test_the_dashboard_shows_charts_with_data_tables(client, editor_user, make_claim):
    make_claim(S.PUBLISHED)
    client.force_login(editor_user)
    page = client.get("/dashboard/").content.decode()
    for name in ("status", "publication", "overdue", "ratings", "suggestions"):
        assert f'id="chart-{name}"' in page and f"/dashboard/{name}.png" in page
    assert page.count("<table") == 6 and "Median time from flag to publication" in page
    chart = client.get("/dashboard/status.png", {"start": "2020-01-01"})
    assert chart["Content-Type"] == "image/png" and chart.content[:8] == b"\x89PNG\r\n\x1a\n"


def test_the_dashboard_refuses_a_bad_range(client, editor_user):
    client.force_login(editor_user)
    response = client.get("/dashboard/", {"start": "2025-05-01", "end": "2025-01-01"})
    assert response.status_code == 400 and "start before it ends" in response.content.decode()
    assert client.get("/dashboard/nope.png").status_code == 404


# The bell -------------------------------------------------------------------------------------------


def test_an_assignment_and_a_mention_ring_the_bell(client, editor_user, assigned_reviewer, make_claim):
    claim = make_claim(S.FLAGGED)
    reviewer2 = UserFactory(username="Reviewer2", group="Reviewers", email="")
    workflow.claim_assign(claim, actor=editor_user, reviewer=reviewer2)
    assert Notice.objects.filter(recipient=reviewer2, claim=claim).count() == 1, "no email address needed"
    contributions.comment_add(claim, actor=editor_user, body="@reviewer2 and @nobody, see @editor1.")
    mention = Notice.objects.filter(recipient=reviewer2).order_by("-id").first()
    assert mention.text.startswith("editor1 mentioned you on claim")
    assert not Notice.objects.filter(recipient=editor_user).exists(), "not the author"
    client.force_login(reviewer2)
    assert client.get("/notices/unread/").json() == {"unread": 2}
    page = client.get("/notices/").content.decode()
    assert "mentioned you" in page and "2 unread" in page
    client.post("/notices/read/")
    assert client.get("/notices/unread/").json() == {"unread": 0}


def test_an_outsider_mentioned_is_not_told(editor_user, make_claim):
    UserFactory(username="stranger")
    claim = make_claim(S.FLAGGED)
    contributions.comment_add(claim, actor=editor_user, body="cc @stranger")
    assert not Notice.objects.exists()


def test_a_person_marks_only_their_own_notices(client, editor_user, assigned_reviewer, make_claim):
    claim = make_claim(S.FLAGGED)
    article = ArticleFactory()
    assert article
    contributions.comment_add(claim, actor=editor_user, body="@reviewer1 look")
    notice = Notice.objects.get()
    client.force_login(editor_user)
    client.post("/notices/read/", {"notice": [str(notice.pk)]})
    notice.refresh_from_db()
    assert notice.read_at is None
