"""Print the candidate timeline entries of one article as JSON, writing nothing.

python manage.py parse_text [--published YYYY-MM-DD] [FILE|-]
"""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError

from events.extraction.articles import split_header
from events.extraction.candidates import parse_text
from events.extraction.gazetteer import Gazetteer, default_gazetteer


def _published(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"--published must be a date as YYYY-MM-DD, not {value!r}") from exc


class Command(BaseCommand):
    help = "Print the candidate timeline entries of one article (FILE, or - for stdin) as JSON."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", nargs="?", default="-", help="the article; - reads stdin")
        parser.add_argument(
            "--month-first",
            action="store_true",
            help='read "05/09/2016" as May 9 (default: 5 September)',
        )
        parser.add_argument(
            "--published",
            help="publication date YYYY-MM-DD; default: the first line 'date YYYY-MM-DD ...'",
        )

    def handle(self, *args, **options) -> None:
        published = _published(options["published"]) if options["published"] else None
        raw = self._read(options["file"])
        if published is None:
            try:
                published = split_header(raw.removeprefix("\ufeff"))[0]
            except ValueError as exc:
                raise CommandError(str(exc)) from exc
        if published is None:
            raise CommandError(
                "No publication date: pass --published YYYY-MM-DD or start the text with "
                "a line 'date YYYY-MM-DD Headline'. Relative dates ('on Saturday') need it."
            )
        entries = parse_text(raw, published, _gazetteer(), day_first=not options["month_first"])
        doc = {"published": published.isoformat(), "entries": [e.to_dict() for e in entries]}
        self.stdout.write(json.dumps(doc, ensure_ascii=False, indent=1))

    def _read(self, name: str) -> str:
        if name == "-":
            return sys.stdin.read()
        path = Path(name)
        try:
            return path.read_text(encoding="utf-8", errors="replace")
        except OSError as exc:
            raise CommandError(f"Cannot read {name}: {exc.strerror or exc}") from exc


def _gazetteer() -> Gazetteer:
    """The editors' gazetteer when the database answers and holds one; else the starter
    list shipped with the library (the command must work without a database)."""
    from events.services import load_gazetteer

    try:
        gazetteer = load_gazetteer()
    except DatabaseError:
        return default_gazetteer()
    return gazetteer if gazetteer.entries else default_gazetteer()
