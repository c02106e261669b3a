"""Give the role groups their permissions on practices and transfers.

Officials view, add and change practices, their links and documents, and transfers (the
per-object scope, their own city's, is enforced in ``knowledge/permissions.py``);
administrators may also delete. Timelines and histories are read only. Coordinators act
through the portal and the API, never the admin. A frozen list, as migrations must not
import app code.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

MODELS = ["practice", "practicelink", "practiceattachment", "transfer"]
READ_ONLY = ["practiceevent", "transferevent", "historicalpractice", "historicaltransfer"]

ROLE_PERMISSIONS = {
    "programme_admin": [
        *(
            f"{action}_{model}"
            for model in MODELS
            for action in ("view", "add", "change", "delete")
        ),
        *(f"view_{model}" for model in READ_ONLY),
    ],
    "official_cdmx": [
        *(f"{action}_{model}" for model in MODELS for action in ("view", "add", "change")),
        *(f"view_{model}" for model in READ_ONLY),
    ],
    "official_bcn": [
        *(f"{action}_{model}" for model in MODELS for action in ("view", "add", "change")),
        *(f"view_{model}" for model in READ_ONLY),
    ],
}


def grant(apps, schema_editor):
    # Permissions are normally created after all migrations (post_migrate); create them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, codenames in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role)
        permissions = list(
            Permission.objects.filter(content_type__app_label="knowledge", codename__in=codenames)
        )
        missing = set(codenames) - {p.codename for p in permissions}
        if missing:
            raise RuntimeError(f"Unknown permissions for {role}: {sorted(missing)}")
        group.permissions.add(*permissions)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    knowledge = Permission.objects.filter(content_type__app_label="knowledge")
    for group in Group.objects.filter(name__in=ROLE_PERMISSIONS):
        group.permissions.remove(*knowledge)


class Migration(migrations.Migration):
    dependencies = [
        ("knowledge", "0001_practices_and_transfers"),
        ("cooperation", "0003_roles"),
    ]
    operations = [migrations.RunPython(grant, revoke)]
