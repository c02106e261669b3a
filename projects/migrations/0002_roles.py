"""Give the role groups their permissions on joint projects and their parts.

Officials view, add and change projects and their parts (the per-object scope, their own
city's projects, is enforced in ``projects/permissions.py``); they keep exchange rates too.
Administrators may also delete. A frozen list, as migrations must not import app code.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

PARTS = [
    "jointproject",
    "participation",
    "teammember",
    "fundingcommitment",
    "milestone",
    "indicator",
    "measurement",
    "exchangerate",
]
READ_ONLY = ["projectevent", *(f"historical{model}" for model in PARTS)]

ROLE_PERMISSIONS = {
    "programme_admin": [
        *(f"{action}_{model}" for model in PARTS for action in ("view", "add", "change", "delete")),
        *(f"view_{model}" for model in READ_ONLY),
    ],
    "official_cdmx": [
        *(f"{action}_{model}" for model in PARTS for action in ("view", "add", "change")),
        *(f"view_{model}" for model in READ_ONLY),
    ],
    "official_bcn": [
        *(f"{action}_{model}" for model in PARTS for action in ("view", "add", "change")),
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
            Permission.objects.filter(content_type__app_label="projects", codename__in=codenames)
        )
        missing = set(codenames) - {p.codename for p in permissions}
        if missing:
            raise RuntimeError(f"Unknown permissions for {role}: {sorted(missing)}")
        group.permissions.add(*permissions)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    projects = Permission.objects.filter(content_type__app_label="projects")
    for group in Group.objects.filter(name__in=ROLE_PERMISSIONS):
        group.permissions.remove(*projects)


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0001_initial"),
        ("cooperation", "0003_roles"),
    ]
    operations = [migrations.RunPython(grant, revoke)]
