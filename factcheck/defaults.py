"""The default rating scale and the desk's roles (groups with their
permissions). Installed by migration 0002 and ensured again by `load_demo`;
safe to run any number of times."""

from django.contrib.auth.management import create_permissions
from django.db.migrations.state import StateApps

RATINGS = [
    # slug, label, ClaimReview value (1 = worst, 5 = best; None = off the truth scale), colour
    ("true", "True", 5, "#198754"),
    ("mostly-true", "Mostly true", 4, "#20c997"),
    ("mixed", "Mixed", 3, "#ffc107"),
    ("mostly-false", "Mostly false", 2, "#fd7e14"),
    ("false", "False", 1, "#dc3545"),
    ("misleading", "Misleading", 2, "#d63384"),
    ("unverifiable", "Unverifiable", None, "#6c757d"),
]

ROLES = {
    "Editors": [
        "triage_claim",
        "approve_verdict",
        "review_claim",
        "view_article",
        "add_article",
        "change_article",
        "view_media",
        "add_media",
        "change_media",
        "view_claim",
        "change_claim",
        "view_assignment",
        "view_verdict",
        "view_event",
        "view_evidence",
        "add_evidence",
        "change_evidence",
        "view_comment",
        "add_comment",
        "view_rating",
        "change_rating",
    ],
    "Reviewers": [
        "review_claim",
        "view_article",
        "view_media",
        "view_claim",
        "view_assignment",
        "view_verdict",
        "view_event",
        "view_evidence",
        "add_evidence",
        "view_comment",
        "add_comment",
        "view_rating",
    ],
    "CMS": ["view_article", "add_article", "view_claim", "view_verdict", "view_rating", "view_evidence"],
}


def install(apps, schema_editor=None) -> None:
    """Create what is missing; ``apps`` is a migration's app registry or django.apps.apps."""
    Rating = apps.get_model("factcheck", "Rating")
    for order, (slug, label, value, colour) in enumerate(RATINGS):
        Rating.objects.get_or_create(
            slug=slug,
            defaults={"label": label, "value": value, "best": 5, "worst": 1, "colour": colour, "order": order},
        )

    # Permissions are normally created after all migrations ran; make them now.
    in_migration = isinstance(apps, StateApps)
    for app_config in apps.get_app_configs():
        if in_migration:
            app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        if in_migration:
            app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        perms = Permission.objects.filter(content_type__app_label="factcheck", codename__in=codenames)
        missing = set(codenames) - set(perms.values_list("codename", flat=True))
        if missing:
            raise RuntimeError(f"Permissions missing for group {name}: {sorted(missing)}")
        group.permissions.add(*perms)
