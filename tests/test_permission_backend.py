"""A person's permissions in one statement (factcheck/security/permissions.py, issue 14): the same
answers as Django's ModelBackend, one query, and sign-in and sessions untouched."""

import pytest
from django.contrib.auth import backends, get_user_model
from django.contrib.auth.models import AnonymousUser, Group, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext

from factcheck import roles
from factcheck.security.permissions import OneQueryPermissions

User = get_user_model()


def _django(user) -> set[str]:
    fresh = User.objects.get(pk=user.pk) if user.pk else user
    return backends.ModelBackend().get_all_permissions(fresh)


def _ours(user) -> set[str]:
    fresh = User.objects.get(pk=user.pk) if user.pk else user
    return OneQueryPermissions().get_all_permissions(fresh)


@pytest.fixture
def people(db, editor_user, assigned_reviewer, outsider):
    own = User.objects.create_user("own-permission")
    own.user_permissions.add(Permission.objects.get(codename="approve_verdict"))
    both = User.objects.create_user("both")
    both.groups.add(Group.objects.get(name=roles.REVIEWERS), Group.objects.get(name=roles.EDITORS))
    both.user_permissions.add(Permission.objects.get(codename="approve_verdict"))  # also through Editors
    gone = User.objects.create_user("gone", is_active=False)
    gone.groups.add(Group.objects.get(name=roles.EDITORS))
    boss = User.objects.create_superuser("boss")
    return [editor_user, assigned_reviewer, outsider, own, both, gone, boss]


def test_the_same_permissions_as_djangos_backend(people):
    for person in people[:-1]:
        assert _ours(person) == _django(person), person.username
        assert User.objects.get(pk=person.pk).get_all_permissions() == _django(person)  # through both backends
    assert "factcheck.approve_verdict" in _ours(people[3])  # a permission of one's own
    assert "factcheck.triage_claim" in _ours(people[0])  # through a group
    assert _ours(people[5]) == set()  # inactive
    assert _ours(AnonymousUser()) == set()
    boss = User.objects.get(pk=people[6].pk)  # a superuser: every permission, as Django's backend says
    assert _ours(boss) == set() and len(boss.get_all_permissions()) == Permission.objects.count()
    assert boss.has_perm("factcheck.approve_verdict") and boss.has_module_perms("factcheck")


def test_one_query_then_none_for_the_rest_of_the_request(editor_user):
    person = User.objects.get(pk=editor_user.pk)
    with CaptureQueriesContext(connection) as queries:
        assert roles.can_triage(person) and roles.can_approve(person) and roles.can_review(person)
        assert not person.has_perm("factcheck.no_such_permission")
    assert len(queries) == 1  # Django's ModelBackend, listed after, reads the cache this one filled


def test_a_change_shows_on_the_next_request(editor_user):
    """Nothing is kept between requests: a person taken out of a group loses its permissions at once."""
    assert roles.can_triage(User.objects.get(pk=editor_user.pk))
    editor_user.groups.clear()
    assert not roles.can_triage(User.objects.get(pk=editor_user.pk))


def test_module_permissions_for_the_admin(editor_user, outsider):
    assert User.objects.get(pk=editor_user.pk).has_module_perms("factcheck")
    assert not OneQueryPermissions().has_module_perms(User.objects.get(pk=outsider.pk), "factcheck")


def test_signs_nobody_in_and_sessions_keep_djangos_backend(client, db):
    User.objects.create_user("signer", password="a long enough password 1")
    assert OneQueryPermissions().authenticate(None, username="signer", password="a long enough password 1") is None
    assert not hasattr(OneQueryPermissions(), "get_user")  # never the backend of a session
    answer = client.post("/accounts/login/", {"username": "signer", "password": "a long enough password 1"})
    assert answer.status_code == 302
    assert client.session["_auth_user_backend"] == "django.contrib.auth.backends.ModelBackend"
    client.logout()
    client.force_login(User.objects.get(username="signer"))  # the tests' way in takes Django's too
    assert client.session["_auth_user_backend"] == "django.contrib.auth.backends.ModelBackend"
