"""Officials and administrators read outgoing e-mail and send failed messages again."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

CODENAMES = ["view_outgoingemail", "resend_outgoingemail"]
ROLES = ["programme_admin", "official_cdmx", "official_bcn"]


def grant(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.filter(
        content_type__app_label="outbox", codename__in=CODENAMES
    )
    for role in ROLES:
        Group.objects.get(name=role).permissions.add(*permissions)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.filter(
        content_type__app_label="outbox", codename__in=CODENAMES
    )
    for group in Group.objects.filter(name__in=ROLES):
        group.permissions.remove(*permissions)


class Migration(migrations.Migration):
    dependencies = [("outbox", "0001_initial"), ("cooperation", "0003_roles")]
    operations = [migrations.RunPython(grant, revoke)]
