"""Give the role groups their stays permissions; schedule the nightly purge of old documents.

Officials run calls and decide applications in the admin (through the services); coordinators,
reviewers and researchers act through the portal's pages, with per-object checks in code
(``exchanges.permissions``).
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
TASK_NAME = "Purge documents of closed stay applications"


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
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    schedule, _ = CrontabSchedule.objects.get_or_create(
        minute="30", hour="3", day_of_week="*", day_of_month="*", month_of_year="*", timezone="UTC"
    )
    PeriodicTask.objects.update_or_create(
        name=TASK_NAME,
        defaults={"task": "exchanges.tasks.purge_stay_documents", "crontab": schedule},
    )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.filter(content_type__app_label="exchanges")
    for group in Group.objects.filter(name__in=ROLE_PERMISSIONS):
        group.permissions.remove(*permissions)
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=TASK_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("exchanges", "0001_initial"),
        ("cooperation", "0003_roles"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]
    operations = [migrations.RunPython(grant, revoke)]
