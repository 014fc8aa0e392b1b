"""Demo data: roles' users and the Panjshir article the product was conceived from.

Idempotent: running it again changes nothing that is already there."""

import secrets
from dataclasses import dataclass, field
from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction

from factcheck import roles, workflow
from factcheck.models import Article, Claim, Media, content_hash

ARTICLE_PATH = Path(__file__).resolve().parent / "demo" / "panjshir-article.txt"
ARTICLE_URL = "https://edition.cnn.com/2021/09/06/asia/panjshir-valley-taliban-nrf-afghanistan-intl/index.html"

USERS = [
    # username, group, staff
    ("editor", roles.EDITORS, True),
    ("reviewer", roles.REVIEWERS, False),
    ("reviewer2", roles.REVIEWERS, False),
    ("cms", roles.CMS, False),
]

# Flagged by hand until the import pipeline's detection suggests them.
HAND_FLAGGED = [
    {
        "kind": Claim.Kind.IMAGE,
        "text": "Photos and videos shared widely on social media showed the white flag of the Taliban hoisted "
        "between buildings in what appeared to be the Panjshir governor’s office in the provincial capital "
        "of Bazarak.",
        "reason": "CNN cannot independently verify the image.",
        "priority": Claim.Priority.HIGH,
        "media_caption": "The white flag of the Taliban at what appeared to be the governor’s office in Bazarak",
    },
    {
        "kind": Claim.Kind.QUOTE,
        "text": "The last nest of the enemy, Panjshir province, was completely conquered,",
        "attribution": "Zabihullah Mujahid, Taliban spokesman",
        "reason": "The Taliban's claim of victory, denied by the NRF.",
        "priority": Claim.Priority.HIGH,
    },
    {
        "kind": Claim.Kind.QUOTE,
        "text": "The resistance is still all over the valley.",
        "attribution": "Ali Nazary, NRF spokesman",
        "reason": "The NRF's denial of the Taliban's claim.",
    },
    {
        "kind": Claim.Kind.STATISTIC,
        "text": "reportedly numbers in the thousands",
        "attribution": "",
        "reason": "Unsourced figure (“reportedly”).",
        "priority": Claim.Priority.LOW,
    },
]


@dataclass
class DemoReport:
    passwords: dict[str, str] = field(default_factory=dict)
    created_users: list[str] = field(default_factory=list)
    article: Article | None = None
    article_created: bool = False
    claims_flagged: int = 0


def ensure_users(password: str | None, report: DemoReport) -> None:
    User = get_user_model()
    for username, group_name, staff in USERS:
        user, created = User.objects.get_or_create(
            username=username, defaults={"email": f"{username}@example.org", "is_staff": staff}
        )
        user.groups.add(Group.objects.get(name=group_name))
        if created or password:
            secret = password or secrets.token_urlsafe(12)
            user.set_password(secret)
            user.save(update_fields=["password"])
            report.passwords[username] = secret
        if created:
            report.created_users.append(username)


def ensure_article(report: DemoReport) -> None:
    text = ARTICLE_PATH.read_text(encoding="utf-8")
    title, _, body = text.partition("\n")
    body = body.strip()
    existing = Article.objects.filter(content_hash=content_hash(body)).first()
    if existing is not None:
        report.article = existing
        return
    editor = get_user_model().objects.get(username="editor")
    article = Article.objects.create(
        title=title.strip(),
        url=ARTICLE_URL,
        outlet="CNN",
        byline="CNN",
        language="en",
        body=body,
        source=Article.Source.DEMO,
        imported_by=editor,
    )
    for spec in HAND_FLAGGED:
        spec = dict(spec)
        caption = spec.pop("media_caption", None)
        if caption:
            spec["media"] = Media.objects.create(
                article=article, kind=Media.Kind.IMAGE, caption=caption, credit="Social media"
            )
        workflow.claim_flag(article=article, actor=editor, **spec)
        report.claims_flagged += 1
    report.article, report.article_created = article, True


def load_demo(password: str | None = None) -> DemoReport:
    report = DemoReport()
    with transaction.atomic():
        ensure_users(password, report)
        ensure_article(report)
    return report
