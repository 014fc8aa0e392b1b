"""Issue 12 in a real browser: flagging at the selection (the floating button opens the form
beside the words, an overlap is warned about, a refusal is shown where the person acted) and
keyboard triage on the desk."""

import pytest

from factcheck import importing
from factcheck.models import Claim

from .test_browser import PANJSHIR, Session, browser, people, pytestmark, select_with_mouse  # noqa: F401

__all__ = ["pytestmark"]


@pytest.fixture
def article(people, settings):  # noqa: F811
    settings.SUGGESTIONS_PER_ARTICLE, settings.SUGGESTION_THRESHOLD = 4, 0.0
    return importing.import_text(title="", body=PANJSHIR, user=people["editor"]).article


def test_the_flag_button_opens_the_form_beside_the_selection(live_server, browser, article):  # noqa: F811
    session = Session(browser, live_server.url)
    session.login("editor")
    page = session.go(f"/articles/{article.pk}/")
    words = "around 90 miles (144 kilometers) north of Kabul"
    select_with_mouse(page, words)
    button = page.locator("#flag-float")
    button.wait_for(state="visible")
    selection_bottom = page.evaluate("window.getSelection().getRangeAt(0).getBoundingClientRect().bottom + scrollY")
    button.click()
    form = page.locator("#flag-form")
    box = form.bounding_box()
    assert abs((box["y"] + page.evaluate("scrollY")) - selection_bottom) < 40, "the form opens at the words"
    assert page.evaluate("document.activeElement.name") == "kind"
    page.select_option("#flag-form [name=kind]", "statistic")
    page.click("#flag-form [type=submit]")
    page.wait_for_selector("text=for checking.")
    assert article.claims.filter(text=words, status=Claim.Status.FLAGGED).exists()
    session.close()


def test_flagging_over_an_existing_claim_warns_and_links_to_it(live_server, browser, article):  # noqa: F811
    claim = article.claims.order_by("span_start").first()
    words = claim.text.split(" ", 3)[-1][:30].strip()
    session = Session(browser, live_server.url)
    session.login("editor")
    page = session.go(f"/articles/{article.pk}/")
    select_with_mouse(page, words)
    page.locator("#flag-float").click()
    warning = page.locator("#flag-overlap")
    warning.wait_for(state="visible")
    assert warning.locator(f"a[href='/claims/{claim.pk}/']").count() == 1
    session.close()


def test_a_refused_flag_shows_its_error_at_the_top_and_beside_the_words(live_server, browser, article):  # noqa: F811
    session = Session(browser, live_server.url)
    session.login("editor")
    page = session.go(f"/articles/{article.pk}/")
    select_with_mouse(page, "around 90 miles")
    page.locator("#flag-float").click()
    page.eval_on_selector("#flag-form [name=kind]", "select => select.add(new Option('bogus', 'bogus', true, true))")
    page.click("#flag-form [type=submit]")
    page.wait_for_selector("#flag-errors")
    assert page.locator("#flag-form.flag-popover .invalid-feedback, #flag-form.flag-popover .is-invalid").count() >= 1
    session.errors = [e for e in session.errors if "status of 400" not in e]  # the refusal itself
    session.close()


def test_keyboard_triage_on_the_desk(live_server, browser, article):  # noqa: F811
    best, second = sorted(article.claims.all(), key=lambda c: -c.score)[:2]
    session = Session(browser, live_server.url)
    session.login("editor")
    page = session.page
    page.keyboard.press("?")
    assert page.locator("#shortcuts").is_visible()
    page.keyboard.press("j")
    assert page.evaluate("document.activeElement.dataset.claim") == str(best.pk)
    page.keyboard.press("a")
    page.wait_for_selector("text=Accepted 1 claim.")
    best.refresh_from_db()
    assert best.status == Claim.Status.FLAGGED
    page.keyboard.press("j")
    assert page.evaluate("document.activeElement.dataset.claim") == str(second.pk)
    page.keyboard.press("x")
    assert page.is_checked(f"#select-{second.pk}")
    page.keyboard.press("j")
    page.keyboard.press("x")
    page.click("#triage-form button[value=dismiss]")
    page.wait_for_selector("text=Dismissed 2 claims.")
    second.refresh_from_db()
    assert second.status == Claim.Status.DISMISSED
    session.close()
