"""Issue 12, queues and landing pages: reviewers keep their work in view after submitting,
a member of both groups gets both sets of queues, the CMS account lands on a page about the API."""

from django.contrib.auth.models import Group

from factcheck import roles, workflow
from factcheck.models import Claim
from tests.factories import UserFactory

S = Claim.Status


def _queues(page: str) -> set[str]:
    import re

    return set(re.findall(r'id="queue-([a-z_]+)"', page))


def test_a_reviewers_submitted_verdict_waits_in_view(client, assigned_reviewer, make_claim, rating):
    claim = make_claim(S.ASSIGNED)
    workflow.verdict_submit(claim, actor=assigned_reviewer, rating=rating, summary="Checked.")
    client.force_login(assigned_reviewer)
    page = client.get("/").content.decode()
    assert _queues(page) == {"assigned", "waiting", "returned", "published"}
    waiting = page.split('id="queue-waiting"', 1)[1].split("</section>", 1)[0]
    assert f'href="/claims/{claim.pk}/"' in waiting and "My verdicts waiting for approval" in page


def test_an_editor_gets_the_editors_queues(client, editor_user):
    client.force_login(editor_user)
    assert _queues(client.get("/").content.decode()) == {"suggested", "flagged", "submitted", "overdue", "on_hold"}


def test_a_member_of_both_groups_gets_both_sets(client, editor_user):
    editor_user.groups.add(Group.objects.get(name=roles.REVIEWERS))
    client.force_login(editor_user)
    assert _queues(client.get("/").content.decode()) == {
        "suggested", "flagged", "submitted", "overdue", "on_hold", "assigned", "waiting", "returned", "published",
    }  # fmt: skip


def test_the_cms_account_lands_on_a_page_about_the_api(client):
    cms = UserFactory(username="cms", group=roles.CMS)
    client.force_login(cms)
    response = client.get("/")
    assert response.status_code == 200
    page = response.content.decode()
    assert 'href="/api/docs/"' in page and "drf_create_token cms" in page


def test_an_outsider_is_still_refused(client, outsider):
    client.force_login(outsider)
    assert client.get("/").status_code == 403


def test_the_verdict_form_has_no_preset_rating(client, assigned_reviewer, make_claim):
    claim = make_claim(S.ASSIGNED)
    client.force_login(assigned_reviewer)
    page = client.get(f"/claims/{claim.pk}/").content.decode()
    assert '<option value="" selected>Choose a rating…</option>' in page
    response = client.post(f"/claims/{claim.pk}/submit/", {"summary": "Looks false."})
    assert response.status_code == 400 and claim.verdicts.count() == 0
