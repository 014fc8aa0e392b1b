"""A claim's span must lie inside its article's text.

A check constraint cannot look at another table, so a trigger does it, on
PostgreSQL and on SQLite alike."""

from django.db import migrations

PG_CREATE = """
CREATE FUNCTION factcheck_claim_span_inside_article() RETURNS trigger AS $$
BEGIN
    IF NEW.span_end IS NOT NULL AND NEW.span_end > (
        SELECT char_length(body) FROM factcheck_article WHERE id = NEW.article_id
    ) THEN
        RAISE EXCEPTION 'claim span % to % lies outside article %', NEW.span_start, NEW.span_end, NEW.article_id
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER factcheck_claim_span_inside_article
    BEFORE INSERT OR UPDATE OF span_start, span_end, article_id ON factcheck_claim
    FOR EACH ROW EXECUTE FUNCTION factcheck_claim_span_inside_article();
"""
PG_DROP = """
DROP TRIGGER IF EXISTS factcheck_claim_span_inside_article ON factcheck_claim;
DROP FUNCTION IF EXISTS factcheck_claim_span_inside_article();
"""
SQLITE_CHECK = """
WHEN NEW.span_end IS NOT NULL AND NEW.span_end > (
    SELECT length(body) FROM factcheck_article WHERE id = NEW.article_id)
BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: claim span lies outside the article'); END;
"""
SQLITE_CREATE = [
    "CREATE TRIGGER factcheck_claim_span_insert BEFORE INSERT ON factcheck_claim " + SQLITE_CHECK,
    "CREATE TRIGGER factcheck_claim_span_update BEFORE UPDATE OF span_start, span_end, article_id "
    "ON factcheck_claim " + SQLITE_CHECK,
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS factcheck_claim_span_insert",
    "DROP TRIGGER IF EXISTS factcheck_claim_span_update",
]


def create(apps, schema_editor):
    vendor = schema_editor.connection.vendor
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
    dependencies = [("factcheck", "0002_default_ratings_and_roles")]

    operations = [migrations.RunPython(create, drop)]
