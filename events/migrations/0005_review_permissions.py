"""Review permissions on Event (publishing and merging), granted to the Reviewer group by
accounts/migrations/0001_roles.py."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0002_citation_quote_matches_text"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="event",
            options={
                "ordering": ["earliest", "latest", "id"],
                "permissions": [
                    ("publish_event", "Can publish or reject events"),
                    ("merge_event", "Can merge events, actors and places"),
                ],
            },
        ),
    ]
