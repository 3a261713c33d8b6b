"""The extract_dates management command (no database needed)."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command


def run(*args: str, stdin: str | None = None) -> list[dict]:
    out = io.StringIO()
    call_command("extract_dates", *args, stdout=out, stdin=io.StringIO(stdin or ""))
    return json.loads(out.getvalue())


def test_published_option_resolves_relative_dates_from_stdin():
    found = run("--published", "2016-09-17", "-", stdin="The strike on Saturday killed 62.")
    assert found == [
        {
            "start": 14,
            "end": 22,
            "text": "Saturday",
            "value": "2016-09-17",
            "edtf": "2016-09-17",
            "earliest": "2016-09-17",
            "latest": "2016-09-17",
            "precision": "day",
            "anchor": "publication",
        }
    ]


def test_header_line_supplies_the_date_and_offsets_cover_the_whole_text(tmp_path):
    text = "date 2016-09-19 Truce frays\nOn Saturday, jets struck near Deir ez-Zor."
    path = tmp_path / "article.txt"
    path.write_text(text, encoding="utf-8")
    found = run(str(path))
    assert [(f["text"], f["value"]) for f in found] == [("Saturday", "2016-09-17")]
    assert text[found[0]["start"] : found[0]["end"]] == "Saturday"


def test_month_first_flag():
    found = run("--published", "2016-09-17", "--month-first", "-", stdin="on 05/09/2016")
    assert found[0]["value"] == "2016-05-09"


def test_missing_reference_date_is_a_command_error():
    with pytest.raises(CommandError, match="--published"):
        run("-", stdin="It happened yesterday.")


def test_bad_published_value_is_a_command_error():
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        run("--published", "2016-02-31", "-", stdin="text")


def test_impossible_header_date_is_a_command_error():
    with pytest.raises(CommandError, match="impossible date"):
        run("-", stdin="date 2016-02-31 Headline\nBody")
