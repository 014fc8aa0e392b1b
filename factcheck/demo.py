"""Demo data: roles' users and the Panjshir article the product was conceived from.

Idempotent: running it again changes nothing that is already there."""

import secrets
from dataclasses import dataclass, field
from pathlib import Path

from django.apps import apps as django_apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction

from factcheck import defaults, roles
from factcheck.importing import CREATED, MediaData, import_article
from factcheck.importing.files import from_plain_text
from factcheck.models import Article

ARTICLE_PATH = Path(__file__).resolve().parent / "demo" / "panjshir-article.txt"
ARTICLE_URL = "https://edition.cnn.com/2021/09/06/asia/panjshir-valley-taliban-nrf-afghanistan-intl/index.html"

USERS = [
    # username, group (None: a superuser), staff. Two editors, so that an editor's own
    # verdicts and corrections can be approved (four eyes); two reviewers; the CMS's account.
    ("editor", roles.EDITORS, True),
    ("editor2", roles.EDITORS, True),
    ("reviewer", roles.REVIEWERS, False),
    ("reviewer2", roles.REVIEWERS, False),
    ("cms", roles.CMS, False),
    ("admin", None, True),
]
USERNAMES = [username for username, _, _ in USERS]

# The article mentions photos shared on social media; the demo carries one
# media item for them so the suggested image claim has something to point at.
PHOTO = MediaData(
    kind="image",
    caption="The white flag of the Taliban hoisted at what appeared to be the Panjshir governor’s office in Bazarak",
    credit="Social media",
)


@dataclass
class DemoReport:
    passwords: dict[str, str] = field(default_factory=dict)
    created_users: list[str] = field(default_factory=list)
    article: Article | None = None
    article_created: bool = False
    claims_suggested: int = 0


def ensure_users(password: str | None, report: DemoReport) -> None:
    defaults.install(django_apps)  # the groups and the rating scale, should anyone have removed them
    User = get_user_model()
    for username, group_name, staff in USERS:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={"email": f"{username}@example.org", "is_staff": staff, "is_superuser": group_name is None},
        )
        if group_name is not None:
            user.groups.add(Group.objects.get(name=group_name))
        if created or password:
            secret = password or secrets.token_urlsafe(12)
            user.set_password(secret)
            user.save(update_fields=["password"])
            report.passwords[username] = secret
        if created:
            report.created_users.append(username)


def ensure_article(report: DemoReport) -> None:
    """Import the Panjshir article through the real pipeline (detection included)."""
    data = from_plain_text(ARTICLE_PATH.read_text(encoding="utf-8"))
    data.url, data.outlet, data.byline, data.language = ARTICLE_URL, "CNN", "CNN", "en"
    data.media = [PHOTO]
    editor = get_user_model().objects.get(username="editor")
    result = import_article(data, source=Article.Source.DEMO, user=editor, label="Panjshir demo article")
    if result.article is None:
        raise RuntimeError(f"The demo article could not be imported: {result.message}")
    report.article, report.article_created = result.article, result.outcome == CREATED
    report.claims_suggested = result.suggestions


def load_demo(password: str | None = None) -> DemoReport:
    report = DemoReport()
    with transaction.atomic():
        ensure_users(password, report)
        ensure_article(report)
    return report
