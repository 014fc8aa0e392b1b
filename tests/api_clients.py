"""API clients for each kind of account (the CMS by token), the error shape every failure has,
and an article as a CMS pushes it."""

import pytest
from django.contrib.auth.models import Group
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from factcheck import roles
from factcheck.models import Claim

from .factories import UserFactory

S = Claim.Status
ACTORS = ["editor", "assigned_reviewer", "other_reviewer", "cms", "outsider", "anonymous"]


@pytest.fixture
def cms_user(db):
    user = UserFactory(username="cms")
    user.groups.add(Group.objects.get(name=roles.CMS))
    return user


@pytest.fixture
def api(request, editor_user, assigned_reviewer, other_reviewer, cms_user, outsider):
    """api(name) -> an APIClient authenticated as that person (the CMS by token)."""

    def make(name: str) -> APIClient:
        client = APIClient()
        if name == "cms":
            client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=cms_user)[0].key}")
        elif name != "anonymous":
            people = {
                "editor": editor_user,
                "assigned_reviewer": assigned_reviewer,
                "other_reviewer": other_reviewer,
                "outsider": outsider,
            }
            client.force_authenticate(people[name])
        return client

    return make


def _error(response) -> dict:
    body = response.json()
    assert set(body) == {"error"} and body["error"]["message"], body
    return body["error"]


ARTICLE = {
    "title": "Minister claims record turnout",
    "body": "The minister said turnout was 80 percent, a record, according to officials.",
    "url": "https://news.example.org/turnout?utm_source=cms",
    "external_id": "cms-77",
    "outlet": "Example News",
    "published_at": "2021-09-06T10:00:00Z",
}
