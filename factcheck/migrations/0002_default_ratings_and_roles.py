"""The default rating scale and the desk's roles (groups with permissions)."""

from django.db import migrations

from factcheck.defaults import RATINGS, ROLES, install


def remove(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()
    apps.get_model("factcheck", "Rating").objects.filter(slug__in=[r[0] for r in RATINGS]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("factcheck", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(install, remove)]
