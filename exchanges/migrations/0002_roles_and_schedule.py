"""Give the role groups their stays permissions.

Officials run calls and decide applications in the admin (through the services); coordinators,
reviewers and researchers act through the portal's pages, with per-object checks in code
(``exchanges.permissions``).

This migration also scheduled the nightly purge of old documents, as a row of *Periodic
tasks*. That schedule is housekeeping, which the settings' CELERY_BEAT_SCHEDULE alone now
defines (``purge-stay-documents``); ``cooperation/0005`` gives a database that holds the row
made here its new name, so it is one schedule, never two.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

CALLS = ["call", "callhost", "criterion"]
RECORDS = [
    "stayapplication",
    "attachment",
    "hostdecision",
    "reviewassignment",
    "score",
    "signature",
    "stay",
    "applicationevent",
    "consentrecord",
    "researcherprofile",
]
OFFICIAL = [
    *(f"{action}_{model}" for model in CALLS for action in ("view", "add", "change", "delete")),
    *(f"view_{model}" for model in RECORDS),
    "change_stayapplication",
    "add_reviewassignment",
]
ROLE_PERMISSIONS = {
    "programme_admin": OFFICIAL,
    "official_cdmx": OFFICIAL,
    "official_bcn": OFFICIAL,
}


def grant(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, codenames in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role)
        permissions = list(
            Permission.objects.filter(content_type__app_label="exchanges", codename__in=codenames)
        )
        missing = set(codenames) - {p.codename for p in permissions}
        if missing:
            raise RuntimeError(f"Unknown permissions for {role}: {sorted(missing)}")
        group.permissions.add(*permissions)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.filter(content_type__app_label="exchanges")
    for group in Group.objects.filter(name__in=ROLE_PERMISSIONS):
        group.permissions.remove(*permissions)


class Migration(migrations.Migration):
    dependencies = [
        ("exchanges", "0001_initial"),
        ("cooperation", "0003_roles"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]
    operations = [migrations.RunPython(grant, revoke)]
