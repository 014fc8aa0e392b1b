"""The public site the ClaimReview tests link to, the Panjshir demo article imported, and a way to
publish its claims."""

from pathlib import Path

import pytest

from factcheck import workflow
from factcheck.importing import import_text
from factcheck.models import Claim, Rating

ROOT = Path(__file__).resolve().parent.parent
CNN_URL = "https://edition.cnn.com/2021/09/06/asia/panjshir-valley-taliban-nrf-afghanistan-intl/index.html"
PUBLIC = "https://factcheck.example.org"
ORGANIZATION = {"@type": "Organization", "name": "Example Newsroom", "url": "https://news.example.org"}
PHOTO_SUMMARY = "No sign that the photo was edited; where and when it was taken could not be confirmed."


@pytest.fixture(autouse=True)
def _public_site(settings):
    settings.FACTCHECK_PUBLIC_URL = PUBLIC
    settings.FACTCHECK_URL_TEMPLATE = "/fact-checks/{id}/"
    settings.FACTCHECK_ORGANIZATION_NAME = ORGANIZATION["name"]
    settings.FACTCHECK_ORGANIZATION_URL = ORGANIZATION["url"]


@pytest.fixture
def panjshir(editor_user):
    body = (ROOT / "factcheck" / "demo" / "panjshir-article.txt").read_text(encoding="utf-8")
    return import_text(title="", body=body, url=CNN_URL, user=editor_user).article


@pytest.fixture
def publish(editor_user, second_editor, assigned_reviewer):
    """Accept, assign, submit (by the reviewer) and approve (by another editor)."""

    def publish(claim: Claim, rating: str, summary: str, media_authenticity: str = "") -> Claim:
        if claim.status == Claim.Status.SUGGESTED:
            workflow.claim_accept(claim, actor=editor_user)
        workflow.claim_assign(claim, actor=editor_user, reviewer=assigned_reviewer)
        workflow.verdict_submit(
            claim,
            actor=assigned_reviewer,
            rating=Rating.objects.get(slug=rating),
            summary=summary,
            media_authenticity=media_authenticity,
        )
        workflow.verdict_approve(claim, actor=second_editor)
        return Claim.objects.get(pk=claim.pk)

    return publish


def suggested(article, kind: str, containing: str) -> Claim:
    return article.claims.get(kind=kind, text__contains=containing)
