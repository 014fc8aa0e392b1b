"""Evidence, comments and a claim's editable fields: who may change them, what makes
them valid, and the timestamps every change moves (so incremental sync sees it).
Pages, the admin and the API all write through here."""

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone

from factcheck import roles, visibility
from factcheck.models import CitedEvidence, Claim, Comment, Evidence, EvidenceChange, Tag
from factcheck.notifications import notices
from factcheck.roles import is_assigned
from factcheck.workflow import Invalid, NotAllowed

# What the back office may change on a claim (text, span and status never).
EDITABLE_FIELDS = ("kind", "attribution", "media", "reason", "priority")


def may_contribute(claim: Claim, user) -> bool:
    """Editors on any claim; reviewers on claims assigned to them."""
    return roles.can_triage(user) or (roles.can_review(user) and is_assigned(claim, user))


def check_evidence(claim: Claim, actor, url: str, description: str) -> tuple[str, str]:
    """Refuse evidence that may not be added (``WorkflowError``); the cleaned link and description."""
    if not may_contribute(claim, actor):
        raise NotAllowed("Only editors and the assigned reviewer can add evidence.")
    if claim.status == Claim.Status.DISMISSED:
        raise Invalid("This claim was dismissed; restore it before adding evidence.")
    url, description = (url or "").strip(), (description or "").strip()
    if not url and not description:
        raise Invalid("Give a link or say what the evidence shows.")
    if url:
        try:
            URLValidator(schemes=["http", "https"])(url)
        except ValidationError:
            raise Invalid("The link must be an http(s) address.") from None
    return url, description


def check_not_on_record(evidence: Evidence) -> None:
    """Evidence an approved verdict stood on stays as it was (the database refuses it too:
    migration 0018); a correction adds new evidence instead."""
    cited = CitedEvidence.objects.filter(evidence_id=evidence.pk).select_related("verdict").first()
    if cited is not None:
        raise Invalid(
            f"This evidence was on record when revision {cited.verdict.revision} of the verdict was approved: it "
            "can no longer be changed or removed. Add new evidence instead."
        )


def evidence_add(claim: Claim, *, actor, url: str = "", description: str = "") -> Evidence:
    url, description = check_evidence(claim, actor, url, description)
    with transaction.atomic():
        evidence = Evidence.objects.create(claim=claim, url=url, description=description, added_by=actor)
        EvidenceChange.objects.record(EvidenceChange.Change.ADDED, [evidence], actor=actor)
        _touch(claim)
    return evidence


def evidence_edit(evidence: Evidence, *, actor, url: str = "", description: str = "") -> Evidence:
    """Change an item of evidence (the back office), unless it is on record."""
    claim = evidence.claim
    check_not_on_record(evidence)
    before = {"url": evidence.url, "description": evidence.description}
    evidence.url, evidence.description = check_evidence(claim, actor, url, description)
    with transaction.atomic():
        evidence.save(update_fields=["url", "description"])
        EvidenceChange.objects.record(EvidenceChange.Change.EDITED, [evidence], actor=actor, previous=before)
        _touch(claim, public=visibility.cms_sees_evidence(evidence))
    return evidence


def check_removal(actor, what: str) -> None:
    if not roles.can_triage(actor):
        raise NotAllowed(f"Only editors can remove {what}.")


def evidence_remove(evidence: Evidence, *, actor) -> None:
    claim = evidence.claim
    check_removal(actor, "evidence")
    check_not_on_record(evidence)
    public = visibility.cms_sees_evidence(evidence)
    with transaction.atomic():
        EvidenceChange.objects.record(EvidenceChange.Change.REMOVED, [evidence], actor=actor)
        evidence.delete()
        _touch(claim, public=public)


def check_comment(claim: Claim, actor, body: str, *, comment: Comment | None = None) -> str:
    """Refuse a comment (new, or a change of ``comment``) that may not be written; the cleaned text."""
    if comment is None and not may_contribute(claim, actor):
        raise NotAllowed("Only editors and the assigned reviewer can comment on this claim.")
    if comment is not None and not (roles.can_triage(actor) or comment.author_id == actor.pk):
        raise NotAllowed("Only editors and the comment's author can change it.")
    body = (body or "").strip()
    if not body:
        raise Invalid("A comment needs some text.")
    return body


def comment_add(claim: Claim, *, actor, body: str) -> Comment:
    """A comment; each desk member it mentions as @username is told under their bell."""
    body = check_comment(claim, actor, body)
    with transaction.atomic():
        comment = Comment.objects.create(claim=claim, author=actor, body=body)
        _touch(claim)
        notices.mentioned(comment)
    return comment


MAX_TAGS = 10


def check_tags(claim: Claim, actor, names: list[str]) -> list[str]:
    """Refuse topics that may not be set; the cleaned names (case kept, duplicates dropped)."""
    if not may_contribute(claim, actor):
        raise NotAllowed("Only editors and the assigned reviewer can set a claim's topics.")
    cleaned: dict[str, str] = {}
    for name in names:
        name = " ".join(str(name).split())
        if not name:
            continue
        if len(name) > 60 or any(not ch.isprintable() for ch in name):
            raise Invalid(f"“{name[:60]}” is not a topic: at most 60 printable characters.")
        cleaned.setdefault(name.casefold(), name)
    if len(cleaned) > MAX_TAGS:
        raise Invalid(f"At most {MAX_TAGS} topics on a claim.")
    return list(cleaned.values())


def set_tags(claim: Claim, *, actor, names: list[str]) -> list[Tag]:
    """Give the claim exactly these topics, creating the new ones."""
    names = check_tags(claim, actor, names)
    with transaction.atomic():
        tags = [Tag.objects.filter(name__iexact=n).first() or Tag.objects.create(name=n) for n in names]
        claim.tags.set(tags)
        _touch(claim)
    return tags


def comment_edit(comment: Comment, *, actor, body: str) -> Comment:
    comment.body = check_comment(comment.claim, actor, body, comment=comment)
    with transaction.atomic():
        comment.save(update_fields=["body"])
        _touch(comment.claim)
    return comment


def comment_remove(comment: Comment, *, actor) -> None:
    check_removal(actor, "comments")
    claim = comment.claim
    with transaction.atomic():
        comment.delete()
        _touch(claim)


def check_claim_edit(claim: Claim, actor, changes: dict) -> None:
    """Refuse a change of a claim's fields that may not be made."""
    if not roles.can_triage(actor):
        raise NotAllowed("Only editors can change a claim.")
    unknown = sorted(set(changes) - set(EDITABLE_FIELDS))
    if unknown:
        raise Invalid(f"These cannot be changed here: {', '.join(unknown)}.")
    media = changes.get("media")
    if media is not None and media.article_id != claim.article_id:
        raise Invalid("The media belongs to another article.")


def claim_edit(claim: Claim, *, actor, **changes) -> Claim:
    """Change a claim's editable fields (not its text, span or status). Writes only those
    fields, so a status moved meanwhile by the workflow is never written back."""
    check_claim_edit(claim, actor, changes)
    if not changes:
        return claim
    for name, value in changes.items():
        setattr(claim, name, value)
    claim.save(update_fields=[*changes, *visibility.claim_edited(claim, set(changes))])
    return claim


def cite_fact_check(claim: Claim, fact_check, *, actor) -> Evidence:
    """One click: a fact-check from the library becomes evidence on the claim."""
    when = f", {fact_check.date_published:%d %B %Y}" if fact_check.date_published else ""
    rating = f" rated it “{fact_check.rating_text}”" if fact_check.rating_text else " checked it"
    description = f"{fact_check.publisher or 'A fact-checker'}{rating}{when}: “{fact_check.claim_reviewed}”"
    return evidence_add(claim, actor=actor, url=fact_check.url, description=description[:5000])


def link_same_claim(claim: Claim, earlier: Claim | None, *, actor) -> Claim:
    """Say that an earlier claim of this desk is the same claim (its verdict is shown on this
    one, which still goes through review and four-eyes approval); None unlinks."""
    if not may_contribute(claim, actor):
        raise NotAllowed("Only editors and the assigned reviewer can link claims.")
    if earlier is not None and earlier.pk == claim.pk:
        raise Invalid("A claim cannot be the same as itself.")
    if earlier is not None and earlier.same_as_id == claim.pk:
        raise Invalid("That claim already points to this one.")
    claim.same_as = earlier
    claim.updated_at = timezone.now()
    claim.save(update_fields=["same_as", "updated_at"])
    return claim


def _touch(claim: Claim, *, public: bool = False) -> None:
    """The claim changed: the desk's incremental sync (updated_since) must see it again, and
    the CMS's too when it changed what the CMS sees (``factcheck.visibility``): evidence and
    comments added after approval are not the CMS's to see, evidence it saw is."""
    claim.updated_at = timezone.now()
    changes = {"updated_at": claim.updated_at}
    if public:
        claim.public_updated_at = changes["public_updated_at"] = claim.updated_at
    Claim.objects.filter(pk=claim.pk).update(**changes)
