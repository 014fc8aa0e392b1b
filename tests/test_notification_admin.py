"""The admin of notifications: chat channels and the events they subscribe to, and the outbox of
chat and email deliveries (listing, change page, redelivering)."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.messages import get_messages
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from factcheck import webhooks, workflow
from factcheck.models import NotificationChannel, WebhookAttempt, WebhookDelivery

from .notification_helpers import EMAILED, State, Transport, chat_deliveries, email_deliveries, make_channel
from .notification_helpers import assigned as assigned  # a pytest fixture, imported so that pytest finds it
from .notification_helpers import submitted as submitted  # a pytest fixture, imported so that pytest finds it
from .webhook_receiver import Receiver, closed_port_url

DELIVERIES = reverse("admin:factcheck_webhookdelivery_changelist")


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
