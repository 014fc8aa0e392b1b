"""Accessibility, checked by axe-core (shipped inside the axe-playwright-python wheel) in a
real browser on every page of the desk: no critical or serious violation (WCAG 2 A/AA:
names, roles, colour contrast, landmarks)."""

from pathlib import Path

import axe_playwright_python
import pytest

from factcheck import importing, workflow
from factcheck.models import Claim

from .test_browser import PANJSHIR, Session, browser, people, pytestmark  # noqa: F401

__all__ = ["pytestmark"]
AXE = (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text(encoding="utf-8")


def violations(page) -> list[str]:
    page.evaluate(AXE)  # through the devtools protocol: the page's CSP forbids inline scripts, rightly
    found = page.evaluate(
        """async () => (await axe.run(document, {runOnly: {type: "tag", values: ["wcag2a", "wcag2aa"]}})).violations"""
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in found
        if v["impact"] in ("critical", "serious")
    ]


@pytest.fixture
def desk_data(people, settings):  # noqa: F811
    settings.SUGGESTIONS_PER_ARTICLE, settings.SUGGESTION_THRESHOLD = 4, 0.0
    article = importing.import_text(title="", body=PANJSHIR, user=people["editor"]).article
    claim = article.claims.order_by("-score").first()
    workflow.claim_accept(claim, actor=people["editor"])
    workflow.claim_assign(claim, actor=people["editor"], reviewer=people["reviewer"])
    return article, claim


def test_no_serious_accessibility_violation_on_the_desks_pages(live_server, browser, desk_data):  # noqa: F811
    article, claim = desk_data
    session = Session(browser, live_server.url)
    session.login("editor")
    found = {}
    for path in (
        "/", "/articles/", f"/articles/{article.pk}/", f"/claims/{claim.pk}/", "/articles/import/", "/claims/",
        "/dashboard/", "/library/", "/notices/", "/media/new/", "/account/notifications/",
    ):  # fmt: skip
        page = session.go(path)
        found[path] = violations(page)
    session.close()
    failed = [f"{path}: {v}" for path, vs in found.items() for v in vs]
    assert not failed, "\n".join(failed)


def test_no_serious_accessibility_violation_for_a_reviewer_and_on_the_login_page(live_server, browser, desk_data):  # noqa: F811
    _, claim = desk_data
    session = Session(browser, live_server.url)
    page = session.go("/accounts/login/")
    found = {"/accounts/login/": violations(page)}
    session.login("reviewer")
    for path in ("/", f"/claims/{claim.pk}/"):
        found[path] = violations(session.go(path))
    session.close()
    failed = [f"{path}: {v}" for path, vs in found.items() for v in vs]
    assert not failed, "\n".join(failed)
    assert Claim.objects.filter(pk=claim.pk).exists()
