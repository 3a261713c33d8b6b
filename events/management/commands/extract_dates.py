"""``manage.py extract_dates [--published YYYY-MM-DD] [--month-first] [FILE|-]``.

Prints a JSON list of the temporal expressions found in the text, with offsets
into the text exactly as read.
"""

from __future__ import annotations

import json
import sys
from datetime import date

from django.core.management.base import BaseCommand, CommandError

from events.extraction.articles import split_header
from events.extraction.dates import extract_dates


class Command(BaseCommand):
    help = "Find dates in a text (file or stdin) and print them as JSON."
    # a text tool: no models, no URLs; skipping the checks keeps it fast (the scorer
    # runs it once per document)
    requires_system_checks: list[str] = []
    stealth_options = ("stdin",)  # call_command(..., stdin=StringIO(...)) in tests

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", default="-", help="text file, or - for stdin")
        parser.add_argument("--published", help="publication date YYYY-MM-DD (reference date)")
        parser.add_argument(
            "--month-first",
            action="store_true",
            help="read 05/09/2016 as May 9 (default: day first)",
        )

    def handle(self, *args, **options):
        path = options["file"]
        try:
            if path == "-":
                stream = options.get("stdin") or sys.stdin
                raw = stream.buffer.read() if hasattr(stream, "buffer") else stream.read()
                text = raw.decode("utf-8", errors="replace") if isinstance(raw, bytes) else raw
            else:
                with open(path, encoding="utf-8", errors="replace", newline="") as fh:
                    text = fh.read()
        except OSError as exc:
            raise CommandError(f"cannot read {path}: {exc}") from exc

        published = None
        header_end = 0
        if options["published"]:
            try:
                published = date.fromisoformat(options["published"].strip())
            except ValueError as exc:
                raise CommandError(
                    f"--published must be a real date YYYY-MM-DD, not {options['published']!r}"
                ) from exc
        else:
            try:
                published, _headline, _body, header_end = split_header(text)
            except ValueError as exc:
                raise CommandError(str(exc)) from exc
            if published is None:
                raise CommandError(
                    "no reference date: pass --published YYYY-MM-DD or start the text with "
                    "a line 'date YYYY-MM-DD Headline'"
                )
        found = extract_dates(text, published, day_first=not options["month_first"])
        if header_end:  # the header's own "date YYYY-MM-DD" is metadata, not a mention
            found = [
                e for e in found if not (e.end <= header_end and text[: e.start].strip() == "date")
            ]
        self.stdout.write(json.dumps([e.to_dict() for e in found], ensure_ascii=False))
