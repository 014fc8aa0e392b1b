import threading

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.servers.basehttp import ThreadedWSGIServer
from django.test.testcases import LiveServerThread

from factcheck import defaults, workflow
from factcheck.models import Claim, Rating

from .factories import ArticleFactory, UserFactory, editor, reviewer

# Shared helper modules hold asserts too (test modules import them later): let pytest explain their failures.
pytest.register_assert_rewrite(
    "tests.api_clients",
    "tests.desk_pages",
    "tests.webhook_receiver",
    "tests.hold_helpers",
    "tests.notification_helpers",
)

QUOTE = "The resistance is still all over the valley."


class _Answer:
    """A WSGI answer that gives the live server's lock back once it is closed (written out)."""

    def __init__(self, answer, lock: threading.Lock):
        self.answer, self.lock = answer, lock

    def __iter__(self):
        return iter(self.answer)

    def close(self):
        try:
            if hasattr(self.answer, "close"):
                self.answer.close()
        finally:
            self.lock.release()


class _OneRequestAtATime(ThreadedWSGIServer):
    """The live server for the browser tests, answering one request at a time when the test database is
    SQLite in memory. Its threads then share the test's one connection (Django's ``connections_override``),
    and a page that loads several images from views that query (the dashboard's six charts) had them
    run statements on it at once: now and then they hung there. A request holds the lock until its
    answer is written and closed (a streamed CSV queries while it is written). PostgreSQL, or SQLite
    in a file, keeps Django's threads."""

    def set_app(self, application):
        lock = threading.Lock()

        def one_at_a_time(environ, start_response):
            lock.acquire()
            try:
                return _Answer(application(environ, start_response), lock)
            except BaseException:
                lock.release()
                raise

        super().set_app(one_at_a_time)


_DATABASE = settings.DATABASES["default"]
if _DATABASE["ENGINE"] == "django.db.backends.sqlite3" and not (_DATABASE.get("TEST") or {}).get("NAME"):
    LiveServerThread.server_class = _OneRequestAtATime  # the test database is in memory


@pytest.fixture(autouse=True)
def _desk_defaults(request):
    """A transactional test empties every table after itself, the groups and
    the rating scale of the data migration included: put them back first."""
    marker = request.node.get_closest_marker("django_db")
    if marker and marker.kwargs.get("transaction"):
        request.getfixturevalue("transactional_db")
        defaults.install(apps)


@pytest.fixture(autouse=True)
def _fresh_indexes():
    """The in-memory indexes ("Seen before", the fact-check library) follow the database of
    each test, not the rows a previous test left in the process."""
    from factcheck.library import matches
    from factcheck.media import similar

    similar.reset()
    matches.reset()
    yield
    similar.reset()
    matches.reset()


def warm_indexes() -> None:
    """Load the in-memory indexes now, so that a pinned query count measures one request's
    steady state: one indexed MAX(id) each (the first search also counts and loads the rows)."""
    from factcheck.library import matches
    from factcheck.media import similar

    similar.search([("p", 0)])
    matches.search("warm")


@pytest.fixture
def editor_user(db):
    return editor("editor1")


@pytest.fixture
def second_editor(db):
    return editor("editor2")


@pytest.fixture
def assigned_reviewer(db):
    return reviewer("reviewer1")


@pytest.fixture
def other_reviewer(db):
    return reviewer("reviewer2")


@pytest.fixture
def outsider(db):
    """Logged in, but in no desk role."""
    return UserFactory(username="outsider")


@pytest.fixture
def anonymous():
    return AnonymousUser()


@pytest.fixture
def article(db):
    return ArticleFactory()


@pytest.fixture
def rating(db):
    return Rating.objects.get(slug="unverifiable")


class ClaimMaker:
    """Drives a fresh claim through the workflow to the status a test needs."""

    def __init__(self, article, editor, reviewer, rating):
        self.article, self.editor, self.reviewer, self.rating = article, editor, reviewer, rating

    def __call__(self, status: str, text: str = QUOTE) -> Claim:
        claim = workflow.claim_suggest(article=self.article, text=text, kind=Claim.Kind.QUOTE)
        if status == Claim.Status.SUGGESTED:
            return claim
        if status == Claim.Status.DISMISSED:
            return workflow.claim_dismiss(claim, actor=self.editor)
        workflow.claim_accept(claim, actor=self.editor)
        if status == Claim.Status.FLAGGED:
            return claim
        workflow.claim_assign(claim, actor=self.editor, reviewer=self.reviewer)
        if status == Claim.Status.ASSIGNED:
            return claim
        if status == Claim.Status.ON_HOLD:  # held while assigned
            return workflow.perform("hold", claim, actor=self.editor, note="Waiting for the governor's office.")
        workflow.verdict_submit(claim, actor=self.reviewer, rating=self.rating, summary="No evidence either way.")
        if status == Claim.Status.SUBMITTED:
            return claim
        return workflow.verdict_approve(claim, actor=self.editor)


@pytest.fixture
def make_claim(article, editor_user, assigned_reviewer, rating):
    return ClaimMaker(article, editor_user, assigned_reviewer, rating)


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items):
    """Every test is a database test unless it says otherwise, so pytest-django runs all of them
    before the transactional (browser) tests, which empty the tables (groups and ratings
    included): a test that asks for people through request.getfixturevalue is not seen as
    needing the database and would otherwise run after them."""
    for item in items:
        if item.get_closest_marker("django_db") is None:
            item.add_marker(pytest.mark.django_db)
