"""manage.py ingest: files, folders and URLs, with a closing summary."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from sources.models import Source

pytestmark = pytest.mark.django_db

SEED = "date 2016-09-17 Strike near the airport\n\nAircraft struck positions on Saturday.\n"


def run(*args: str) -> tuple[str, str]:
    from io import StringIO

    out, err = StringIO(), StringIO()
    call_command("ingest", *args, stdout=out, stderr=err, verbosity=0)
    return out.getvalue(), err.getvalue()


def test_a_folder_is_read_recursively_with_a_summary(tmp_path):
    (tmp_path / "a.txt").write_text(SEED)
    (tmp_path / "nested").mkdir()
    (tmp_path / "nested" / "b.txt").write_text("Another article, plain text.")
    (tmp_path / "nested" / "copy.txt").write_text(SEED)
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "bad-date.txt").write_text("date 2016-02-31 Head\n\nBody")
    (tmp_path / ".hidden").write_text("skipped")
    out, err = run(str(tmp_path))
    assert Source.objects.count() == 2
    assert "5 sources: 0 done, 2 queued, 1 duplicate, 2 failed" in out
    assert "duplicate:" in out and "copy.txt" in out
    assert "empty.txt: The file is empty" in err
    assert "bad-date.txt: The header date 2016-02-31 is not a real date" in err


def test_the_demo_folder_loads(settings):
    out, _ = run("demo/")
    source = Source.objects.get()
    assert source.published.isoformat() == "2016-09-17"
    assert "1 queued" in out


def test_urls_are_submitted(settings):
    run("https://example.org/story", "--kind", "report")
    source = Source.objects.get()
    assert source.url == "https://example.org/story" and source.kind == "report"


def test_a_missing_path_is_a_clear_error():
    with pytest.raises(CommandError, match="no such file or folder"):
        run("/nonexistent/thing.txt")


def test_nothing_added_is_an_error(tmp_path):
    (tmp_path / "empty.txt").write_bytes(b"")
    with pytest.raises(CommandError, match="nothing could be added"):
        run(str(tmp_path))
