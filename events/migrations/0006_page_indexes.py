"""An index for the timeline's date-range filter.

A range is an overlap test (latest >= start AND earliest <= end); a B-tree on the bounds
can only seek on one of them, so a month late in a long archive scans every earlier event.
A GiST index on the events' day range answers the overlap directly (events.pages adds the
matching `daterange(earliest, latest, '[]') && daterange(start, end, '[]')` condition).
Raw SQL, because the index is on an expression the models do not declare: the model state
stays as events/models.py says.
"""

from django.db import migrations

CREATE = """
CREATE INDEX IF NOT EXISTS event_published_span_gist ON events_event
USING gist (daterange(earliest, latest, '[]'::text)) WHERE status = 'published';
"""
DROP = "DROP INDEX IF EXISTS event_published_span_gist;"


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0004_merge_gazetteer_seed_and_review_permissions"),
    ]

    operations = [migrations.RunSQL(CREATE, DROP)]
