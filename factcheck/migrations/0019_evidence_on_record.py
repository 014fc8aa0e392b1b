"""Evidence on record at an approval cannot be rewritten or removed (issue 13: the admin could).

CitedEvidence rows say which items each approved verdict stood on. The database writes them —
when a verdict is approved (or inserted approved), and when evidence is added with a date at or
before an approval — and refuses, while one exists, any change of the item's link, description,
claim or date (a trigger, PostgreSQL and SQLite) and its deletion: a trigger on PostgreSQL, and on
both the foreign key from CitedEvidence (checked at commit). SQLite gets no delete trigger because
its `flush` empties tables in no set order, so a trigger there could refuse a whole-database flush;
the deferred foreign key cannot. Deleting the whole claim (an administrator deleting an article)
takes the citations first. Existing approvals are cited when this migrates."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

ON_RECORD = "EXISTS (SELECT 1 FROM factcheck_citedevidence WHERE evidence_id = OLD.id)"
CITE_ON_APPROVAL = """
    SELECT {verdict}, e.id FROM factcheck_evidence e WHERE e.claim_id = {claim} AND e.added_at <= {approved}
"""
CITE_NEW_EVIDENCE = """
    SELECT v.id, NEW.id FROM factcheck_verdict v
    WHERE v.claim_id = NEW.claim_id AND v.approved_at IS NOT NULL AND v.approved_at >= NEW.added_at
"""
PG_CREATE = f"""
CREATE FUNCTION factcheck_cite_evidence_on_approval() RETURNS trigger AS $$
BEGIN
    IF NEW.approved_at IS NOT NULL AND (TG_OP = 'INSERT' OR OLD.approved_at IS NULL) THEN
        INSERT INTO factcheck_citedevidence (verdict_id, evidence_id)
        {CITE_ON_APPROVAL.format(verdict="NEW.id", claim="NEW.claim_id", approved="NEW.approved_at")}
        ON CONFLICT DO NOTHING;
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER factcheck_cite_evidence_on_approval
    AFTER INSERT OR UPDATE OF approved_at ON factcheck_verdict
    FOR EACH ROW EXECUTE FUNCTION factcheck_cite_evidence_on_approval();

CREATE FUNCTION factcheck_cite_backdated_evidence() RETURNS trigger AS $$
BEGIN
    INSERT INTO factcheck_citedevidence (verdict_id, evidence_id) {CITE_NEW_EVIDENCE} ON CONFLICT DO NOTHING;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER factcheck_cite_backdated_evidence
    AFTER INSERT ON factcheck_evidence
    FOR EACH ROW EXECUTE FUNCTION factcheck_cite_backdated_evidence();

CREATE FUNCTION factcheck_evidence_on_record() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' AND {ON_RECORD} THEN
        RAISE EXCEPTION 'evidence % was on record when a verdict was approved; it cannot be deleted', OLD.id
            USING ERRCODE = 'restrict_violation';
    END IF;
    IF TG_OP = 'UPDATE' AND {ON_RECORD} AND (
        NEW.url IS DISTINCT FROM OLD.url OR NEW.description IS DISTINCT FROM OLD.description
        OR NEW.claim_id IS DISTINCT FROM OLD.claim_id OR NEW.added_at IS DISTINCT FROM OLD.added_at
    ) THEN
        RAISE EXCEPTION 'evidence % was on record when a verdict was approved; it cannot change', OLD.id
            USING ERRCODE = 'check_violation';
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER factcheck_evidence_on_record
    BEFORE UPDATE OR DELETE ON factcheck_evidence
    FOR EACH ROW EXECUTE FUNCTION factcheck_evidence_on_record();
"""
PG_DROP = """
DROP TRIGGER IF EXISTS factcheck_cite_evidence_on_approval ON factcheck_verdict;
DROP FUNCTION IF EXISTS factcheck_cite_evidence_on_approval();
DROP TRIGGER IF EXISTS factcheck_cite_backdated_evidence ON factcheck_evidence;
DROP FUNCTION IF EXISTS factcheck_cite_backdated_evidence();
DROP TRIGGER IF EXISTS factcheck_evidence_on_record ON factcheck_evidence;
DROP FUNCTION IF EXISTS factcheck_evidence_on_record();
"""
_SQLITE_CITE = "INSERT OR IGNORE INTO factcheck_citedevidence (verdict_id, evidence_id) " + CITE_ON_APPROVAL.format(
    verdict="NEW.id", claim="NEW.claim_id", approved="NEW.approved_at"
)
SQLITE_CREATE = [
    "CREATE TRIGGER factcheck_cite_on_insert AFTER INSERT ON factcheck_verdict "
    f"WHEN NEW.approved_at IS NOT NULL BEGIN {_SQLITE_CITE}; END;",
    "CREATE TRIGGER factcheck_cite_on_approval AFTER UPDATE OF approved_at ON factcheck_verdict "
    f"WHEN NEW.approved_at IS NOT NULL AND OLD.approved_at IS NULL BEGIN {_SQLITE_CITE}; END;",
    "CREATE TRIGGER factcheck_cite_backdated_evidence AFTER INSERT ON factcheck_evidence "
    f"BEGIN INSERT OR IGNORE INTO factcheck_citedevidence (verdict_id, evidence_id) {CITE_NEW_EVIDENCE}; END;",
    "CREATE TRIGGER factcheck_evidence_on_record BEFORE UPDATE ON factcheck_evidence "
    f"WHEN {ON_RECORD} AND (NEW.url IS NOT OLD.url OR NEW.description IS NOT OLD.description "
    "OR NEW.claim_id IS NOT OLD.claim_id OR NEW.added_at IS NOT OLD.added_at) "
    "BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: evidence on record at an approval cannot change'); END;",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS factcheck_cite_on_insert",
    "DROP TRIGGER IF EXISTS factcheck_cite_on_approval",
    "DROP TRIGGER IF EXISTS factcheck_cite_backdated_evidence",
    "DROP TRIGGER IF EXISTS factcheck_evidence_on_record",
]
BACKFILL = """
INSERT INTO factcheck_citedevidence (verdict_id, evidence_id)
SELECT v.id, e.id FROM factcheck_verdict v JOIN factcheck_evidence e ON e.claim_id = v.claim_id
WHERE v.approved_at IS NOT NULL AND e.added_at <= v.approved_at
"""


def create(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    schema_editor.execute(BACKFILL, params=None)
    if vendor == "postgresql":
        schema_editor.execute(PG_CREATE, params=None)
    elif vendor == "sqlite":
        for statement in SQLITE_CREATE:
            schema_editor.execute(statement)


def drop(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_DROP, params=None)
    elif vendor == "sqlite":
        for statement in SQLITE_DROP:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("factcheck", "0018_safe_links"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="CitedEvidence",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "evidence",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.RESTRICT, related_name="citations", to="factcheck.evidence"
                    ),
                ),
                (
                    "verdict",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="cited_evidence",
                        to="factcheck.verdict",
                    ),
                ),
            ],
            options={
                "verbose_name_plural": "cited evidence",
                "constraints": [models.UniqueConstraint(fields=("verdict", "evidence"), name="cited_evidence_once")],
            },
        ),
        migrations.CreateModel(
            name="EvidenceChange",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("evidence_id", models.BigIntegerField(help_text="The item (gone once removed).", null=True)),
                (
                    "change",
                    models.CharField(
                        choices=[("added", "Added"), ("edited", "Edited"), ("removed", "Removed")], max_length=10
                    ),
                ),
                ("url", models.URLField(blank=True, default="", max_length=1000)),
                ("description", models.TextField(blank=True, default="")),
                ("previous_url", models.URLField(blank=True, default="", max_length=1000)),
                ("previous_description", models.TextField(blank=True, default="")),
                ("at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "actor",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "claim",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="evidence_changes",
                        to="factcheck.claim",
                    ),
                ),
            ],
            options={
                "ordering": ["at", "id"],
                "indexes": [models.Index(fields=["claim", "at"], name="evidence_change_claim_idx")],
            },
        ),
        migrations.RunPython(create, drop),
    ]
