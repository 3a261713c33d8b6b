"""The editors' roles as groups.

Editor: add, change and view sources, annotations, events (with their actor roles),
actors, places and citations. Reviewer: all of that plus publishing and merging
(events.publish_event, events.merge_event). The admin and the API (DRF model permissions)
both read these, so a user's groups decide what they may do everywhere.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITOR_PERMISSIONS = [
    *(
        f"{app}.{action}_{model}"
        for app, model in [
            ("sources", "source"),
            ("sources", "annotation"),
            ("events", "event"),
            ("events", "actor"),
            ("events", "place"),
            ("events", "citation"),
        ]
        for action in ("add", "change", "view")
    ),
    # An event's actor roles are edited inline on the event: removing a wrong role is
    # part of editing the event.
    "events.add_eventactor",
    "events.change_eventactor",
    "events.delete_eventactor",
    "events.view_eventactor",
]
REVIEWER_PERMISSIONS = [*EDITOR_PERMISSIONS, "events.publish_event", "events.merge_event"]
ROLES = {"Editor": EDITOR_PERMISSIONS, "Reviewer": REVIEWER_PERMISSIONS}


def create_roles(apps, schema_editor):
    # Permissions are normally created after migrate (post_migrate); this migration needs
    # them now, so create them for the apps it names first.
    for label in ("sources", "events"):
        app_config = apps.get_app_config(label)
        app_config.models_module = True
        create_permissions(app_config, verbosity=0, apps=apps)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codes in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        for code in codes:
            app_label, codename = code.split(".")
            group.permissions.add(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("sources", "0002_quote_matches_source_text"),
        ("events", "0005_review_permissions"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
