"""Give the roles their rights on partner clients and webhooks."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ROLE_PERMISSIONS = {
    "programme_admin": [
        "view_partnerprofile",
        "add_partnerprofile",
        "change_partnerprofile",
        "view_webhookendpoint",
        "change_webhookendpoint",
        "view_webhookdelivery",
        "change_webhookdelivery",
    ],
    "official_cdmx": ["view_partnerprofile", "view_webhookendpoint", "view_webhookdelivery"],
    "official_bcn": ["view_partnerprofile", "view_webhookendpoint", "view_webhookdelivery"],
}


def grant(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, codenames in ROLE_PERMISSIONS.items():
        group = Group.objects.get(name=role)
        group.permissions.add(
            *Permission.objects.filter(content_type__app_label="api", codename__in=codenames)
        )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, codenames in ROLE_PERMISSIONS.items():
        group = Group.objects.filter(name=role).first()
        if group:
            group.permissions.remove(
                *Permission.objects.filter(content_type__app_label="api", codename__in=codenames)
            )


class Migration(migrations.Migration):
    dependencies = [("api", "0001_initial"), ("cooperation", "0003_roles")]
    operations = [migrations.RunPython(grant, revoke)]
