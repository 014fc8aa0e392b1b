"""The webhook admin: the delivery and endpoint changelists, their actions and their query counts."""

import uuid
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from factcheck import webhooks
from factcheck.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint

from .webhook_receiver import Receiver, State, closed_port_url, make_endpoint, queue_one
from .webhook_receiver import approved as approved  # a pytest fixture, imported so that pytest finds it

# --- Admin ------------------------------------------------------------------------------------


@pytest.fixture
def chief_client(client, db):
    chief = get_user_model().objects.create_superuser("chief", "chief@example.org", "pass-for-tests")
    client.force_login(chief)
    return client


def _messages(response):
    return " ".join(str(m) for m in get_messages(response.wsgi_request))


DELIVERIES = reverse("admin:factcheck_webhookdelivery_changelist")


def _many_deliveries(approved, count):
    endpoint = make_endpoint(closed_port_url(), name=f"cms-{count}")
    for _ in range(count):
        delivery = WebhookDelivery.objects.create(endpoint=endpoint, event="verdict.published", payload={"a": 1})
        WebhookAttempt.objects.create(delivery=delivery, response_code=503, duration_ms=12, error="busy")


def test_the_delivery_changelist_query_count_does_not_grow_with_rows(chief_client, approved, django_assert_num_queries):
    _many_deliveries(approved, 1)
    # session, user, count (filtered), count (total), page with endpoint and last code, endpoint filter
    with django_assert_num_queries(6) as small:
        response = chief_client.get(DELIVERIES)
    assert response.content.count(b'class="action-select"') == 1 and b"503" in response.content
    _many_deliveries(approved, 19)
    with django_assert_num_queries(len(small.captured_queries)):
        response = chief_client.get(DELIVERIES)
    assert response.content.count(b'class="action-select"') == 20


def test_the_endpoint_changelist_query_count_does_not_grow_with_rows(chief_client, db, django_assert_num_queries):
    url = reverse("admin:factcheck_webhookendpoint_changelist")
    make_endpoint()
    with django_assert_num_queries(5) as small:
        chief_client.get(url)
    for n in range(20):
        make_endpoint(name=f"cms{n}")
    with django_assert_num_queries(len(small.captured_queries)):
        response = chief_client.get(url)
    assert response.status_code == 200


def test_the_redeliver_action(chief_client, approved, django_capture_on_commit_callbacks):
    with Receiver(400, 200) as receiver:
        make_endpoint(receiver.url)
        delivery = webhooks.attempt(queue_one(approved).delivery_id)
        assert delivery.state == State.FAILED
        with django_capture_on_commit_callbacks(execute=True):  # the task, once wired, runs on commit
            response = chief_client.post(
                DELIVERIES, {"action": "redeliver", "_selected_action": [delivery.pk]}, follow=True
            )
    assert f"Redelivered 1 deliveries: {str(delivery.delivery_id)[:8]} (" in _messages(response)
    delivery.refresh_from_db()
    assert delivery.state == State.DELIVERED and len(receiver.requests) == 2
    assert "requested by chief" in WebhookAttempt.objects.get(delivery=delivery, duration_ms__isnull=True).error

    page = chief_client.get(reverse("admin:factcheck_webhookdelivery_change", args=[delivery.pk]))
    assert page.status_code == 200 and b"refused it (400)" in page.content and b"requested by chief" in page.content


def test_the_attempt_now_action(chief_client, approved, django_capture_on_commit_callbacks):
    with Receiver(200) as receiver:
        make_endpoint(receiver.url)
        waiting = queue_one(approved)
        WebhookDelivery.objects.filter(pk=waiting.pk).update(
            attempts=3, next_attempt_at=timezone.now() + timedelta(hours=1)
        )
        done = WebhookDelivery.objects.create(
            endpoint=waiting.endpoint, event="verdict.published", payload={}, state=State.DELIVERED,
            delivered_at=timezone.now(),
        )  # fmt: skip
        with django_capture_on_commit_callbacks(execute=True):
            response = chief_client.post(
                DELIVERIES, {"action": "attempt_now", "_selected_action": [waiting.pk, done.pk]}, follow=True
            )
    text = _messages(response)
    assert f"Attempted 1 deliveries: {str(waiting.delivery_id)[:8]} (" in text
    waiting.refresh_from_db()
    assert (waiting.state, waiting.attempts) == (State.DELIVERED, 4)
    assert f"{str(done.delivery_id)[:8]}: not pending (redeliver it)" in text
    assert len(receiver.requests) == 1


def test_an_endpoint_is_added_with_checkboxes_and_its_secret_shown_once(chief_client, db):
    add = reverse("admin:factcheck_webhookendpoint_add")
    form = chief_client.get(add)
    assert b'type="checkbox" name="events" value="verdict.corrected"' in form.content
    assert b'name="secret"' not in form.content  # generated, shown after saving
    response = chief_client.post(
        add,
        {"name": "CMS", "url": "https://cms.example/hooks", "events": ["verdict.published", "claim.returned"],
         "active": "on"},
        follow=True,
    )  # fmt: skip
    endpoint = WebhookEndpoint.objects.get()
    assert endpoint.events == ["verdict.published", "claim.returned"]
    assert endpoint.secret in _messages(response)
    change = chief_client.get(reverse("admin:factcheck_webhookendpoint_change", args=[endpoint.pk]))
    assert endpoint.secret.encode() not in change.content and endpoint.secret[-4:].encode() in change.content

    old = endpoint.secret
    rotated = chief_client.post(
        reverse("admin:factcheck_webhookendpoint_changelist"),
        {"action": "rotate_secret", "_selected_action": [endpoint.pk]},
        follow=True,
    )
    endpoint.refresh_from_db()
    assert endpoint.secret != old and endpoint.secret in _messages(rotated)


def test_deliveries_cannot_be_added_by_hand(chief_client, db):
    assert chief_client.get(reverse("admin:factcheck_webhookdelivery_add")).status_code == 403


def test_an_unknown_delivery_id_searched_for_is_no_error(chief_client, db):
    assert chief_client.get(DELIVERIES, {"q": "not-a-uuid"}).status_code == 200
    assert chief_client.get(DELIVERIES, {"q": str(uuid.uuid4())}).status_code == 200
