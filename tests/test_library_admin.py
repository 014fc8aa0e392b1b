"""The library's ClaimReview subscriptions in the back office: a feed added there is polled at
once (queued through factcheck.background once the feed is committed), with a message; editing
or pausing one does not poll it."""

from pathlib import Path

import pytest
from django.test import override_settings
from django.urls import reverse

from factcheck import background
from factcheck.library import sources
from factcheck.library.parsing import records_from_file
from factcheck.models import FactCheck, LibraryFeed

SAMPLES = Path(__file__).resolve().parent / "library_samples"
FEED_URL = "https://feeds.example.org/claimreview.json"
DUMMY_TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend", "QUEUES": ["default"]}}


@pytest.fixture
def served(monkeypatch):
    """The feed's address answers the Data Commons sample feed (no network); the addresses read."""
    body = (SAMPLES / "datacommons_feed.json").read_bytes()
    fetched: list[str] = []

    def records_from_url(url):
        fetched.append(url)
        return records_from_file("feed.json", body)

    monkeypatch.setattr(sources, "records_from_url", records_from_url)
    return fetched


def add_feed(admin_client, **fields):
    data = {"name": "Example checks", "url": FEED_URL, "active": "on", **fields}
    if not data["active"]:
        del data["active"]  # an unticked checkbox is not sent
    return admin_client.post(reverse("admin:factcheck_libraryfeed_add"), data, follow=True)


def flashes(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def test_adding_a_feed_polls_it_at_once(admin_client, admin_user, served, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = add_feed(admin_client)
    assert response.status_code == 200 and len(callbacks) == 1
    feed = LibraryFeed.objects.get()
    assert feed.added_by == admin_user and feed.active
    assert any("Polling Example checks now" in m for m in flashes(response))
    assert served == [FEED_URL]
    feed.refresh_from_db()
    assert feed.last_polled_at is not None and feed.last_error == ""
    assert FactCheck.objects.filter(feed=feed, origin=FactCheck.Origin.FEED).count() >= 2


@override_settings(TASKS=DUMMY_TASKS)
def test_the_poll_is_queued_once_the_feed_is_committed(admin_client, served, django_capture_on_commit_callbacks):
    backend = background.task(sources.POLL_TASK).get_backend()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        add_feed(admin_client)
    feed = LibraryFeed.objects.get()
    assert len(callbacks) == 1 and backend.results == []  # nothing queued before the commit
    callbacks[0]()
    [queued] = backend.results
    assert queued.task.name == "poll_library_feed_task" and queued.args == [feed.pk]
    assert served == [] and feed.last_polled_at is None  # queued for a worker, not run here


def test_a_paused_feed_is_not_polled(admin_client, served, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = add_feed(admin_client, active="")
    feed = LibraryFeed.objects.get()
    assert not feed.active and callbacks == [] and served == []
    assert any("Example checks is paused" in m for m in flashes(response))


def test_editing_a_feed_does_not_poll_it(admin_client, served, django_capture_on_commit_callbacks):
    feed = LibraryFeed.objects.create(url=FEED_URL, name="Example checks")
    change = reverse("admin:factcheck_libraryfeed_change", args=[feed.pk])
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = admin_client.post(change, {"name": "Renamed", "url": FEED_URL, "active": "on"}, follow=True)
    assert response.status_code == 200 and callbacks == [] and served == []
    assert LibraryFeed.objects.get().name == "Renamed"
    assert not any("Polling" in m for m in flashes(response))


def test_the_poll_now_action_still_polls_the_selected_feeds(admin_client, served, django_capture_on_commit_callbacks):
    feed = LibraryFeed.objects.create(url=FEED_URL, name="Example checks")
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            reverse("admin:factcheck_libraryfeed_changelist"),
            {"action": "poll_now", "_selected_action": [feed.pk]},
            follow=True,
        )
    assert "Polling 1 feed(s)." in flashes(response)
    assert served == [FEED_URL] and FactCheck.objects.filter(feed=feed).exists()
