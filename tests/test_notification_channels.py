"""Notifications through the outbox: Slack-compatible chat channels (against real HTTP receivers
on 127.0.0.1), emails with their retries, each person's email choices (/account/notifications/)
and the admin of channels and the outbox. Retries are driven by calling ``deliver_due`` with a
``now`` in the future: nothing sleeps."""

import json
import re
import smtplib
from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.messages import get_messages
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.mail.backends.base import BaseEmailBackend
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from factcheck import notifications, webhooks, workflow
from factcheck.models import (
    Claim,
    NotificationChannel,
    NotificationPreference,
    Rating,
    WebhookAttempt,
    WebhookDelivery,
)

from .api_clients import cms_user as cms_user  # a pytest fixture, imported so that pytest finds it
from .conftest import QUOTE, ClaimMaker
from .factories import ArticleFactory
from .webhook_receiver import Receiver, closed_port_url

S = Claim.Status
State = WebhookDelivery.State
Transport = WebhookDelivery.Transport
EMAILED = ["return", "submit", "correct", "assign", "hold", "resume"]  # the actions with an audience
SETTINGS_PAGE = "/account/notifications/"
DELIVERIES = reverse("admin:factcheck_webhookdelivery_changelist")


def make_channel(url="http://127.0.0.1:9/unused", events=("approve",), active=True, name="Desk room"):
    return NotificationChannel.objects.create(name=name, url=url, events=list(events), active=active)


def claim_link(claim) -> str:
    return f"{settings.SITE_URL}/claims/{claim.pk}/"


def chat_deliveries():
    return WebhookDelivery.objects.filter(transport=Transport.CHAT)


def email_deliveries():
    return WebhookDelivery.objects.filter(transport=Transport.EMAIL).order_by("id")


def attempts_of(delivery) -> list[WebhookAttempt]:
    return list(WebhookAttempt.objects.filter(delivery=delivery, duration_ms__isnull=False).order_by("at", "id"))


def texts_of(receiver) -> list[str]:
    return [json.loads(body)["text"] for _, body in receiver.requests]


def clear_outbox():
    """Set aside what the setup's own transitions queued (never sent: their commit never came)."""
    WebhookDelivery.objects.all().delete()
    mail.outbox.clear()


@pytest.fixture
def submitted(make_claim) -> Claim:
    """A verdict by reviewer1 waiting for approval, with an empty outbox."""
    claim = make_claim(S.SUBMITTED)
    clear_outbox()
    return claim


@pytest.fixture
def assigned(make_claim) -> Claim:
    """A claim assigned to reviewer1, with an empty outbox."""
    claim = make_claim(S.ASSIGNED)
    clear_outbox()
    return claim


# --- Chat channels: the message -------------------------------------------------------------------


def test_a_loopback_receiver_gets_a_slack_format_message_when_a_verdict_is_published(
    make_claim, editor_user, rating, django_capture_on_commit_callbacks
):
    with Receiver(200) as receiver:
        channel = make_channel(receiver.url, events=["approve"])
        claim = make_claim(S.SUBMITTED)  # written by reviewer1
        assert not chat_deliveries().exists()  # assigning and submitting are not what it subscribes to
        with django_capture_on_commit_callbacks(execute=True):
            workflow.verdict_approve(claim, actor=editor_user)

    assert len(receiver.requests) == 1
    headers, body = receiver.requests[0]
    assert headers["Content-Type"] == "application/json"
    message = json.loads(body.decode("utf-8"))
    assert set(message) == {"text"} and isinstance(message["text"], str)
    text = message["text"]
    assert rating.label == "Unverifiable" and "Verdict published: Unverifiable" in text
    assert f"“{QUOTE}”" in text
    assert claim_link(claim) in text and claim_link(claim).startswith(("http://", "https://"))
    assert f"claim #{claim.pk}" in text and "(by editor1)" in text

    [delivery] = chat_deliveries()
    assert (delivery.transport, delivery.channel, delivery.endpoint) == (Transport.CHAT, channel, None)
    assert (delivery.state, delivery.attempts, delivery.event) == (State.DELIVERED, 1, "approve")
    assert delivery.delivered_at is not None and delivery.claim_id == claim.pk
    assert delivery.payload == message  # what was frozen in the outbox is what was sent
    # Unsigned, but with the event and the id a receiver dedupes on.
    assert headers["X-Factcheck-Event"] == "approve"
    assert headers["X-Factcheck-Delivery"] == str(delivery.delivery_id)
    assert "X-Factcheck-Signature" not in headers and "X-Factcheck-Timestamp" not in headers
    assert [a.response_code for a in attempts_of(delivery)] == [200]


def test_channels_get_only_the_events_they_subscribe_to(
    make_claim, editor_user, assigned_reviewer, rating, django_capture_on_commit_callbacks
):
    with Receiver(200) as on_approve, Receiver(200) as on_submit, Receiver(200) as inactive:
        approve_room = make_channel(on_approve.url, events=["approve"], name="approvals")
        submit_room = make_channel(on_submit.url, events=["submit"], name="submissions")
        make_channel(inactive.url, events=["approve", "submit"], active=False, name="archived")
        make_channel(events=[], name="silent")
        claim = make_claim(S.ASSIGNED)
        clear_outbox()

        with django_capture_on_commit_callbacks(execute=True):
            workflow.verdict_submit(claim, actor=assigned_reviewer, rating=rating, summary="Checked.")
        assert len(on_approve.requests) == 0 and len(on_submit.requests) == 1
        assert texts_of(on_submit)[0].startswith(f"Submitted on claim #{claim.pk} “{QUOTE}” (by reviewer1)")

        with django_capture_on_commit_callbacks(execute=True):
            workflow.verdict_approve(claim, actor=editor_user)
        assert len(on_approve.requests) == 1 and len(on_submit.requests) == 1  # nothing new on approve

    assert inactive.requests == []
    assert sorted(chat_deliveries().values_list("channel__name", "event")) == [
        ("approvals", "approve"),
        ("submissions", "submit"),
    ]
    assert {d.channel for d in chat_deliveries()} == {approve_room, submit_room}
    assert set(chat_deliveries().values_list("state", flat=True)) == {State.DELIVERED}


def test_an_inactive_channel_gets_nothing(submitted, editor_user, django_capture_on_commit_callbacks):
    with Receiver(200) as receiver:
        make_channel(receiver.url, events=["approve"], active=False)
        with django_capture_on_commit_callbacks(execute=True):
            workflow.verdict_approve(submitted, actor=editor_user)
    assert receiver.requests == [] and not chat_deliveries().exists()


def test_a_corrections_approval_says_correction_published(
    make_claim, editor_user, second_editor, django_capture_on_commit_callbacks
):
    claim = make_claim(S.PUBLISHED)
    false = Rating.objects.get(slug="false")
    workflow.verdict_correct(claim, actor=editor_user, rating=false, summary="A photo shows it.", reason="New photo.")
    clear_outbox()
    with Receiver(200) as receiver:
        make_channel(receiver.url, events=["approve"])
        with django_capture_on_commit_callbacks(execute=True):
            workflow.verdict_approve(claim, actor=second_editor)  # not the correction's author
    [text] = texts_of(receiver)
    assert text.startswith(f"Correction published: False on claim #{claim.pk} “{QUOTE}” (by editor2)")
    assert "Verdict published" not in text and claim_link(claim) in text


def test_a_note_is_part_of_the_chat_message(assigned, editor_user, django_capture_on_commit_callbacks):
    with Receiver(200) as receiver:
        make_channel(receiver.url, events=["hold"])
        with django_capture_on_commit_callbacks(execute=True):
            workflow.perform("hold", assigned, actor=editor_user, note="Waiting for the ministry.")
    [text] = texts_of(receiver)
    assert text == (
        f"Put on hold on claim #{assigned.pk} “{QUOTE}” (by editor1)\nNote: Waiting for the ministry.\n"
        f"{claim_link(assigned)}"
    )


def test_slack_control_characters_in_a_claim_are_escaped(
    editor_user, assigned_reviewer, rating, django_capture_on_commit_callbacks
):
    quote = "Tell <!channel> to read <https://evil.example|the report> & share it."
    article = ArticleFactory(body=f"A post said: {quote} It spread fast.")
    claim = ClaimMaker(article, editor_user, assigned_reviewer, rating)(S.SUBMITTED, text=quote)
    assert claim.text == quote
    clear_outbox()
    with Receiver(200) as receiver:
        make_channel(receiver.url, events=["approve"])
        with django_capture_on_commit_callbacks(execute=True):
            workflow.verdict_approve(claim, actor=editor_user)
    [text] = texts_of(receiver)
    assert "<!channel>" not in text and "<https://evil.example|" not in text
    assert "&lt;!channel&gt;" in text and "&amp; share it" in text


# --- Chat channels: retries, like CMS webhooks ----------------------------------------------------


def test_a_failed_chat_send_is_recorded_and_retried_until_delivered(
    submitted, editor_user, django_capture_on_commit_callbacks
):
    with Receiver(500, 200) as receiver:
        make_channel(receiver.url)
        before = timezone.now()
        with django_capture_on_commit_callbacks(execute=True):
            workflow.verdict_approve(submitted, actor=editor_user)
        [delivery] = chat_deliveries()
        assert (delivery.state, delivery.attempts) == (State.PENDING, 1)
        assert delivery.next_attempt_at > before + timedelta(seconds=29)  # in the future: the first retry delay
        [failed] = attempts_of(delivery)
        assert failed.response_code == 500 and "500" in failed.error and "answer." in failed.error

        assert webhooks.deliver_due(now=timezone.now()) == 0  # not due yet
        assert webhooks.deliver_due(now=delivery.next_attempt_at) == 1
        assert webhooks.deliver_due(now=delivery.next_attempt_at + timedelta(days=2)) == 0  # done

    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts) == (State.DELIVERED, 2) and delivery.delivered_at is not None
    assert [a.response_code for a in attempts_of(delivery)] == [500, 200]
    # Both attempts sent the same message with the same id.
    assert len({body for _, body in receiver.requests}) == 1 and len(receiver.requests) == 2
    assert {h["X-Factcheck-Delivery"] for h, _ in receiver.requests} == {str(delivery.delivery_id)}
    assert list(receiver.processed) == [str(delivery.delivery_id)]


def test_a_chat_channel_that_is_down_keeps_its_message_pending_then_gets_it(
    submitted, editor_user, django_capture_on_commit_callbacks
):
    channel = make_channel(closed_port_url())
    with django_capture_on_commit_callbacks(execute=True):
        workflow.verdict_approve(submitted, actor=editor_user)
    [delivery] = chat_deliveries()
    now = timezone.now()
    for number in (1, 2, 3):
        delivery.refresh_from_db()
        assert (delivery.state, delivery.attempts) == (State.PENDING, number)
        assert delivery.next_attempt_at > now
        now = delivery.next_attempt_at
        if number < 3:
            assert webhooks.deliver_due(now=now) == 1
    log = attempts_of(delivery)
    assert len(log) == 3 and all(a.response_code is None and "Could not connect" in a.error for a in log)

    with Receiver(200) as receiver:  # the room is back, at a new address
        NotificationChannel.objects.filter(pk=channel.pk).update(url=receiver.url)
        assert webhooks.deliver_due(now=now) == 1
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts) == (State.DELIVERED, 4)
    assert texts_of(receiver) == [delivery.payload["text"]]


def test_a_chat_message_refused_by_the_room_fails_at_once(submitted, editor_user, django_capture_on_commit_callbacks):
    with Receiver(404) as receiver:
        make_channel(receiver.url)
        with django_capture_on_commit_callbacks(execute=True):
            workflow.verdict_approve(submitted, actor=editor_user)
    [delivery] = chat_deliveries()
    assert (delivery.state, delivery.attempts, len(receiver.requests)) == (State.FAILED, 1, 1)
    assert "refused it (404); not retried" in attempts_of(delivery)[0].error


def test_a_channel_deactivated_after_queuing_is_not_sent_to(submitted, editor_user, django_capture_on_commit_callbacks):
    with Receiver(200) as receiver:
        channel = make_channel(receiver.url)
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            workflow.verdict_approve(submitted, actor=editor_user)
        NotificationChannel.objects.filter(pk=channel.pk).update(active=False)
        for callback in callbacks:
            callback()
    [delivery] = chat_deliveries()
    assert delivery.state == State.FAILED and receiver.requests == []
    assert "inactive" in attempts_of(delivery)[0].error


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


# --- The admin ------------------------------------------------------------------------------------


@pytest.fixture
def chief_client(client, db):
    chief = get_user_model().objects.create_superuser("chief", "chief@example.org", "pass-for-tests")
    client.force_login(chief)
    return client


def _messages(response) -> str:
    return " ".join(str(m) for m in get_messages(response.wsgi_request))


def test_a_channel_is_added_in_the_admin_with_the_ticked_events(chief_client):
    add = reverse("admin:factcheck_notificationchannel_add")
    form = chief_client.get(add)
    assert form.status_code == 200
    for name in ("approve", "submit", "hold"):
        assert f'type="checkbox" name="events" value="{name}"'.encode() in form.content
    for name in ("suggest", "flag"):  # not notifiable
        assert f'name="events" value="{name}"'.encode() not in form.content

    response = chief_client.post(
        add, {"name": "Desk room", "url": "https://hooks.slack.com/services/T0/B0/x", "events": ["approve", "hold"],
              "active": "on"},
    )  # fmt: skip
    assert response.status_code == 302
    channel = NotificationChannel.objects.get()
    assert (channel.name, channel.events, channel.active) == ("Desk room", ["approve", "hold"], True)
    assert channel.subscribes_to("approve") and not channel.subscribes_to("submit")

    listing = chief_client.get(reverse("admin:factcheck_notificationchannel_changelist"))
    assert b"approve, hold" in listing.content


def test_the_admin_refuses_an_unknown_event(chief_client):
    response = chief_client.post(
        reverse("admin:factcheck_notificationchannel_add"),
        {"name": "Room", "url": "https://chat.example/hook", "events": ["approve", "publish"], "active": "on"},
    )
    assert response.status_code == 200 and b"publish is not one of the available choices" in response.content
    assert not NotificationChannel.objects.exists()


@pytest.mark.parametrize(
    "events", [["approve", "publish"], ["verdict.published"], ["suggest"], "approve", [1], {"approve": True}]
)
def test_model_validation_refuses_unknown_events(db, events):
    channel = NotificationChannel(name="Room", url="https://chat.example/hook", events=events)
    with pytest.raises(ValidationError) as refused:
        channel.full_clean()
    assert "events" in refused.value.message_dict


def test_model_validation_accepts_every_notifiable_event_and_none(db):
    NotificationChannel(name="All", url="https://chat.example/hook", events=EMAILED + ["approve"]).full_clean()
    NotificationChannel(name="None", url="https://chat.example/hook", events=[]).full_clean()


def test_redeliver_in_the_admin_works_for_a_chat_message(
    chief_client, submitted, editor_user, django_capture_on_commit_callbacks
):
    with Receiver(400, 200) as receiver:
        make_channel(receiver.url)
        with django_capture_on_commit_callbacks(execute=True):
            workflow.verdict_approve(submitted, actor=editor_user)
        [delivery] = chat_deliveries()
        assert delivery.state == State.FAILED
        with django_capture_on_commit_callbacks(execute=True):
            response = chief_client.post(
                DELIVERIES, {"action": "redeliver", "_selected_action": [delivery.pk]}, follow=True
            )
    assert f"Redelivered 1 deliveries: {str(delivery.delivery_id)[:8]} (" in _messages(response)
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts) == (State.DELIVERED, 1)
    assert len(receiver.requests) == 2 and len({body for _, body in receiver.requests}) == 1
    assert {h["X-Factcheck-Delivery"] for h, _ in receiver.requests} == {str(delivery.delivery_id)}
    assert "requested by chief" in WebhookAttempt.objects.get(delivery=delivery, duration_ms__isnull=True).error

    page = chief_client.get(reverse("admin:factcheck_webhookdelivery_change", args=[delivery.pk]))
    assert page.status_code == 200 and b"refused it (400)" in page.content and b"Desk room" in page.content


def test_redeliver_in_the_admin_works_for_an_email(chief_client, assigned, assigned_reviewer, rating, second_editor):
    workflow.verdict_submit(assigned, actor=assigned_reviewer, rating=rating, summary="Checked.")
    assert webhooks.deliver_due() == email_deliveries().count()  # each approver gets their own email
    delivery = email_deliveries().get(payload__to__0="editor1@example.org")
    assert delivery.state == State.DELIVERED
    mail.outbox.clear()
    chief_client.post(DELIVERIES, {"action": "redeliver", "_selected_action": [delivery.pk]})
    # The task runs after the commit, which never comes in this test: the sweep sends it.
    assert webhooks.deliver_due() == 1
    delivery.refresh_from_db()
    assert delivery.state == State.DELIVERED
    [message] = mail.outbox
    assert message.subject == delivery.payload["subject"]


def _many_deliveries(count: int, claim) -> None:
    channel = make_channel(closed_port_url(), name=f"room-{count}")
    for n in range(count):
        chat = WebhookDelivery.objects.create(
            transport=Transport.CHAT, channel=channel, event="approve", claim=claim, payload={"text": "hi"}
        )
        WebhookAttempt.objects.create(delivery=chat, response_code=503, duration_ms=12, error="busy")
        email = WebhookDelivery.objects.create(
            transport=Transport.EMAIL, event="submit", claim=claim,
            payload={"subject": "s", "body": "b", "to": [f"person{count}-{n}@example.org"]},
        )  # fmt: skip
        WebhookAttempt.objects.create(delivery=email, duration_ms=3, error="The mail server refused or failed")


def test_the_outbox_changelist_shows_chat_and_email_deliveries_with_their_receiver(chief_client, submitted):
    _many_deliveries(1, submitted)
    response = chief_client.get(DELIVERIES)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('class="action-select"') == 2
    assert "Chat channel" in html and "Email" in html
    assert "room-1" in html and "person1-0@example.org" in html
    assert "503" in html

    only_chat = chief_client.get(DELIVERIES, {"transport__exact": "chat"}).content.decode()
    assert only_chat.count('class="action-select"') == 1 and "person1-0@example.org" not in only_chat


def test_the_outbox_changelist_query_count_does_not_grow_with_rows(chief_client, submitted, django_assert_num_queries):
    _many_deliveries(1, submitted)
    with django_assert_num_queries(6) as small:
        response = chief_client.get(DELIVERIES)
    assert response.content.count(b'class="action-select"') == 2
    _many_deliveries(19, submitted)
    with django_assert_num_queries(len(small.captured_queries)):
        response = chief_client.get(DELIVERIES)
    assert response.content.count(b'class="action-select"') == 40
    html = response.content.decode()
    assert "room-19" in html and "person19-18@example.org" in html


def test_the_outbox_change_page_of_an_email_shows_its_body(chief_client, assigned, assigned_reviewer, rating):
    workflow.verdict_submit(assigned, actor=assigned_reviewer, rating=rating, summary="Checked.")
    delivery = email_deliveries().get(payload__to__0="editor1@example.org")
    page = chief_client.get(reverse("admin:factcheck_webhookdelivery_change", args=[delivery.pk]))
    assert page.status_code == 200
    assert b"Verdict awaiting approval" in page.content and b"editor1@example.org" in page.content


def test_a_chat_message_is_queued_in_the_transitions_transaction_and_sent_only_after_the_commit(
    submitted, editor_user, django_capture_on_commit_callbacks
):
    with Receiver(200) as receiver:
        make_channel(receiver.url, events=["approve"])
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            workflow.verdict_approve(submitted, actor=editor_user)
        [delivery] = chat_deliveries()
        assert (delivery.state, delivery.attempts, receiver.requests) == (State.PENDING, 0, [])
        assert delivery.payload["text"].startswith(f"Verdict published: Unverifiable on claim #{submitted.pk}")
        assert len(callbacks) == 1  # the send, after the commit (none for a rollback)
