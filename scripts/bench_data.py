"""The 100,000-claim data set the speed benchmarks run on (issue 14), built in bulk.

Valid as the app sees it: every claim went flagged → assigned → submitted → published, so it has
its four events, a done assignment, an approved verdict by a reviewer approved by an editor (four
eyes), one piece of evidence on record (the database cites it), a topic, and
``public_updated_at`` for the CMS's sync. Spans lie inside their article's text (the database's
trigger checks each row). A tenth of the articles are the demo's photo-bearing shape: a claim
about a photo of its own article.

    build(100_000)  # on the current (throwaway) database; returns the people it made

Rows go in through ``bulk_create`` in batches, which is what the import pipeline does too."""

import random
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from factcheck import roles
from factcheck.models import Action, Article, Assignment, Claim, Event, Evidence, Media, Rating, Tag, Verdict

CLAIMS_PER_ARTICLE = 10
BATCH = 5000
SENTENCE = "Officials said {n:,} people were evacuated from the valley on {day}, a figure nobody has confirmed. "
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
S = Claim.Status


def people():
    User = get_user_model()
    made = {}
    for name, group in [("editor", roles.EDITORS), ("editor2", roles.EDITORS), ("reviewer", roles.REVIEWERS)]:
        user, _ = User.objects.get_or_create(username=f"bench-{name}")
        user.groups.add(Group.objects.get(name=group))
        made[name] = user
    cms, _ = User.objects.get_or_create(username="bench-cms")
    cms.groups.add(Group.objects.get(name=roles.CMS))
    made["cms"] = cms
    return made


def _bulk(model, rows):
    return model.objects.bulk_create(rows, batch_size=BATCH)


def build(claims: int, *, seed: int = 14) -> dict:
    """Add ``claims`` published claims (and their articles and history); returns the people."""
    rng = random.Random(seed)
    who = people()
    ratings = list(Rating.objects.all())
    tags = _bulk(Tag, [Tag(name=f"bench topic {n}", slug=f"bench-topic-{n}") for n in range(20)])
    start = timezone.now() - timedelta(days=365)
    articles = claims // CLAIMS_PER_ARTICLE
    with transaction.atomic():
        for first in range(0, articles, BATCH // CLAIMS_PER_ARTICLE):
            count = min(BATCH // CLAIMS_PER_ARTICLE, articles - first)
            _build_batch(rng, who, ratings, tags, start, first, count)
    return who


def _build_batch(rng, who, ratings, tags, start, first, count):
    made = []
    for a in range(first, first + count):
        sentences = [SENTENCE.format(n=rng.randint(100, 99_999), day=rng.choice(DAYS)) for _ in range(12)]
        body = "".join(sentences)
        at = start + timedelta(minutes=a)
        made.append(
            Article(
                title=f"Bench article {a}",
                url=f"https://news.example.org/{a}",
                external_id=f"bench-{a}",
                outlet="Example News",
                published_at=at,
                body=body,
                content_hash=f"bench-{a:064d}"[-64:],
                source=Article.Source.API,
                created_at=at,
            )  # fmt: skip
        )
    made = _bulk(Article, made)
    media = _bulk(
        Media,
        [
            Media(article=article, url=f"https://news.example.org/{article.pk}/photo.jpg", caption="A photo.")
            for article in made[::10]
        ],
    )
    photo_of = {m.article_id: m for m in media}
    claims = []
    for article in made:
        offset = 0
        for n, sentence in enumerate(rng.sample(article.body.split(". ")[:12], CLAIMS_PER_ARTICLE)):
            start_at = article.body.index(sentence)
            offset = start_at + len(sentence)
            at = article.created_at + timedelta(seconds=n)
            photo = photo_of.get(article.pk) if n == 0 else None
            claims.append(
                Claim(
                    article=article,
                    kind=Claim.Kind.IMAGE if photo else Claim.Kind.STATISTIC,
                    text=sentence,
                    span_start=start_at,
                    span_end=offset,
                    attribution="Officials",
                    media=photo,
                    status=S.PUBLISHED,
                    created_by=who["editor"],
                    created_at=at,
                    updated_at=at + timedelta(hours=3),
                    public_updated_at=at + timedelta(hours=3),
                )  # fmt: skip
            )
    claims = _bulk(Claim, claims)
    editor, reviewer, approver = who["editor"], who["reviewer"], who["editor2"]
    verdicts, evidence, assignments, events, links = [], [], [], [], []
    for claim in claims:
        t0 = claim.created_at
        verdicts.append(
            Verdict(
                claim=claim,
                revision=1,
                rating=rng.choice(ratings),
                summary=f"Checked against the records ({claim.pk}).",
                author=reviewer,
                submitted_at=t0 + timedelta(hours=2),
                approved_by=approver,
                approved_at=t0 + timedelta(hours=3),
            )  # fmt: skip
        )
        evidence.append(
            Evidence(
                claim=claim,
                url=f"https://records.example.org/{claim.pk}",
                description="The official record.",
                added_by=reviewer,
                added_at=t0 + timedelta(hours=1),
            )  # fmt: skip
        )
        assignments.append(
            Assignment(
                claim=claim,
                reviewer=reviewer,
                assigned_by=editor,
                assigned_at=t0 + timedelta(minutes=5),
                done_at=t0 + timedelta(hours=2),
            )  # fmt: skip
        )
        for action, before, after, actor, delay in (
            (Action.FLAG, "", S.FLAGGED, editor, timedelta(0)),
            (Action.ASSIGN, S.FLAGGED, S.ASSIGNED, editor, timedelta(minutes=5)),
            (Action.SUBMIT, S.ASSIGNED, S.SUBMITTED, reviewer, timedelta(hours=2)),
            (Action.APPROVE, S.SUBMITTED, S.PUBLISHED, approver, timedelta(hours=3)),
        ):
            events.append(
                Event(claim=claim, actor=actor, action=action, from_status=before, to_status=after, at=t0 + delay)
            )
        links.append(Claim.tags.through(claim_id=claim.pk, tag_id=rng.choice(tags).pk))
    _bulk(Evidence, evidence)  # before the verdicts: their approval cites it (a trigger)
    _bulk(Verdict, verdicts)
    _bulk(Assignment, assignments)
    _bulk(Event, events)
    _bulk(Claim.tags.through, links)
