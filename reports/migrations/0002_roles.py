"""Officials and administrators request and read reports."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ROLE_PERMISSIONS = {
    "programme_admin": ["view_reportrun", "add_reportrun", "delete_reportrun"],
    "official_cdmx": ["view_reportrun", "add_reportrun"],
    "official_bcn": ["view_reportrun", "add_reportrun"],
}


def grant(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, codenames in ROLE_PERMISSIONS.items():
        Group.objects.get(name=role).permissions.add(
            *Permission.objects.filter(content_type__app_label="reports", codename__in=codenames)
        )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, codenames in ROLE_PERMISSIONS.items():
        group = Group.objects.filter(name=role).first()
        if group:
            group.permissions.remove(
                *Permission.objects.filter(
                    content_type__app_label="reports", codename__in=codenames
                )
            )


class Migration(migrations.Migration):
    dependencies = [("reports", "0001_initial"), ("cooperation", "0003_roles")]
    operations = [migrations.RunPython(grant, revoke)]
