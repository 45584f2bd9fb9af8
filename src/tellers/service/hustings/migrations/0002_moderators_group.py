"""Create the Moderators group, holding hustings.moderate_questions."""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib.auth.management import create_permissions
from django.db import migrations


def make_group(apps: Any, schema_editor: Any) -> None:
    # Permissions are normally made after all migrations; make this app's now.
    app_config = apps.get_app_config("hustings")
    app_config.models_module = True
    create_permissions(app_config, verbosity=0)
    app_config.models_module = None
    group_model = apps.get_model("auth", "Group")
    permission_model = apps.get_model("auth", "Permission")
    group, _ = group_model.objects.get_or_create(name="Moderators")
    group.permissions.add(
        *permission_model.objects.filter(
            content_type__app_label="hustings", codename="moderate_questions"
        )
    )


class Migration(migrations.Migration):
    dependencies: ClassVar = [
        ("hustings", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]
    operations: ClassVar = [migrations.RunPython(make_group, migrations.RunPython.noop)]
