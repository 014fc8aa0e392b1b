"""A claim's photo or video must be one of its own article's (issue 13: the admin could point a
claim at another article's media, which the API refuses). A check constraint cannot look at
another table, so triggers do it, on PostgreSQL and SQLite alike, as 0003 does for spans: on the
claim (its media or article changes) and on the media item (its article changes)."""

from django.db import migrations

PG_CREATE = """
CREATE FUNCTION factcheck_claim_media_same_article() RETURNS trigger AS $$
BEGIN
    IF NEW.media_id IS NOT NULL AND (
        SELECT article_id FROM factcheck_media WHERE id = NEW.media_id
    ) IS DISTINCT FROM NEW.article_id THEN
        RAISE EXCEPTION 'claim %: media % belongs to another article', NEW.id, NEW.media_id
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER factcheck_claim_media_same_article
    BEFORE INSERT OR UPDATE OF media_id, article_id ON factcheck_claim
    FOR EACH ROW EXECUTE FUNCTION factcheck_claim_media_same_article();

CREATE FUNCTION factcheck_media_keeps_its_claims() RETURNS trigger AS $$
BEGIN
    IF EXISTS (
        SELECT 1 FROM factcheck_claim WHERE media_id = NEW.id AND article_id IS DISTINCT FROM NEW.article_id
    ) THEN
        RAISE EXCEPTION 'media %: claims of another article are about it', NEW.id
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER factcheck_media_keeps_its_claims
    BEFORE UPDATE OF article_id ON factcheck_media
    FOR EACH ROW EXECUTE FUNCTION factcheck_media_keeps_its_claims();
"""
PG_DROP = """
DROP TRIGGER IF EXISTS factcheck_claim_media_same_article ON factcheck_claim;
DROP FUNCTION IF EXISTS factcheck_claim_media_same_article();
DROP TRIGGER IF EXISTS factcheck_media_keeps_its_claims ON factcheck_media;
DROP FUNCTION IF EXISTS factcheck_media_keeps_its_claims();
"""
SQLITE_CLAIM_CHECK = """
WHEN NEW.media_id IS NOT NULL AND (SELECT article_id FROM factcheck_media WHERE id = NEW.media_id) IS NOT NEW.article_id
BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: claim media belongs to another article'); END;
"""
SQLITE_CREATE = [
    "CREATE TRIGGER factcheck_claim_media_insert BEFORE INSERT ON factcheck_claim " + SQLITE_CLAIM_CHECK,
    "CREATE TRIGGER factcheck_claim_media_update BEFORE UPDATE OF media_id, article_id ON factcheck_claim "
    + SQLITE_CLAIM_CHECK,
    "CREATE TRIGGER factcheck_media_keeps_its_claims BEFORE UPDATE OF article_id ON factcheck_media "
    "WHEN EXISTS (SELECT 1 FROM factcheck_claim WHERE media_id = NEW.id AND article_id IS NOT NEW.article_id) "
    "BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: claims of another article are about this media'); END;",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS factcheck_claim_media_insert",
    "DROP TRIGGER IF EXISTS factcheck_claim_media_update",
    "DROP TRIGGER IF EXISTS factcheck_media_keeps_its_claims",
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
    dependencies = [("factcheck", "0016_import_record_attempts")]

    operations = [migrations.RunPython(create, drop)]
