"""Notifications by email through the outbox, with their retries when the mail server fails, and
each person's email choices (/account/notifications/). Retries are driven by calling
``deliver_due`` with a ``now`` in the future: nothing sleeps."""

import re
import smtplib
from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.messages import get_messages
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from factcheck import notifications, webhooks, workflow
from factcheck.models import NotificationPreference, WebhookDelivery

from .api_clients import cms_user as cms_user  # a pytest fixture, imported so that pytest finds it
from .conftest import QUOTE
from .notification_helpers import EMAILED, S, State, Transport, attempts_of, claim_link, clear_outbox, email_deliveries
from .notification_helpers import assigned as assigned  # a pytest fixture, imported so that pytest finds it
from .notification_helpers import submitted as submitted  # a pytest fixture, imported so that pytest finds it

SETTINGS_PAGE = "/account/notifications/"


# --- Emails through the outbox --------------------------------------------------------------------

SENT: list = []


class FailingEmailBackend(BaseEmailBackend):
    """A mail server that is down: every send raises the exception in ``error``."""

    error: Exception = smtplib.SMTPException("451 Try again later")

    def send_messages(self, email_messages):
        SENT.append(len(email_messages))
        raise type(self).error


class RefusingEmailBackend(FailingEmailBackend):
    error = OSError(111, "Connection refused")


def test_a_submitted_verdict_queues_one_email_per_editor_sent_after_the_commit(
    assigned, assigned_reviewer, rating, second_editor, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        workflow.verdict_submit(assigned, actor=assigned_reviewer, rating=rating, summary="Checked.")
    deliveries = list(WebhookDelivery.objects.order_by("id"))
    # One email each: nobody sees the other recipients, and one bad address fails alone.
    assert [d.payload["to"] for d in deliveries] == [["editor1@example.org"], ["editor2@example.org"]]
    for delivery in deliveries:
        assert (delivery.transport, delivery.event, delivery.state) == (Transport.EMAIL, "submit", State.PENDING)
        assert delivery.endpoint is None and delivery.channel is None and delivery.claim_id == assigned.pk
        assert set(delivery.payload) == {"subject", "body", "to"}
        assert delivery.payload["subject"] == f"[Fact-check] Verdict awaiting approval: claim #{assigned.pk}"
        assert claim_link(assigned) in delivery.payload["body"] and f"“{QUOTE}”" in delivery.payload["body"]
    assert mail.outbox == []  # nothing leaves before the commit

    for callback in callbacks:
        callback()
    for delivery in deliveries:
        delivery.refresh_from_db()
        assert (delivery.state, delivery.attempts) == (State.DELIVERED, 1)
    assert sorted(m.to for m in mail.outbox) == [["editor1@example.org"], ["editor2@example.org"]]
    for message in mail.outbox:
        assert message.subject == deliveries[0].payload["subject"] and message.body == deliveries[0].payload["body"]
        assert claim_link(assigned) in message.body
        assert message.from_email == settings.DEFAULT_FROM_EMAIL


@pytest.mark.parametrize(
    ("backend", "said"),
    [(FailingEmailBackend, "SMTPException: 451 Try again later"), (RefusingEmailBackend, "Connection refused")],
)
def test_an_email_the_mail_server_fails_stays_pending_and_is_sent_later(
    assigned, assigned_reviewer, rating, second_editor, django_capture_on_commit_callbacks, backend, said
):
    SENT.clear()
    second_editor.email = ""  # one recipient, so the counts below are one message's
    second_editor.save(update_fields=["email"])
    with override_settings(EMAIL_BACKEND=f"{__name__}.{backend.__name__}"):
        with django_capture_on_commit_callbacks(execute=True):
            workflow.verdict_submit(assigned, actor=assigned_reviewer, rating=rating, summary="Checked.")
        [delivery] = email_deliveries()
        assert SENT == [1] and mail.outbox == []
        assert (delivery.state, delivery.attempts) == (State.PENDING, 1)
        assert delivery.next_attempt_at > timezone.now()
        [failed] = attempts_of(delivery)
        assert failed.response_code is None and "mail server refused or failed" in failed.error and said in failed.error

        assert webhooks.deliver_due(now=delivery.next_attempt_at) == 1  # still down
        delivery.refresh_from_db()
        assert (delivery.state, delivery.attempts, SENT) == (State.PENDING, 2, [1, 1])

    # The mail server works again (the test settings' in-memory mailbox).
    assert webhooks.deliver_due(now=delivery.next_attempt_at) == 1
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts) == (State.DELIVERED, 3)
    [message] = mail.outbox
    assert message.to == ["editor1@example.org"]
    assert claim_link(assigned) in message.body
    assert webhooks.deliver_due(now=delivery.next_attempt_at + timedelta(days=2)) == 0
    assert len(mail.outbox) == 1


def test_an_assignment_emails_only_the_new_reviewer(make_claim, editor_user, other_reviewer):
    claim = make_claim(S.FLAGGED)
    clear_outbox()
    workflow.claim_assign(claim, actor=editor_user, reviewer=other_reviewer)
    [delivery] = WebhookDelivery.objects.all()
    assert delivery.transport == Transport.EMAIL and delivery.payload["to"] == ["reviewer2@example.org"]
    assert delivery.payload["subject"].startswith("[Fact-check] Assigned to you")


def test_publishing_emails_nobody(submitted, editor_user, second_editor):
    workflow.verdict_approve(submitted, actor=editor_user)
    assert not email_deliveries().exists()


# --- Each person's email choices ------------------------------------------------------------------


def checkboxes(response) -> dict[str, bool]:
    """name -> ticked, for each checkbox on the page."""
    inputs = re.findall(r"<input[^>]*type=\"checkbox\"[^>]*>", response.content.decode())
    found = {}
    for tag in inputs:
        found[re.search(r'name="([^"]+)"', tag).group(1)] = " checked" in tag
    return found


def ticked(*names) -> dict[str, str]:
    return dict.fromkeys(names, "on")


def everything_but(*names) -> dict[str, str]:
    return ticked(*(name for name in EMAILED if name not in names))


def login(client, user):
    client.force_login(user)
    return client


def test_an_editor_sees_a_checkbox_per_emailed_event_all_ticked(client, editor_user):
    response = login(client, editor_user).get(SETTINGS_PAGE)
    assert response.status_code == 200
    assert checkboxes(response) == dict.fromkeys(EMAILED, True)
    assert reverse("factcheck:notification-settings") == SETTINGS_PAGE


def test_an_editor_who_unticks_submit_gets_no_email_about_submitted_verdicts(
    client, editor_user, second_editor, assigned_reviewer, rating, make_claim, django_capture_on_commit_callbacks
):
    login(client, editor_user)
    response = client.post(SETTINGS_PAGE, everything_but("submit"))
    assert response.status_code == 302 and response["Location"] == SETTINGS_PAGE
    assert NotificationPreference.objects.get(user=editor_user, action="submit").email is False
    assert not NotificationPreference.objects.filter(user=editor_user, email=False).exclude(action="submit").exists()
    assert not NotificationPreference.objects.filter(user=second_editor).exists()
    page = client.get(SETTINGS_PAGE)
    assert checkboxes(page) == {**dict.fromkeys(EMAILED, True), "submit": False}
    assert "Saved: your email notifications." in [str(m) for m in get_messages(page.wsgi_request)]

    first = make_claim(S.ASSIGNED)
    clear_outbox()
    with django_capture_on_commit_callbacks(execute=True):
        workflow.verdict_submit(first, actor=assigned_reviewer, rating=rating, summary="Checked.")
    [delivery] = email_deliveries()
    assert delivery.payload["to"] == ["editor2@example.org"]
    assert [m.to for m in mail.outbox] == [["editor2@example.org"]]

    # Ticked again: back on.
    assert client.post(SETTINGS_PAGE, ticked(*EMAILED)).status_code == 302
    assert NotificationPreference.objects.get(user=editor_user, action="submit").email is True
    assert checkboxes(client.get(SETTINGS_PAGE)) == dict.fromkeys(EMAILED, True)
    second = make_claim(S.ASSIGNED, text="The last nest of the enemy, Panjshir province, was completely conquered")
    clear_outbox()
    with django_capture_on_commit_callbacks(execute=True):
        workflow.verdict_submit(second, actor=assigned_reviewer, rating=rating, summary="Checked.")
    assert sorted(m.to for m in mail.outbox) == [["editor1@example.org"], ["editor2@example.org"]]


def test_when_everyone_concerned_switched_an_event_off_no_email_is_queued(
    client, assigned, editor_user, assigned_reviewer, rating, django_capture_on_commit_callbacks
):
    assert login(client, editor_user).post(SETTINGS_PAGE, everything_but("submit")).status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        workflow.verdict_submit(assigned, actor=assigned_reviewer, rating=rating, summary="Checked.")
    assert not email_deliveries().exists() and mail.outbox == []


def test_unticking_every_box_in_a_browser_switches_every_email_off(editor_user):
    browser = Client(enforce_csrf_checks=True)  # a real form always posts its CSRF token, even with no box ticked
    browser.force_login(editor_user)
    browser.get(SETTINGS_PAGE)
    token = browser.cookies[settings.CSRF_COOKIE_NAME].value
    response = browser.post(SETTINGS_PAGE, {"csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert notifications.email_choices(editor_user) == {
        name: name not in EMAILED for name in notifications.email_choices(editor_user)
    }
    assert checkboxes(browser.get(SETTINGS_PAGE)) == dict.fromkeys(EMAILED, False)


def test_a_held_claims_reviewer_who_switched_holds_off_gets_no_email(client, assigned, editor_user, assigned_reviewer):
    assert login(client, assigned_reviewer).post(SETTINGS_PAGE, everything_but("hold")).status_code == 302
    workflow.perform("hold", assigned, actor=editor_user, note="Waiting.")
    assert not email_deliveries().exists()
    workflow.perform("resume", assigned, actor=editor_user)
    [delivery] = email_deliveries()
    assert (delivery.event, delivery.payload["to"]) == ("resume", ["reviewer1@example.org"])


def test_each_reviewer_sees_and_saves_only_their_own_choices(assigned_reviewer, other_reviewer):
    first, second = Client(), Client()
    first.force_login(assigned_reviewer)
    second.force_login(other_reviewer)
    assert first.post(SETTINGS_PAGE, everything_but("hold", "resume")).status_code == 302
    mine = {**dict.fromkeys(EMAILED, True), "hold": False, "resume": False}
    assert checkboxes(first.get(SETTINGS_PAGE)) == mine
    assert checkboxes(second.get(SETTINGS_PAGE)) == dict.fromkeys(EMAILED, True)  # not reviewer1's

    # reviewer2 saves (a user field smuggled in is ignored): only reviewer2's choices change.
    response = second.post(SETTINGS_PAGE, {**everything_but("assign"), "user": assigned_reviewer.pk})
    assert response.status_code == 302
    assert checkboxes(second.get(SETTINGS_PAGE)) == {**dict.fromkeys(EMAILED, True), "assign": False}
    assert checkboxes(first.get(SETTINGS_PAGE)) == mine
    assert {k: v for k, v in notifications.email_choices(assigned_reviewer).items() if k in EMAILED} == mine
    assert set(NotificationPreference.objects.filter(email=False).values_list("user__username", "action")) == {
        ("reviewer1", "hold"),
        ("reviewer1", "resume"),
        ("reviewer2", "assign"),
    }


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_cms_service_account_cannot_use_the_page(client, cms_user, method):
    response = getattr(login(client, cms_user), method)(SETTINGS_PAGE, everything_but("submit"))
    assert response.status_code == 403
    assert not NotificationPreference.objects.exists()


@pytest.mark.parametrize("method", ["get", "post"])
def test_someone_in_no_desk_role_cannot_use_the_page(client, outsider, method):
    response = getattr(login(client, outsider), method)(SETTINGS_PAGE, everything_but("submit"))
    assert response.status_code == 403
    assert not NotificationPreference.objects.exists()


@pytest.mark.parametrize("method", ["get", "post"])
def test_an_anonymous_visitor_is_sent_to_the_login_page(client, db, method):
    data = everything_but("submit") if method == "post" else None
    response = getattr(client, method)(SETTINGS_PAGE, data)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={SETTINGS_PAGE}"
    assert not NotificationPreference.objects.exists()


def test_a_person_without_an_email_address_is_warned(client, editor_user):
    get_user_model().objects.filter(pk=editor_user.pk).update(email="")
    response = login(client, editor_user).get(SETTINGS_PAGE)
    assert response.status_code == 200 and b"has no email address" in response.content
