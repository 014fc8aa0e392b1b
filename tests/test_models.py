"""What the database itself refuses, whatever code tries."""

import pytest
from django.db import IntegrityError, transaction

from factcheck.models import Article, Assignment, Claim, Event, Verdict

from .factories import ArticleFactory


def test_one_article_per_url(db):
    ArticleFactory(url="https://example.org/story")
    with pytest.raises(IntegrityError), transaction.atomic():
        ArticleFactory(url="https://example.org/story")
    # Articles without a URL do not collide with each other.
    ArticleFactory(url="")
    ArticleFactory(url="")


def test_one_article_per_content_hash_blind_to_whitespace_and_case(db):
    ArticleFactory(body="The resistance is still all over the valley.")
    with pytest.raises(IntegrityError), transaction.atomic():
        ArticleFactory(body="  the RESISTANCE is still\n all over the valley. ")
    assert Article.objects.count() == 1


def test_a_claim_span_must_lie_inside_the_article(article):
    length = len(article.body)
    with pytest.raises(IntegrityError), transaction.atomic():
        Claim.objects.create(article=article, text="x", span_start=length - 1, span_end=length + 5)
    with pytest.raises(IntegrityError), transaction.atomic():
        Claim.objects.create(article=article, text="x", span_start=7, span_end=3)
    claim = Claim.objects.create(article=article, text="x", span_start=0, span_end=length)
    with pytest.raises(IntegrityError), transaction.atomic():
        Claim.objects.filter(pk=claim.pk).update(span_end=length + 1)


def test_one_open_assignment_per_reviewer_and_claim(make_claim, assigned_reviewer, editor_user):
    claim = make_claim(Claim.Status.ASSIGNED)
    with pytest.raises(IntegrityError), transaction.atomic():
        Assignment.objects.create(claim=claim, reviewer=assigned_reviewer, assigned_by=editor_user)


def test_the_database_refuses_a_verdict_approved_by_its_author(make_claim, assigned_reviewer):
    claim = make_claim(Claim.Status.SUBMITTED)
    with pytest.raises(IntegrityError), transaction.atomic():
        Verdict.objects.filter(claim=claim).update(approved_by=assigned_reviewer)


def test_events_are_append_only(make_claim):
    claim = make_claim(Claim.Status.FLAGGED)
    event = claim.events.first()
    event.note = "rewritten history"
    with pytest.raises(TypeError):
        event.save()
    with pytest.raises(TypeError):
        event.delete()
    with pytest.raises(TypeError):
        Event.objects.filter(claim=claim).update(note="x")
    with pytest.raises(TypeError):
        Event.objects.filter(claim=claim).delete()
