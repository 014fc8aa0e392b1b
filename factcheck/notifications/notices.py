"""The bell: notices in the app, beside email. Each workflow event's audience (the same
people its email goes to, with or without an address) gets a line; so does each desk
member a comment mentions as @username."""

import re

from django.db.models import Q
from django.utils import timezone

from factcheck import roles
from factcheck.models import Comment, Event, Notice
from factcheck.notifications import audience, messages
from factcheck.transitions import Audience, Transition

MENTION = re.compile(r"(?<![\w@.])@([\w.+-]{1,150})")
MAX_MENTIONS = 20


def for_event(event: Event, row: Transition) -> list[Notice]:
    if row.audience is Audience.NOBODY:
        return []
    subject, _ = messages.email(event, row)
    text = subject.removeprefix("[Fact-check] ")
    people = audience.people(event, row, with_email=False)
    return Notice.objects.bulk_create(Notice(recipient=p, claim_id=event.claim_id, text=text[:300]) for p in people)


def mentioned(comment: Comment) -> list[Notice]:
    """Notices for the desk members a comment mentions (not its author)."""
    names = {name.rstrip(".").casefold() for name in MENTION.findall(comment.body)}
    if not names:
        return []
    any_of = Q()
    for name in sorted(names)[:MAX_MENTIONS]:
        any_of |= Q(username__iexact=name)
    users = list(roles.desk_members().filter(any_of).exclude(pk=comment.author_id))
    author = comment.author.get_username() if comment.author else "Someone"
    quoted = " ".join(comment.body.split())
    text = f"{author} mentioned you on claim #{comment.claim_id}: “{quoted[:150]}{'…' if len(quoted) > 150 else ''}”"
    return Notice.objects.bulk_create(Notice(recipient=u, claim_id=comment.claim_id, text=text[:300]) for u in users)


def unread_count(user) -> int:
    return Notice.objects.filter(recipient=user, read_at__isnull=True).count()


def mark_read(user, ids: list[int] | None = None) -> int:
    """Mark these notices of the person read (all of them without ``ids``)."""
    unread = Notice.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=ids)
    return unread.update(read_at=timezone.now())
