"""Give the role groups their permissions on events, and a view of registrations.

Officials view, add and change events (the per-object scope, their own city's, is enforced in
``knowledge/permissions.py``); nobody deletes one (it is cancelled). Registrations are read
only in the admin: people sign up and cancel on the portal. A frozen list, as migrations must
not import app code.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EVENTS = ["view_event", "add_event", "change_event", "view_registration"]
ROLE_PERMISSIONS = {
    "programme_admin": EVENTS,
    "official_cdmx": EVENTS,
    "official_bcn": EVENTS,
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
    events = Permission.objects.filter(content_type__app_label="knowledge", codename__in=EVENTS)
    for group in Group.objects.filter(name__in=ROLE_PERMISSIONS):
        group.permissions.remove(*events)


class Migration(migrations.Migration):
    dependencies = [
        ("knowledge", "0004_events_and_registrations"),
        ("cooperation", "0003_roles"),
    ]
    operations = [migrations.RunPython(grant, revoke)]
