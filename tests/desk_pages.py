"""Driving the desk's pages with the test client: the kinds of person, logging in, posting an
action or a flag, and reading back the messages and the claim's state."""

import pytest
from django.contrib.messages import get_messages

from factcheck.models import Claim

from .factories import ArticleFactory

S = Claim.Status
ACTORS = ["editor_user", "assigned_reviewer", "other_reviewer", "outsider", "anonymous"]
EDITOR, ASSIGNED, OTHER, OUTSIDER, ANON = ACTORS
FLAG_BODY = (
    "  The valley is free.  \n   \nTaliban said: “Panjshir was conquered.” Nobody agreed.\nFinal 🚩 line with emoji."
)


# --- helpers ---------------------------------------------------------------
def login(client, user):
    if user.is_authenticated:
        client.force_login(user)
    return user


def messages_of(response):
    return [(m.level_tag, str(m)) for m in get_messages(response.wsgi_request)]


def state(claim):
    claim.refresh_from_db()
    return claim.status, claim.events.count(), claim.evidence.count(), claim.comments.count()


def post_action(client, claim, action, data=None):
    return client.post(f"/claims/{claim.pk}/{action}/", data or {})


def flag(client, article, **data):
    return client.post(f"/articles/{article.pk}/flag/", {"kind": "statement", "priority": 2, **data})


@pytest.fixture
def flag_article(db):
    return ArticleFactory(body=FLAG_BODY)
