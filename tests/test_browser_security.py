"""Under the Content-Security-Policy, in a real browser: the pages the other browser tests do not
walk through (the API docs' Swagger UI, the back office, the two-factor pages, the lockout
page) load with no policy violation and no JavaScript error — Chromium reports each refused
script or style on the console, which fails the test. Also the whole two-factor sign-in, as
a person does it."""

import re

from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from .factories import editor
from .test_browser import PASSWORD, Session, browser  # noqa: F401 - browser: the module's fixture
from .test_browser import pytestmark as pytestmark  # browser marks: shared


def _code(device: TOTPDevice, step: int) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=step):06d}"


def _violations(session: Session) -> list[str]:
    return session.page.evaluate("window.__cspViolations || []")


def _watch(session: Session) -> None:
    session.page.add_init_script(
        "window.__cspViolations = [];"
        "document.addEventListener('securitypolicyviolation',"
        " e => window.__cspViolations.push(e.violatedDirective + ' ' + e.blockedURI));"
    )


def test_api_docs_admin_and_two_factor_pages_work_under_the_policy(live_server, browser):  # noqa: F811
    chief = editor("editor")
    chief.is_superuser = True  # the lockout records in the back office are the superuser's
    chief.save(update_fields=["is_superuser"])
    session = Session(browser, live_server.url)
    _watch(session)
    # The admin's pages name no icon, so Chromium asks for /favicon.ico (a 404, not a policy matter).
    favicon: list[str] = []
    session.page.on("console", lambda m: m.location.get("url", "").endswith("/favicon.ico") and favicon.append(m.text))
    session.login("editor")

    page = session.go("/api/docs/")
    page.wait_for_selector(".swagger-ui .info .title", timeout=15000)  # Swagger UI ran and read the schema
    page.wait_for_selector(".opblock-tag", timeout=15000)
    assert "Fact-check desk API" in page.inner_text(".swagger-ui .info .title")
    session.screenshot("security-api-docs.png")
    assert _violations(session) == []

    for path in ("/admin/", "/admin/factcheck/claim/", "/admin/axes/accessattempt/", "/"):
        session.go(path)
        assert _violations(session) == [], path

    page = session.go("/account/two-factor/")
    assert page.locator("#two-factor-setup svg").count() == 1
    session.screenshot("security-two-factor-setup.png")
    device = TOTPDevice.objects.get(user__username="editor", confirmed=False)
    page.fill("#id_code", _code(device, 0))
    page.click("text=Confirm and turn on")
    page.wait_for_selector("#recovery-codes")
    assert len(re.findall(r"\b[a-z2-7]{8}\b", page.inner_text("#recovery-codes ul"))) == 10
    session.screenshot("security-recovery-codes.png")

    session.logout()
    page = session.go("/accounts/login/?next=/articles/")
    page.fill("#id_username", "editor")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/account/two-factor/verify/**")
    session.screenshot("security-two-factor-verify.png")
    page.fill("#id_code", _code(device, 1))
    page.click("text=Continue")
    page.wait_for_url(live_server.url + "/articles/")
    assert _violations(session) == []
    for text in favicon:
        session.errors.remove(text)
    session.close()


def test_the_lockout_page_is_clear(live_server, browser):  # noqa: F811
    editor("editor")
    session = Session(browser, live_server.url)
    _watch(session)
    page = session.go("/accounts/login/")
    for _ in range(5):
        page.fill("#id_username", "editor")
        page.fill("#id_password", "wrong")
        page.click("button[type=submit]")
        page.wait_for_load_state()
    assert "This account is locked" in page.inner_text("main")
    session.screenshot("security-locked-out.png")
    assert _violations(session) == []
    # Chromium logs the 429 answer as a failed resource load: that one is expected.
    session.errors = [e for e in session.errors if "429" not in e]
    session.close()
