"""Notifications to Slack-compatible chat channels through the outbox (against real HTTP receivers
on 127.0.0.1): the message, the events a channel subscribes to, and the retries. Retries are driven
by calling ``deliver_due`` with a ``now`` in the future: nothing sleeps."""

import json
from datetime import timedelta

from django.utils import timezone

from factcheck import webhooks, workflow
from factcheck.models import NotificationChannel, Rating

from .conftest import QUOTE, ClaimMaker
from .factories import ArticleFactory
from .notification_helpers import (
    S,
    State,
    Transport,
    attempts_of,
    chat_deliveries,
    claim_link,
    clear_outbox,
    make_channel,
)
from .notification_helpers import assigned as assigned  # a pytest fixture, imported so that pytest finds it
from .notification_helpers import submitted as submitted  # a pytest fixture, imported so that pytest finds it
from .webhook_receiver import Receiver, closed_port_url


def texts_of(receiver) -> list[str]:
    return [json.loads(body)["text"] for _, body in receiver.requests]


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
