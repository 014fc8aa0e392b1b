"""The fact-check library in a real browser (Debian's chromium through Playwright): an editor
opens the library, searches it and narrows it by publisher, rating and language; then, on a claim
page, sees what was checked before, cites a match as evidence, and links our own earlier claim as
"the same claim" (its verdict shown, the new claim still to be reviewed).

Screenshots go to test-output/browser/. Any JavaScript error fails the test."""

import re
from datetime import date

import pytest

from factcheck.models import Claim, Evidence, FactCheck, Rating

from .conftest import ClaimMaker
from .factories import ArticleFactory, editor, reviewer
from .test_browser import PASSWORD, Session
from .test_browser import browser as browser  # the module-scoped fixture, shared
from .test_browser import pytestmark as pytestmark  # browser marks: shared

S = Claim.Status
CONQUERED = "The last nest of the enemy, Panjshir province, was completely conquered"  # in the article


@pytest.fixture
def people(transactional_db):
    people = {"editor": editor("editor"), "second": editor("editor2"), "reviewer": reviewer("reviewer")}
    assert all(user.check_password(PASSWORD) for user in people.values())  # what Session.login types
    return people


@pytest.fixture
def shelf(transactional_db):
    """Fact-checks other publishers released: four about Panjshir (two publishers, three ratings, two
    languages) and one about something else."""
    false, misleading = Rating.objects.get(slug="false"), Rating.objects.get(slug="misleading")

    def add(slug, claim, publisher, rating_text, rating, language, when):
        return FactCheck.objects.create(
            url=f"https://fc.example.org/{slug}", claim_reviewed=claim, title="", publisher=publisher,
            rating_text=rating_text, rating=rating, language=language, date_published=when, origin="api",
        )  # fmt: skip

    return {
        "conquered": add("conquered", "The Taliban completely conquered Panjshir province, the last nest of the enemy.",
                         "AFP Fact Check", "Misleading", misleading, "en", date(2021, 9, 7)),
        "flag": add("flag", "A photo shows the Taliban flag over the Panjshir governor's office.",
                    "Snopes", "False", false, "en", date(2021, 9, 8)),
        "surrender": add("surrender", "Panjshir resistance fighters surrendered to the Taliban without a fight.",
                         "AFP Fact Check", "Pants on Fire!", false, "en", date(2021, 9, 9)),
        "talibans": add("talibans", "Les talibans contrôlent la totalité de la vallée du Panjshir.",
                        "AFP Factuel", "Faux", false, "fr", date(2021, 9, 10)),
        "minecraft": add("minecraft", "The video game Minecraft is shutting down.",
                         "Snopes", "False", false, "en", date(2019, 5, 1)),
    }  # fmt: skip


def result_links(page) -> list[str]:
    """The addresses the library's result table links to, in order."""
    return page.eval_on_selector_all("#library-results tbody a", "links => links.map(a => a.href)")


def search(page, base: str, **fields) -> None:
    """Fill the library's search form (words and filters) and send it with the Search button."""
    for name, value in fields.items():
        if name == "q":
            page.fill("#q", value)
        else:
            page.select_option(f"#{name}", value)
    page.click("#library-search button")
    page.wait_for_url(re.compile(re.escape(f"{base}/library/?") + ".*"))


def test_an_editor_searches_the_library_then_cites_a_match_and_links_the_same_claim(
    live_server, browser, people, shelf
):
    # Our own earlier claim, published (its verdict is in the library), and the same words said again.
    unverifiable = Rating.objects.get(slug="unverifiable")
    earlier = ClaimMaker(ArticleFactory(), people["editor"], people["reviewer"], unverifiable)(S.PUBLISHED, CONQUERED)
    ours = FactCheck.objects.get(claim=earlier)
    assert ours.own
    again = ClaimMaker(ArticleFactory(), people["editor"], people["reviewer"], None)(S.FLAGGED, text=CONQUERED)

    desk = Session(browser, live_server.url)
    desk.login("editor")
    page = desk.page
    base = live_server.url

    # The library, from the navigation bar: every fact-check, newest first.
    page.get_by_role("link", name="Library").click()
    page.wait_for_url(f"{base}/library/")
    assert page.locator("#library-results tbody tr").count() == len(shelf) + 1  # ours too

    # Words: the four fact-checks about Panjshir, and our own verdict.
    search(page, base, q="Panjshir")
    found = result_links(page)
    assert set(found) == {f.url for name, f in shelf.items() if name != "minecraft"} | {ours.url}
    assert shelf["minecraft"].url not in found

    # One publisher.
    search(page, base, publisher="AFP Fact Check")
    assert set(result_links(page)) == {shelf["conquered"].url, shelf["surrender"].url}
    assert page.input_value("#q") == "Panjshir"  # the words are kept

    # A rating on our scale, then a language, with the publisher filter dropped.
    search(page, base, publisher="", rating="false")
    assert set(result_links(page)) == {shelf[name].url for name in ("flag", "surrender", "talibans")}
    search(page, base, language="fr")
    assert result_links(page) == [shelf["talibans"].url]
    row = page.locator("#library-results tbody tr").first.inner_text()
    assert "AFP Factuel" in row and "Faux" in row and "fr" in row and "2021-09-10" in row
    desk.screenshot("library-page.png")

    # The new claim's page: "Checked before" has the other publisher's fact-check and our own verdict.
    page = desk.go(f"/claims/{again.pk}/")
    checked = page.locator("#checked-before")
    afp = checked.locator("li.checked-item", has_text="The Taliban completely conquered Panjshir province")
    own = checked.locator("li.checked-item", has_text="ours")
    assert afp.count() == 1 and own.count() == 1
    listed = afp.inner_text()
    assert "AFP Fact Check" in listed and "Misleading" in listed and "en" in listed and "score 0." in listed
    assert afp.locator("a").first.get_attribute("href") == shelf["conquered"].url

    # One click cites it as evidence.
    afp.get_by_role("button", name="Cite as evidence").click()
    page.wait_for_selector("text=Cited AFP Fact Check as evidence.")
    evidence = page.locator("#evidence li", has_text=shelf["conquered"].url)
    assert evidence.count() == 1 and "Misleading" in evidence.inner_text()
    assert Evidence.objects.filter(claim=again, url=shelf["conquered"].url, added_by=people["editor"]).count() == 1

    # One click links our earlier claim as the same claim: its verdict shows, the review is still to come.
    own = page.locator("#checked-before li.checked-item", has_text="ours")
    own.get_by_role("button", name=f"The same claim as #{earlier.pk}").click()
    page.wait_for_selector(f"text=Linked to claim #{earlier.pk}.")
    same = page.inner_text("#same-claim")
    assert f"The same claim as #{earlier.pk}" in same
    assert "rated Unverifiable: No evidence either way." in same
    assert "This claim still goes through review and approval." in same
    assert page.get_attribute("#same-claim a", "href") == f"/claims/{earlier.pk}/"
    assert page.inner_text("#claim-status").startswith("Flagged")
    assert page.locator("#published-verdict").count() == 0
    assert page.locator("#action-assign").count() == 1  # the review starts as for any claim
    desk.screenshot("library-claim-page.png")
    desk.close()

    again.refresh_from_db()
    assert again.same_as_id == earlier.pk and again.status == S.FLAGGED
    assert not again.verdicts.exists()
