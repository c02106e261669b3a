"""Create the portal's roles as groups with their model permissions.

A frozen copy of the role table, as migrations must not import app code. Model permissions
give the kind of object; the per-object scope (an official's city, a coordinator's
institution) is enforced in code (``cooperation.roles``). Later apps extend these groups in
their own migrations.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

REFERENCE = ["party", "agreement", "strategicarea", "axis", "institution"]

ROLE_PERMISSIONS = {
    "programme_admin": [
        *(
            f"{action}_{model}"
            for model in REFERENCE
            for action in ("view", "add", "change", "delete")
        ),
        "view_user",
        "add_user",
        "change_user",
        "view_group",
        "view_periodictask",
        "add_periodictask",
        "change_periodictask",
        "delete_periodictask",
        "view_crontabschedule",
        "add_crontabschedule",
        "change_crontabschedule",
        "view_intervalschedule",
        "add_intervalschedule",
        "change_intervalschedule",
    ],
    "official_cdmx": [
        *(f"view_{model}" for model in REFERENCE),
        "add_institution",
        "change_institution",
        "view_periodictask",
        "view_crontabschedule",
        "view_intervalschedule",
    ],
    "official_bcn": [
        *(f"view_{model}" for model in REFERENCE),
        "add_institution",
        "change_institution",
        "view_periodictask",
        "view_crontabschedule",
        "view_intervalschedule",
    ],
    # The portal's other roles act through its pages, never the admin; their rights are
    # per object and come with the capabilities that need them.
    "coordinator": [],
    "reviewer": [],
    "researcher": [],
}


def create_roles(apps, schema_editor):
    # Permissions are normally created after all migrations (post_migrate); create them now
    # so that the groups can be given them in a fresh database.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, codenames in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role)
        permissions = list(Permission.objects.filter(codename__in=codenames))
        missing = set(codenames) - {p.codename for p in permissions}
        if missing:
            raise RuntimeError(f"Unknown permissions for {role}: {sorted(missing)}")
        group.permissions.set(permissions)


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLE_PERMISSIONS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("cooperation", "0002_reference_data"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]
    operations = [migrations.RunPython(create_roles, remove_roles)]
