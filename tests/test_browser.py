"""The desk as a person uses it, in a real browser (Debian's chromium through
Playwright): import, triage, flag by selecting text, assign, review, approve.

Screenshots go to test-output/browser/. Any JavaScript error fails the test."""

import os
import shutil
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from factcheck.models import Article, Claim

from .factories import editor, reviewer

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
OUTPUT = Path(__file__).resolve().parent.parent / "test-output" / "browser"
PANJSHIR = (Path(__file__).resolve().parent.parent / "factcheck" / "demo" / "panjshir-article.txt").read_text()
PASSWORD = "pass-for-tests"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not shutil.which(CHROMIUM) and not os.environ.get("REQUIRE_BROWSER"),
        reason="Debian's chromium is not installed (CI installs it and sets REQUIRE_BROWSER=1)",
    ),
]


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the test's own
    # ORM calls (fixtures, assertions) are still plain synchronous code.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield launched
        launched.close()
    os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


class Session:
    """One person's browser tab, failing the test on any JavaScript error."""

    def __init__(self, browser, base_url: str, *, javascript: bool = True):
        # Reduced motion: no smooth scrolling, so what the test measures stays where it is.
        self.context = browser.new_context(
            java_script_enabled=javascript, viewport={"width": 1280, "height": 900}, reduced_motion="reduce"
        )
        self.page = self.context.new_page()
        self.base = base_url
        self.errors: list[str] = []
        self.page.on("console", lambda msg: msg.type == "error" and self.errors.append(msg.text))
        self.page.on("pageerror", lambda exc: self.errors.append(str(exc)))

    def go(self, path: str):
        self.page.goto(self.base + path)
        return self.page

    def login(self, username: str):
        page = self.go("/accounts/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(self.base + "/")

    def logout(self):
        self.page.click("text=Log out")
        self.page.wait_for_url("**/accounts/login/")

    def screenshot(self, name: str):
        OUTPUT.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(OUTPUT / name), full_page=True)

    def close(self):
        self.context.close()
        assert self.errors == [], f"JavaScript errors: {self.errors}"


def select_with_mouse(page, words: str):
    """Drag the mouse across ``words`` in the article text, as a person would."""
    box = page.evaluate(
        """(words) => {
            const root = document.getElementById("article-text");
            const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
            let node;
            while ((node = walker.nextNode())) {
                const at = node.textContent.indexOf(words);
                if (at < 0) continue;
                const first = document.createRange();
                first.setStart(node, at); first.setEnd(node, at + 1);
                const last = document.createRange();
                last.setStart(node, at + words.length - 1); last.setEnd(node, at + words.length);
                node.parentElement.scrollIntoView({block: "center", behavior: "instant"});
                const a2 = first.getBoundingClientRect(), b2 = last.getBoundingClientRect();
                return {x1: a2.left + 1, y1: a2.top + a2.height / 2, x2: b2.right - 1, y2: b2.top + b2.height / 2};
            }
            return null;
        }""",
        words,
    )
    assert box, f"{words!r} is not within one text segment of the article"
    page.mouse.move(box["x1"], box["y1"])
    page.mouse.down()
    page.mouse.move((box["x1"] + box["x2"]) / 2, (box["y1"] + box["y2"]) / 2, steps=5)
    page.mouse.move(box["x2"], box["y2"], steps=5)
    page.mouse.up()


def claim_card(page, text: str):
    return page.locator("#claims li", has_text=text)


@pytest.fixture
def people(transactional_db):
    return {"editor": editor("editor"), "reviewer": reviewer("reviewer")}


def test_an_article_goes_from_import_to_a_published_verdict(live_server, browser, people):
    due = (timezone.localtime() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")

    # The editor imports the article by pasting it.
    desk = Session(browser, live_server.url)
    desk.login("editor")
    page = desk.go("/articles/import/")
    page.fill("#id_paste-body", PANJSHIR)
    page.fill("#id_paste-outlet", "CNN")
    page.click("#import-paste [type=submit]")
    page.wait_for_selector("text=1 of 1 source(s) imported")
    page.click("#import-results a")
    article = Article.objects.get()
    page.wait_for_url(f"**/articles/{article.pk}/")

    # Accepts the suggested claim about the flag photo.
    photo = article.claims.get(kind=Claim.Kind.IMAGE)
    claim_card(page, "white flag of the Taliban").get_by_role("button", name=f"Accept claim {photo.pk}").click()
    page.wait_for_selector("text=Accepted: the claim is flagged for checking.")
    photo.refresh_from_db()
    assert photo.status == Claim.Status.FLAGGED

    # Flags one more claim by selecting its words with the mouse.
    words = "around 90 miles (144 kilometers) north of Kabul"
    select_with_mouse(page, words)
    assert page.input_value("#flag-form [name=text]") == words
    page.select_option("#flag-form [name=kind]", "statistic")
    page.fill("#flag-form [name=reason]", "Check the distance.")
    page.click("#flag-form [type=submit]")
    page.wait_for_selector("text=for checking.")
    flagged = article.claims.get(text=words)
    assert article.body[flagged.span_start : flagged.span_end] == words
    assert flagged.status == Claim.Status.FLAGGED and flagged.kind == Claim.Kind.STATISTIC
    page.wait_for_selector(f"mark[data-claims~='{flagged.pk}']")
    desk.screenshot("article-page.png")

    # Assigns both to the reviewer with a due date.
    for claim in (photo, flagged):
        page = desk.go(f"/claims/{claim.pk}/")
        page.select_option("#action-assign [name=reviewer]", label="reviewer")
        page.fill("#action-assign [name=due_at]", due)
        page.click("#action-assign [type=submit]")
        page.wait_for_selector("text=Assigned.")
    assert set(Claim.objects.filter(status=Claim.Status.ASSIGNED).values_list("pk", flat=True)) == {
        photo.pk,
        flagged.pk,
    }
    desk.logout()

    # The reviewer finds the photo in their queue, adds evidence and submits "Unverifiable".
    review = Session(browser, live_server.url)
    review.login("reviewer")
    page = review.page
    assert page.locator("#queue-assigned li").count() == 2
    page.locator("#queue-assigned a", has_text="white flag of the Taliban").click()
    page.fill("#action-evidence [name=url]", "https://example.org/geolocation-notes")
    page.fill("#action-evidence [name=description]", "Buildings match Bazarak; the date cannot be established.")
    page.click("#action-evidence [type=submit]")
    page.wait_for_selector("text=Evidence added.")
    page.select_option("#action-submit [name=rating]", label="Unverifiable")
    page.fill("#action-submit [name=summary]", "The location matches, but nothing dates the photo.")
    page.click("#action-submit [type=submit]")
    page.wait_for_selector("text=Verdict submitted for approval.")
    assert page.locator("#action-approve").count() == 0  # four eyes: not for the author
    review.logout()
    review.close()

    # The editor approves it and sees it published.
    desk.login("editor")
    page = desk.go(f"/claims/{photo.pk}/")
    page.click("#action-approve [type=submit]")
    page.wait_for_selector("text=Approved and published.")
    assert page.inner_text("#claim-status").startswith("Published")
    assert "Unverifiable" in page.inner_text("#published-verdict")
    desk.screenshot("claim-page.png")
    desk.close()
    photo.refresh_from_db()
    assert photo.status == Claim.Status.PUBLISHED


def test_without_javascript_a_paragraph_picker_flags_and_suggestions_are_triaged(live_server, browser, people):
    from factcheck import importing

    result = importing.import_text(title="", body=PANJSHIR, user=people["editor"])
    article = result.article
    session = Session(browser, live_server.url, javascript=False)
    session.login("editor")
    page = session.go(f"/articles/{article.pk}/")

    # Pick the paragraph and type the words within it.
    paragraph = page.locator("#flag-form label", has_text="There’s been no official Taliban response")
    paragraph.click()
    page.fill("#flag-form [name=text]", "no official Taliban response")
    page.click("#flag-form [type=submit]")
    page.wait_for_selector("text=for checking.")
    claim = article.claims.get(text="no official Taliban response")
    assert article.body[claim.span_start : claim.span_end] == claim.text

    # Dismiss a suggestion with its plain form.
    suggestion = article.claims.filter(status=Claim.Status.SUGGESTED).first()
    page.get_by_role("button", name=f"Dismiss claim {suggestion.pk}").click()
    page.wait_for_selector("text=Dismissed.")
    suggestion.refresh_from_db()
    assert suggestion.status == Claim.Status.DISMISSED
    session.screenshot("article-page-no-javascript.png")
    session.close()


def test_selecting_words_after_an_emoji_gives_the_servers_offsets(live_server, browser, people):
    from factcheck import importing

    body = "Flags 🚩🚩 everywhere. The governor said 12 roads are closed after the 🌊 flood."
    article = importing.import_text(title="Emoji", body=body, user=people["editor"]).article
    session = Session(browser, live_server.url)
    session.login("editor")
    page = session.go(f"/articles/{article.pk}/")
    select_with_mouse(page, "12 roads are closed")
    start = int(page.input_value("#flag-form [name=span_start]"))
    end = int(page.input_value("#flag-form [name=span_end]"))
    assert article.body[start:end] == "12 roads are closed"
    page.click("#flag-form [type=submit]")
    page.wait_for_selector("text=for checking.")
    assert article.claims.filter(text="12 roads are closed", span_start=start).exists()
    session.close()
