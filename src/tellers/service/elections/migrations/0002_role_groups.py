"""Create the role groups (Organisers, Returning officers, Scrutineers, Tellers)."""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUPS = {
    "Organisers": ("setup_election",),
    "Returning officers": ("run_ballot",),
    "Scrutineers": ("scrutinise",),
    "Tellers": ("key_paper_ballots",),
}


def make_groups(apps: Any, schema_editor: Any) -> None:
    # Permissions are normally made after all migrations; make this app's now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0)
        app_config.models_module = None
    group_model = apps.get_model("auth", "Group")
    permission_model = apps.get_model("auth", "Permission")
    for name, codenames in GROUPS.items():
        group, _ = group_model.objects.get_or_create(name=name)
        perms = permission_model.objects.filter(
            content_type__app_label="elections", codename__in=codenames
        )
        group.permissions.add(*perms)


class Migration(migrations.Migration):
    dependencies: ClassVar = [
        ("elections", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]
    operations: ClassVar = [migrations.RunPython(make_groups, migrations.RunPython.noop)]
