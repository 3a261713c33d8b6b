"""Quotes must be the very characters of the source text at their offsets.

A check constraint cannot look into another table, so a trigger does it. The function is
shared by every table with (source_id, start, "end", quote) columns: annotations here,
citations in the events app.
"""

from django.db import migrations

FUNCTION = """
CREATE OR REPLACE FUNCTION quote_matches_source_text() RETURNS trigger AS $$
DECLARE
    body text;
BEGIN
    SELECT text INTO body FROM sources_source WHERE id = NEW.source_id;
    IF body IS NULL OR NEW."end" > char_length(body) THEN
        RAISE EXCEPTION 'quote offsets %-% lie outside the text of source %',
            NEW.start, NEW."end", NEW.source_id USING ERRCODE = 'check_violation';
    END IF;
    IF substr(body, NEW.start + 1, NEW."end" - NEW.start) IS DISTINCT FROM NEW.quote THEN
        RAISE EXCEPTION 'quote does not match the text of source % at %-%',
            NEW.source_id, NEW.start, NEW."end" USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
"""

TRIGGER = """
CREATE TRIGGER annotation_quote_matches_text
BEFORE INSERT OR UPDATE OF source_id, start, "end", quote ON sources_annotation
FOR EACH ROW EXECUTE FUNCTION quote_matches_source_text();
"""


class Migration(migrations.Migration):
    dependencies = [("sources", "0001_initial")]

    operations = [
        migrations.RunSQL(FUNCTION, "DROP FUNCTION IF EXISTS quote_matches_source_text();"),
        migrations.RunSQL(
            TRIGGER, "DROP TRIGGER IF EXISTS annotation_quote_matches_text ON sources_annotation;"
        ),
    ]
