"""Links are normalised on every write (``factcheck.models.fields.LinkField``) and the database
refuses a double quote or an angle bracket in them (issue 13: an evidence link such as
``https://x.test/"><script>`` reached the API, webhooks and ClaimReview as it was sent).

PostgreSQL gets check constraints; SQLite gets triggers, because adding a constraint there
rebuilds the table, which the span triggers on these tables forbid. Existing links are
normalised first, in place, before the evidence on record becomes immutable (0019)."""

from django.db import migrations

from factcheck.models.fields import UNSAFE, normalise_link

LINKS = {
    "article": ["url"],
    "media": ["url", "source_url"],
    "evidence": ["url"],
    "factcheck": ["url", "publisher_url", "image_url"],
}
COLUMNS = [(f"factcheck_{model}", column) for model, columns in LINKS.items() for column in columns]


def normalise_existing(apps, schema_editor):
    for model_name, fields in LINKS.items():
        model = apps.get_model("factcheck", model_name)
        for field in fields:
            unsafe = model.objects.none()
            for char in UNSAFE:
                unsafe |= model.objects.filter(**{f"{field}__contains": char})
            for pk, value in unsafe.values_list("pk", field):
                model.objects.filter(pk=pk).update(**{field: normalise_link(value)})


def _sqlite_trigger(table: str, column: str, when: str) -> str:
    return (
        f"CREATE TRIGGER {table}_{column}_safe_{when.split()[0].lower()} BEFORE {when} ON {table} "
        f"WHEN instr(NEW.{column}, '\"') OR instr(NEW.{column}, '<') OR instr(NEW.{column}, '>') "
        f"BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: {table}.{column} holds a quote or angle bracket'); END;"
    )


def create(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for table, column in COLUMNS:
        if vendor == "postgresql":
            schema_editor.execute(
                f"ALTER TABLE {table} ADD CONSTRAINT {table}_{column}_safe CHECK ({column} !~ '[\"<>]')"
            )
        elif vendor == "sqlite":
            schema_editor.execute(_sqlite_trigger(table, column, "INSERT"))
            schema_editor.execute(_sqlite_trigger(table, column, f"UPDATE OF {column}"))


def drop(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for table, column in COLUMNS:
        if vendor == "postgresql":
            schema_editor.execute(f"ALTER TABLE {table} DROP CONSTRAINT IF EXISTS {table}_{column}_safe")
        elif vendor == "sqlite":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_{column}_safe_insert")
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_{column}_safe_update")


class Migration(migrations.Migration):
    dependencies = [("factcheck", "0017_claim_media_same_article")]

    operations = [
        migrations.RunPython(normalise_existing, migrations.RunPython.noop, elidable=True),
        migrations.RunPython(create, drop),
    ]
