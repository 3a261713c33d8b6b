"""Add sources from files, folders (recursively) and URLs through the ingestion pipeline.

manage.py ingest demo/ https://example.org/article.html --kind report --wait
"""

from __future__ import annotations

import time
from collections import Counter
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from sources.models import Source, SourceKind, SourceStatus
from sources.services import Submission, submit_file, submit_source, too_large_message

POLL_SECONDS = 0.5
DEFAULT_WAIT_SECONDS = 600


class Command(BaseCommand):
    help = "Add sources from files, folders and URLs; --wait follows them until processed."

    def add_arguments(self, parser) -> None:
        parser.add_argument("items", nargs="+", metavar="PATH_OR_URL")
        parser.add_argument("--kind", choices=SourceKind.values, default=SourceKind.ARTICLE)
        parser.add_argument(
            "--wait", action="store_true", help="wait until the worker has processed them"
        )
        parser.add_argument(
            "--timeout",
            type=float,
            default=DEFAULT_WAIT_SECONDS,
            help="with --wait: give up waiting after this many seconds",
        )

    def handle(self, *args, items: list[str], kind: str, wait: bool, timeout: float, **options):
        targets = self._targets(items)
        show_progress = options.get("verbosity", 1) >= 1
        submissions: list[Submission] = []
        for target in tqdm(targets, desc="submitting", unit="item", disable=not show_progress):
            submissions.extend(self._submit(target, kind))
        queued = [s for s in submissions if s.outcome == "queued"]
        if wait and queued:
            self._wait([s.source.pk for s in queued], timeout, show_progress)
        self._summary(submissions, waited=wait)

    def _targets(self, items: list[str]) -> list[str | Path]:
        targets: list[str | Path] = []
        for item in items:
            if item.startswith(("http://", "https://")):
                targets.append(item)
                continue
            path = Path(item)
            if path.is_dir():
                targets.extend(
                    sorted(
                        p
                        for p in path.rglob("*")
                        if p.is_file() and not any(part.startswith(".") for part in p.parts)
                    )
                )
            elif path.is_file():
                targets.append(path)
            else:
                raise CommandError(f"{item}: no such file or folder, and not an http(s) URL")
        return targets

    def _submit(self, target: str | Path, kind: str) -> list[Submission]:
        if isinstance(target, str):
            return [submit_source(url=target, kind=kind)]
        size = target.stat().st_size
        if size > settings.SOURCE_MAX_BYTES:
            return [Submission(label=str(target), error=too_large_message(size))]
        return submit_file(data=target.read_bytes(), filename=str(target), kind=kind)

    def _wait(self, source_ids: list[int], timeout: float, show_progress: bool) -> None:
        deadline = time.monotonic() + timeout
        finished = [SourceStatus.DONE, SourceStatus.FAILED]
        with tqdm(
            total=len(source_ids), desc="processing", unit="source", disable=not show_progress
        ) as bar:
            while time.monotonic() < deadline:
                count = Source.objects.filter(pk__in=source_ids, status__in=finished).count()
                bar.update(count - bar.n)
                if count == len(source_ids):
                    return
                time.sleep(POLL_SECONDS)

    def _summary(self, submissions: list[Submission], *, waited: bool) -> None:
        outcomes: Counter[str] = Counter()
        for submission in submissions:
            outcome = submission.outcome
            source = submission.source
            if source is not None and outcome == "queued":
                source.refresh_from_db(fields=["status", "error"])
                outcome = source.status if waited else "queued"
            outcomes[outcome] += 1
            if outcome == SourceStatus.FAILED:
                reason = submission.error or (source.error if source else "")
                self.stderr.write(f"failed: {submission.label}: {reason}")
            elif outcome == "duplicate":
                self.stdout.write(f"duplicate: {submission.label} is source {source.pk} ({source})")
            elif waited and outcome not in {SourceStatus.DONE}:
                self.stderr.write(
                    f"not finished: {submission.label} is still {outcome} (is a worker running?)"
                )
        order = ["done", "queued", "duplicate", "failed"]
        parts = [f"{outcomes[name]} {name}" for name in order if outcomes[name] or name != "queued"]
        parts += [f"{n} {name}" for name, n in outcomes.items() if name not in order]
        self.stdout.write(f"{len(submissions)} sources: " + ", ".join(parts))
        # Input that could not be stored at all is the caller's error; a stored source
        # that failed processing is a result, reported above with its reason.
        if submissions and all(submission.error for submission in submissions):
            raise CommandError("nothing could be added")
