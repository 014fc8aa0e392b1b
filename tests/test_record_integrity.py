"""Issue 13, point 6: two rules the admin could bypass, now held by the models and the database
(PostgreSQL and SQLite alike): a claim's media is its own article's, and the evidence on record
at an approval never changes; every change of evidence is recorded."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.urls import reverse

from factcheck import contributions, workflow
from factcheck.models import Article, CitedEvidence, Claim, Evidence, EvidenceChange, Media
from factcheck.workflow import Invalid

from .factories import ArticleFactory

S = Claim.Status
SOURCE = {"url": "https://example.org/geolocation", "description": "Satellite comparison"}


def _db_refuses(sql: str, params: list) -> None:
    """The statement is refused by the database: at once (a trigger), or at commit (a deferred
    foreign key; check_constraints runs that check now)."""
    with pytest.raises(IntegrityError), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
        connection.check_constraints()


# --- A claim's media belongs to its article ------------------------------------------------------


@pytest.fixture
def photos(article):
    other = ArticleFactory()
    mine = Media.objects.create(article=article, kind=Media.Kind.IMAGE, url="https://example.org/mine.jpg")
    theirs = Media.objects.create(article=other, kind=Media.Kind.IMAGE, url="https://example.org/theirs.jpg")
    return mine, theirs


def test_the_model_refuses_another_articles_media(make_claim, photos):
    mine, theirs = photos
    claim = make_claim(S.FLAGGED)
    claim.media = mine
    claim.full_clean()
    claim.media = theirs
    with pytest.raises(ValidationError, match="belongs to another article"):
        claim.full_clean()


def test_the_database_refuses_another_articles_media(make_claim, photos):
    mine, theirs = photos
    claim = make_claim(S.FLAGGED)
    Claim.objects.filter(pk=claim.pk).update(media=mine)
    with pytest.raises(IntegrityError), transaction.atomic():
        Claim.objects.filter(pk=claim.pk).update(media=theirs)
    with pytest.raises(IntegrityError), transaction.atomic():
        Claim.objects.create(article=claim.article, text="Another.", media=theirs)
    with pytest.raises(IntegrityError), transaction.atomic():
        Media.objects.filter(pk=mine.pk).update(article=theirs.article)  # the photo may not move away either
    assert Claim.objects.get(pk=claim.pk).media == mine


def test_a_standalone_photos_claim_keeps_its_photo(db, editor_user):
    photo = Media.objects.create(kind=Media.Kind.IMAGE, url="https://example.org/sent.jpg", added_by=editor_user)
    claim = workflow.claim_flag_media(media=photo, actor=editor_user, text="The flag over Bazarak.")
    assert (claim.article, claim.media) == (None, photo)


def test_the_admin_refuses_another_articles_media_with_a_message(client, editor_user, make_claim, photos):
    _, theirs = photos
    claim = make_claim(S.FLAGGED)
    client.force_login(editor_user)
    prefixes = ("verdicts", "assignments", "evidence", "comments", "events")
    response = client.post(
        reverse("admin:factcheck_claim_change", args=[claim.pk]),
        {
            "kind": claim.kind, "attribution": "", "reason": "", "priority": 2, "media": theirs.pk,
            **{f"{p}-TOTAL_FORMS": 0 for p in prefixes}, **{f"{p}-INITIAL_FORMS": 0 for p in prefixes},
        },
    )  # fmt: skip
    assert response.status_code == 200
    assert "belongs to another article" in response.content.decode()
    assert Claim.objects.get(pk=claim.pk).media is None


# --- Evidence on record at an approval ---------------------------------------------------------


@pytest.fixture
def approved(make_claim, editor_user, assigned_reviewer, rating):
    """A claim whose approved verdict stood on one item of evidence."""
    claim = make_claim(S.ASSIGNED)
    workflow.verdict_submit(claim, actor=assigned_reviewer, rating=rating, summary="Unconfirmed.", evidence=[SOURCE])
    workflow.verdict_approve(claim, actor=editor_user)
    return claim


def test_the_database_cites_the_evidence_on_record_at_approval(approved):
    [item] = approved.evidence.all()
    [cited] = CitedEvidence.objects.all()
    assert cited.evidence == item and cited.verdict == approved.verdicts.get()


def test_the_domain_refuses_to_change_or_remove_it_saying_why(approved, editor_user):
    [item] = approved.evidence.all()
    with pytest.raises(Invalid, match="on record when revision 1 of the verdict was approved"):
        contributions.evidence_edit(item, actor=editor_user, url=SOURCE["url"], description="Rewritten.")
    with pytest.raises(Invalid, match="can no longer be changed or removed"):
        contributions.evidence_remove(item, actor=editor_user)
    item.refresh_from_db()
    assert item.description == SOURCE["description"]


def test_the_database_refuses_to_change_or_delete_it(approved):
    [item] = approved.evidence.all()
    _db_refuses("UPDATE factcheck_evidence SET description = %s WHERE id = %s", ["Rewritten.", item.pk])
    _db_refuses("UPDATE factcheck_evidence SET url = %s WHERE id = %s", ["https://example.org/x", item.pk])
    _db_refuses("DELETE FROM factcheck_evidence WHERE id = %s", [item.pk])
    with pytest.raises(IntegrityError), transaction.atomic():
        Evidence.objects.filter(pk=item.pk).update(description="Rewritten.")
    item.refresh_from_db()
    assert item.description == SOURCE["description"]


def test_who_added_it_may_still_be_forgotten(approved, assigned_reviewer):
    # Deleting a person sets added_by to NULL: that changes nothing the verdict stood on.
    Evidence.objects.filter(claim=approved).update(added_by=None)


def test_evidence_added_after_the_approval_stays_editable_until_a_correction_is_approved(
    approved, editor_user, second_editor, rating
):
    later = contributions.evidence_add(approved, actor=editor_user, url="https://example.org/later")
    contributions.evidence_edit(later, actor=editor_user, url="https://example.org/later", description="Edited.")
    workflow.verdict_correct(approved, actor=editor_user, rating=rating, summary="Still unconfirmed.", reason="New.")
    workflow.verdict_approve(approved, actor=second_editor)
    with pytest.raises(Invalid, match="revision 2"):
        contributions.evidence_remove(later, actor=editor_user)
    assert CitedEvidence.objects.filter(evidence=later).count() == 1


def test_the_whole_claim_still_goes_with_its_article(approved):
    Article.objects.filter(pk=approved.article_id).delete()  # what an administrator's delete does
    connection.check_constraints()  # the deferred foreign keys, as at commit
    assert not Evidence.objects.exists() and not CitedEvidence.objects.exists()


def test_the_admin_refuses_to_rewrite_it_with_a_message(client, editor_user, approved):
    [item] = approved.evidence.all()
    client.force_login(editor_user)
    data = {"kind": approved.kind, "attribution": "", "reason": "", "priority": 2, "media": ""}
    for prefix in ("verdicts", "assignments", "comments", "events"):
        data |= {f"{prefix}-TOTAL_FORMS": 0, f"{prefix}-INITIAL_FORMS": 0}
    data |= {
        "evidence-TOTAL_FORMS": 1, "evidence-INITIAL_FORMS": 1, "evidence-0-id": item.pk,
        "evidence-0-claim": approved.pk, "evidence-0-url": SOURCE["url"], "evidence-0-description": "Rewritten.",
    }  # fmt: skip
    response = client.post(reverse("admin:factcheck_claim_change", args=[approved.pk]), data)
    assert response.status_code == 200
    assert "can no longer be changed or removed" in response.content.decode()
    item.refresh_from_db()
    assert item.description == SOURCE["description"]
    assert not EvidenceChange.objects.filter(change=EvidenceChange.Change.EDITED).exists()


# --- Every change of evidence is recorded ------------------------------------------------------


def test_every_change_of_evidence_is_recorded_with_who_and_what_it_said(make_claim, editor_user):
    claim = make_claim(S.FLAGGED)
    item = contributions.evidence_add(claim, actor=editor_user, url="https://example.org/a", description="First.")
    contributions.evidence_edit(item, actor=editor_user, url="https://example.org/a", description="Second.")
    item_id = item.pk
    contributions.evidence_remove(item, actor=editor_user)
    changes = EvidenceChange.objects.filter(claim=claim)
    rows = list(changes.values_list("change", "actor", "description", "previous_description"))
    assert rows == [
        ("added", editor_user.pk, "First.", ""),
        ("edited", editor_user.pk, "Second.", "First."),
        ("removed", editor_user.pk, "Second.", ""),
    ]
    assert {e.evidence_id for e in EvidenceChange.objects.all()} == {item_id}


def test_evidence_sent_with_a_verdict_is_recorded_as_added(approved, assigned_reviewer):
    [row] = EvidenceChange.objects.filter(claim=approved)
    assert (row.change, row.actor, row.url) == ("added", assigned_reviewer, SOURCE["url"])


def test_the_record_of_changes_is_append_only(make_claim, editor_user):
    claim = make_claim(S.FLAGGED)
    contributions.evidence_add(claim, actor=editor_user, description="Seen.")
    row = EvidenceChange.objects.get()
    with pytest.raises(TypeError):
        row.save()
    with pytest.raises(TypeError):
        EvidenceChange.objects.all().delete()
