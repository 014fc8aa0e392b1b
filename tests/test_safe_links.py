"""Issue 13, item 9: a link with quotes or angle brackets never reaches the API, webhooks or
ClaimReview as it was sent. It is normalised (percent-encoded) when it is written, by any path,
and the database refuses such a link besides."""

import json

import pytest
from django.db import IntegrityError, connection, transaction

from factcheck import contributions, payloads
from factcheck.claimreview import claim_review
from factcheck.models import Article, Claim, Evidence, FactCheck, Media
from factcheck.models.fields import normalise_link

from .api_clients import ARTICLE, S
from .api_clients import api as api  # a pytest fixture, imported so that pytest finds it
from .api_clients import cms_user as cms_user  # the fixture ``api`` needs
from .desk_pages import login, post_action

HOSTILE = "https://evil.example/a\"><script>alert('x')</script>?q=`x`&y={1}|^\\"
SAFE = "https://evil.example/a%22%3E%3Cscript%3Ealert(%27x%27)%3C/script%3E?q=%60x%60&y=%7B1%7D%7C%5E%5C"
RAW = set("\"'<>`{}|^\\")


def test_normalising_encodes_only_what_is_never_valid_unescaped():
    assert normalise_link(HOSTILE) == SAFE
    assert normalise_link("https://example.org/a?b=1&c=%22#frag") == "https://example.org/a?b=1&c=%22#frag"
    assert normalise_link(" https://example.org/é ") == "https://example.org/é"
    assert normalise_link("") == "" and normalise_link(None) is None


def test_evidence_sent_through_the_api_comes_back_encoded_in_the_api_webhooks_and_claimreview(
    api, make_claim, settings
):
    settings.SITE_URL = "https://desk.example"
    claim = make_claim(S.ASSIGNED)
    body = {"rating": "false", "summary": "Checked.", "evidence": [{"url": HOSTILE, "note": "y"}]}
    response = api("assigned_reviewer").post(f"/api/v1/claims/{claim.pk}/submit/", body, format="json")
    assert response.status_code == 200, response.json()
    assert [e["url"] for e in response.json()["evidence"]] == [SAFE]
    assert Evidence.objects.get(claim=claim).url == SAFE
    assert api("editor").post(f"/api/v1/claims/{claim.pk}/approve/", {}, format="json").status_code == 200
    claim.refresh_from_db()
    shown = api("cms").get(f"/api/v1/claims/{claim.pk}/").json()
    assert [e["url"] for e in shown["evidence"]] == [SAFE]
    webhook = json.dumps(payloads.cms_claim(claim))
    assert SAFE in webhook and "<script>" not in webhook
    assert "<script>" not in json.dumps(claim_review(claim))


def test_an_article_pushed_with_a_hostile_url_is_stored_encoded(api):
    response = api("cms").post("/api/v1/articles/", {**ARTICLE, "url": HOSTILE}, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["url"] == SAFE
    assert Article.objects.get().url == SAFE


def test_evidence_added_on_the_claim_page_is_stored_encoded(client, make_claim, editor_user):
    claim = make_claim(S.ASSIGNED)
    login(client, editor_user)
    response = post_action(client, claim, "evidence", {"url": HOSTILE, "description": "Geolocated"})
    assert response.status_code == 302
    assert Evidence.objects.get(claim=claim).url == SAFE
    page = client.get(f"/claims/{claim.pk}/").content.decode()
    assert "<script>alert" not in page


def test_every_orm_write_normalises_create_update_and_bulk(make_claim, editor_user):
    claim = make_claim(S.FLAGGED)
    item = Evidence.objects.create(claim=claim, url=HOSTILE, added_by=editor_user)
    assert item.url == SAFE
    Evidence.objects.filter(pk=item.pk).update(url=HOSTILE + "2")
    item.refresh_from_db()
    assert item.url == SAFE + "2"
    [bulk] = Media.objects.bulk_create([Media(article=claim.article, url=HOSTILE, source_url=HOSTILE)])
    bulk.refresh_from_db()
    assert bulk.url == bulk.source_url == SAFE
    check = FactCheck.objects.create(url=HOSTILE, claim_reviewed="x", origin="api", image_url=HOSTILE)
    check.refresh_from_db()
    assert not RAW & set(check.url + check.image_url)


@pytest.mark.parametrize(("table", "column"), [("factcheck_evidence", "url"), ("factcheck_article", "url")])
def test_the_database_refuses_a_raw_quote_or_angle_bracket(make_claim, table, column):
    claim = make_claim(S.FLAGGED)
    pk = Evidence.objects.create(claim=claim, url="https://ok.example/").pk if table.endswith("evidence") else None
    pk = pk or claim.article_id
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        sql = f"UPDATE {table} SET {column} = %s WHERE id = %s"  # noqa: S608 - names from the parametrize
        cursor.execute(sql, ['https://x.example/"><b>', pk])


def test_a_claim_s_evidence_added_through_the_workflow_is_encoded(make_claim, editor_user):
    claim = make_claim(S.ASSIGNED)
    contributions.evidence_add(claim, actor=editor_user, url=HOSTILE, description="")
    assert Claim.objects.get(pk=claim.pk).evidence.get().url == SAFE
