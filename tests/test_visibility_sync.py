"""What the CMS may see, and its incremental sync: a CMS token follows ``public_updated_at``,
which moves only when something it can see changes; the desk follows ``updated_at``, which
moves with every change. The admin writes through the same domain functions, and the
webhooks carry the same JSON as the API."""

import json
import re
from urllib.parse import urlsplit

import pytest
from django.core.serializers.json import DjangoJSONEncoder
from django.urls import reverse
from django.utils import timezone

from factcheck import contributions, payloads, workflow
from factcheck.models import Claim, Evidence, Rating, WebhookEndpoint

from .api_clients import api as api  # a pytest fixture, imported so that pytest finds it
from .api_clients import cms_user as cms_user  # the fixture ``api`` needs

S = Claim.Status
CHANGELIST = reverse("admin:factcheck_claim_changelist")
INLINES = ("verdicts", "assignments", "evidence", "comments", "events")


@pytest.fixture(autouse=True)
def _settled(settings):
    """Incremental sync shows changes at once (no settling time) in these tests."""
    settings.API_SYNC_SETTLE_SECONDS = 0


# --- helpers ---------------------------------------------------------------
def synced(client, since) -> list[int]:
    """The claims an incremental sync from ``since`` returns."""
    response = client.get("/api/v1/claims/", {"updated_since": since.isoformat()})
    assert response.status_code == 200, response.json()
    return [claim["id"] for claim in response.json()["results"]]


def correct(claim, editor, slug="false", reason="New footage surfaced."):
    return workflow.verdict_correct(
        claim, actor=editor, rating=Rating.objects.get(slug=slug), summary="Dated footage shows otherwise.",
        reason=reason, evidence=[{"url": "https://example.org/footage", "description": "Dated footage"}],
    )  # fmt: skip


def fresh(claim):
    claim.refresh_from_db()
    return claim


def change_form(claim, **changes) -> dict:
    """The admin change form of a claim as posted unchanged, plus ``changes``: its own
    fields, and empty management forms for the inlines."""
    data = {
        "kind": claim.kind, "attribution": claim.attribution, "media": claim.media_id or "",
        "reason": claim.reason, "priority": claim.priority, "_save": "Save",
    }  # fmt: skip
    for prefix in INLINES:
        data |= {f"{prefix}-TOTAL_FORMS": 0, f"{prefix}-INITIAL_FORMS": 0}
    return data | changes


def with_new_evidence(claim, url="", description="") -> dict:
    return change_form(
        claim, **{
            "evidence-TOTAL_FORMS": 1, "evidence-0-id": "", "evidence-0-claim": claim.pk,
            "evidence-0-url": url, "evidence-0-description": description,
        },
    )  # fmt: skip


def admin_messages(response) -> list[str]:
    from django.contrib.messages import get_messages

    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.fixture
def admin_client(client, editor_user):
    client.force_login(editor_user)
    return client


# --- 1. what brings a claim back to the CMS's sync ------------------------------------
def _comment(claim, people):
    contributions.comment_add(claim, actor=people["editor"], body="Worth a second look.")


def _evidence(claim, people):
    contributions.evidence_add(claim, actor=people["editor"], url="https://example.org/later", description="Later")


def _correct(claim, people):
    correct(claim, people["editor"])


def _return(claim, people):
    workflow.verdict_return(claim, actor=people["approver"], note="Not convincing yet.")


def _approve(claim, people):
    workflow.verdict_approve(claim, actor=people["approver"])


# change: (what happens before the sync point, the change, whether the CMS sees it)
CHANGES = {
    "a comment": ((), _comment, False),
    "evidence": ((), _evidence, False),
    "a correction submitted": ((), _correct, False),
    "a correction returned": ((_correct,), _return, False),
    "a correction approved": ((_correct,), _approve, True),
}


@pytest.mark.parametrize("name", list(CHANGES))
def test_only_what_the_cms_can_see_brings_a_published_claim_back_to_its_sync(
    api, make_claim, editor_user, second_editor, name
):
    before, change, cms_sees = CHANGES[name]
    people = {"editor": editor_user, "approver": second_editor}
    claim = make_claim(S.PUBLISHED)
    for step in before:
        step(claim, people)
    since = timezone.now()
    cms, desk = api("cms"), api("editor")
    assert synced(cms, since) == synced(desk, since) == []  # nothing changed since
    public_before = fresh(claim).public_updated_at

    change(claim, people)

    claim = fresh(claim)
    assert synced(cms, since) == ([claim.pk] if cms_sees else [])
    assert (claim.public_updated_at != public_before) is cms_sees
    assert synced(desk, since) == [claim.pk]  # the desk sees every change
    assert claim.updated_at >= since
    if cms_sees:
        body = cms.get(f"/api/v1/claims/{claim.pk}/").json()
        assert body["verdict"]["revision"] == 2 and body["verdict"]["rating"]["slug"] == "false"


def _published_with_evidence(make_claim, editor_user):
    """A published claim whose evidence was on record at the approval: the CMS sees it."""
    claim = make_claim(S.SUBMITTED)
    contributions.evidence_add(claim, actor=editor_user, url="https://example.org/geo", description="Geolocation")
    return workflow.verdict_approve(claim, actor=editor_user)


def _edit_public_evidence(claim, people):
    item = Evidence.objects.get(claim=claim, url="https://example.org/geo")
    contributions.evidence_edit(item, actor=people["editor"], url="https://example.org/geo-v2", description="Fixed")


def _remove_public_evidence(claim, people):
    contributions.evidence_remove(
        Evidence.objects.get(claim=claim, url="https://example.org/geo"), actor=people["editor"]
    )


def _edit_later_evidence(claim, people):
    item = Evidence.objects.get(claim=claim, url="https://example.org/later")
    contributions.evidence_edit(item, actor=people["editor"], url="https://example.org/later-v2", description="x")


def _edit(**fields):
    return lambda claim, people: contributions.claim_edit(claim, actor=people["editor"], **fields)


# change: (what happens before the sync point, the change)
VIEW_CHANGES = {
    **{name: (before, change) for name, (before, change, _) in CHANGES.items()},
    "later evidence edited": ((_evidence,), _edit_later_evidence),
    "a comment edited": ((_comment,), lambda c, p: contributions.comment_edit(c.comments.get(), actor=p["editor"],
                                                                              body="Edited.")),
    "the attribution edited": ((), _edit(attribution="The Taliban")),
    "the reason edited": ((), _edit(reason="Desk note")),
    "the priority edited": ((), _edit(priority=3)),
}  # fmt: skip


def test_evidence_the_cms_sees_can_no_longer_change(make_claim, editor_user):
    # What the CMS sees of the evidence is what the approved verdict stood on: on record for
    # good (issue 13), so it never comes back changed.
    claim = _published_with_evidence(make_claim, editor_user)
    for change in (_edit_public_evidence, _remove_public_evidence):
        with pytest.raises(workflow.Invalid, match="on record when revision 1"):
            change(claim, {"editor": editor_user})


@pytest.mark.parametrize(
    "name",
    VIEW_CHANGES,
)
def test_the_cms_sync_brings_a_claim_back_exactly_when_its_view_of_the_claim_changed(
    api, make_claim, editor_user, second_editor, name
):
    before, change = VIEW_CHANGES[name]
    people = {"editor": editor_user, "approver": second_editor}
    claim = _published_with_evidence(make_claim, editor_user)
    for step in before:
        step(claim, people)
    cms = api("cms")
    shown = cms.get(f"/api/v1/claims/{claim.pk}/").json()
    since = timezone.now()
    assert synced(cms, since) == []  # nothing changed since

    change(claim, people)

    now_shown = cms.get(f"/api/v1/claims/{claim.pk}/").json()
    changed = {key for key in shown if shown[key] != now_shown.get(key)} - {"updated_at"}
    assert (claim.pk in synced(cms, since)) == bool(changed), f"the CMS's view changed in {sorted(changed)}"
    assert claim.pk in synced(api("editor"), since)


# --- 2. evidence added in the admin ---------------------------------------------------
def test_evidence_added_in_the_admin_goes_through_the_domain_and_moves_the_desks_sync(
    api, admin_client, make_claim, editor_user
):
    claim = make_claim(S.PUBLISHED)
    since = timezone.now()
    updated, public = fresh(claim).updated_at, claim.public_updated_at
    url = reverse("admin:factcheck_claim_change", args=[claim.pk])

    response = admin_client.post(url, with_new_evidence(claim, "https://example.org/satellite", "Satellite image"))

    assert response.status_code == 302, response.content.decode()[:3000]
    evidence = Evidence.objects.get(claim=claim)
    assert (evidence.url, evidence.description) == ("https://example.org/satellite", "Satellite image")
    assert evidence.added_by == editor_user  # written by contributions.evidence_add, not the formset
    claim = fresh(claim)
    assert claim.updated_at > updated and claim.public_updated_at == public
    assert synced(api("editor"), since) == [claim.pk]
    assert synced(api("cms"), since) == []  # evidence after the approval is the desk's


def test_a_javascript_link_is_refused_by_the_admin_form_and_not_stored(admin_client, make_claim):
    claim = make_claim(S.PUBLISHED)
    updated = fresh(claim).updated_at
    url = reverse("admin:factcheck_claim_change", args=[claim.pk])

    response = admin_client.post(url, with_new_evidence(claim, "javascript:alert(1)", "XSS"))

    assert response.status_code == 200  # the form again, with the error
    assert "Enter a valid URL." in response.content.decode()
    assert not Evidence.objects.filter(claim=claim).exists()
    assert fresh(claim).updated_at == updated


def test_a_link_the_admin_form_accepts_but_the_domain_refuses_is_reported_and_not_stored(admin_client, make_claim):
    claim = make_claim(S.PUBLISHED)
    updated = fresh(claim).updated_at
    url = reverse("admin:factcheck_claim_change", args=[claim.pk])

    response = admin_client.post(url, with_new_evidence(claim, "ftp://example.org/dump.zip", "A dump"), follow=True)

    # The page comes back with the domain's refusal beside the row, and nothing is saved.
    assert response.status_code == 200 and "The link must be an http(s) address." in response.content.decode()
    assert "was changed successfully" not in " ".join(admin_messages(response))
    assert not Evidence.objects.filter(claim=claim).exists()
    assert fresh(claim).updated_at == updated


def test_evidence_cannot_be_added_to_a_dismissed_claim_in_the_admin(admin_client, make_claim):
    claim = make_claim(S.DISMISSED)
    url = reverse("admin:factcheck_claim_change", args=[claim.pk])
    response = admin_client.post(url, with_new_evidence(claim, "https://example.org/a", "A"), follow=True)
    assert "restore it before adding evidence" in response.content.decode()
    assert not Evidence.objects.filter(claim=claim).exists()


# --- 3. editing a claim in the admin -------------------------------------------------
@pytest.mark.parametrize(
    ("field", "value", "cms_sees"),
    [("attribution", "Zabihullah Mujahid, Taliban spokesman", True), ("kind", "statement", True),
     ("reason", "Desk-only: the governor's office denies it.", False), ("priority", 3, False)],
)  # fmt: skip
def test_editing_a_published_claim_in_the_admin_reaches_the_cms_only_for_what_it_sees(
    api, admin_client, make_claim, field, value, cms_sees
):
    claim = make_claim(S.PUBLISHED)
    since = timezone.now()
    public, updated = fresh(claim).public_updated_at, claim.updated_at
    url = reverse("admin:factcheck_claim_change", args=[claim.pk])

    response = admin_client.post(url, change_form(claim, **{field: value}))

    assert response.status_code == 302, response.content.decode()[:3000]
    claim = fresh(claim)
    assert getattr(claim, field) == value
    assert claim.updated_at > updated
    assert (claim.public_updated_at > public) is cms_sees
    assert synced(api("cms"), since) == ([claim.pk] if cms_sees else [])
    assert synced(api("editor"), since) == [claim.pk]
    if cms_sees:
        assert api("cms").get(f"/api/v1/claims/{claim.pk}/").json()[field] == value


def test_editing_a_claim_never_published_leaves_it_invisible_to_the_cms(api, admin_client, make_claim):
    claim = make_claim(S.SUBMITTED)
    since = timezone.now()
    url = reverse("admin:factcheck_claim_change", args=[claim.pk])
    assert admin_client.post(url, change_form(claim, attribution="The NRF")).status_code == 302
    assert fresh(claim).public_updated_at is None
    assert synced(api("cms"), since) == []
    assert synced(api("editor"), since) == [claim.pk]


# --- 4. the CMS's JSON and the webhooks' ----------------------------------------------
def test_the_cms_json_shows_the_public_timestamp_and_the_desk_json_the_desks(api, make_claim, editor_user):
    claim = make_claim(S.PUBLISHED)
    contributions.comment_add(claim, actor=editor_user, body="Later note.")  # moves updated_at only
    claim = fresh(claim)
    assert claim.updated_at > claim.public_updated_at
    cms = api("cms").get(f"/api/v1/claims/{claim.pk}/").json()
    desk = api("editor").get(f"/api/v1/claims/{claim.pk}/").json()
    assert cms["updated_at"] == payloads.iso(claim.public_updated_at)
    assert desk["updated_at"] == payloads.iso(claim.updated_at)
    listed = api("cms").get("/api/v1/claims/").json()["results"]
    assert [(c["id"], c["updated_at"]) for c in listed] == [(claim.pk, payloads.iso(claim.public_updated_at))]


def _without_hosts(body: dict) -> dict:
    """The claim's JSON with its links reduced to their paths."""
    return {**body, "links": {name: urlsplit(link).path for name, link in body["links"].items()}}


def test_the_webhook_body_is_the_cms_view_of_the_api(api, make_claim, editor_user, second_editor, settings):
    endpoint = WebhookEndpoint.objects.create(name="cms", url="https://cms.example/hook", events=["verdict.corrected"])
    claim = make_claim(S.PUBLISHED)
    contributions.claim_edit(claim, actor=editor_user, attribution="Taliban spokesman", reason="Desk note")
    correct(claim, editor_user)
    workflow.verdict_approve(claim, actor=second_editor)
    contributions.evidence_add(claim, actor=editor_user, url="https://example.org/after", description="After")
    correct(claim, editor_user, slug="mixed", reason="Pending, unseen.")  # waits for approval: not the CMS's

    api_body = api("cms").get(f"/api/v1/claims/{claim.pk}/").json()
    hook = json.loads(json.dumps(payloads.cms_claim(Claim.objects.get(pk=claim.pk)), cls=DjangoJSONEncoder))
    delivery = endpoint.deliveries.get()  # queued when the correction was approved

    assert set(hook) == set(api_body)
    assert _without_hosts(hook) == _without_hosts(api_body)
    assert set(hook["links"]) == set(api_body["links"])
    assert all(link.startswith(settings.SITE_URL + "/") for link in hook["links"].values())
    assert hook["verdict"]["revision"] == 2 and hook["pending_verdict"] is None
    assert [e["url"] for e in hook["evidence"]] == ["https://example.org/footage"]  # not the later item
    assert "reason" not in hook and "Desk note" not in json.dumps(hook)
    # Nothing the CMS sees changed since the approval: the body the webhook froze then is the same.
    assert (delivery.event, delivery.payload["claim"]) == ("verdict.corrected", hook)


# --- 5. the admin's rating filter --------------------------------------------------------
def _listed(client, query) -> set[int]:
    page = client.get(f"{CHANGELIST}?{query}")
    assert page.status_code == 200
    return {int(pk) for pk in re.findall(r'name="_selected_action" value="(\d+)"', page.content.decode())}


def test_the_admin_rating_filter_uses_the_verdict_in_force(admin_client, make_claim, editor_user, second_editor):
    corrected = make_claim(S.PUBLISHED)  # unverifiable, then corrected to false
    correct(corrected, editor_user)
    workflow.verdict_approve(corrected, actor=second_editor)
    unchanged = make_claim(S.PUBLISHED, text="reportedly numbers in the thousands")
    pending = make_claim(S.PUBLISHED, text="The last nest of the enemy")
    correct(pending, editor_user)  # false, not approved: unverifiable stays in force
    make_claim(S.SUBMITTED, text="Panjshir province")  # no verdict in force

    assert _listed(admin_client, "rating=false") == {corrected.pk}
    assert _listed(admin_client, "rating=unverifiable") == {unchanged.pk, pending.pk}
    assert _listed(admin_client, "rating=true") == set()


def test_a_refused_row_keeps_the_valid_rows_of_the_same_submission_from_being_saved(admin_client, make_claim):
    claim = make_claim(S.PUBLISHED)
    url = reverse("admin:factcheck_claim_change", args=[claim.pk])
    data = with_new_evidence(claim, "ftp://example.org/dump.zip", "A dump")
    data.update({"evidence-TOTAL_FORMS": 2, "evidence-1-id": "", "evidence-1-claim": claim.pk})
    data.update({"evidence-1-url": "https://example.org/ok", "evidence-1-description": "Ok"})
    response = admin_client.post(url, data, follow=True)
    assert "The link must be an http(s) address." in response.content.decode()
    assert not Evidence.objects.filter(claim=claim).exists()  # all or nothing


def test_evidence_added_in_the_admin_is_in_the_change_history(admin_client, make_claim):
    from django.contrib.admin.models import LogEntry

    claim = make_claim(S.PUBLISHED)
    url = reverse("admin:factcheck_claim_change", args=[claim.pk])
    admin_client.post(url, with_new_evidence(claim, "https://example.org/a", "A source"), follow=True)
    entry = LogEntry.objects.filter(object_id=str(claim.pk)).latest("action_time")
    assert "Added evidence" in entry.get_change_message()
