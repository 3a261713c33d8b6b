"""Citation quotes must be the very characters of their source's text at their offsets
(the trigger function is defined by the sources app)."""

from django.db import migrations

TRIGGER = """
CREATE TRIGGER citation_quote_matches_text
BEFORE INSERT OR UPDATE OF source_id, start, "end", quote ON events_citation
FOR EACH ROW EXECUTE FUNCTION quote_matches_source_text();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0001_initial"),
        ("sources", "0002_quote_matches_source_text"),
    ]

    operations = [
        migrations.RunSQL(
            TRIGGER, "DROP TRIGGER IF EXISTS citation_quote_matches_text ON events_citation;"
        ),
    ]
