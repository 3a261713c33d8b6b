"""Ingestion: how a file, a text, a URL or a feed item becomes a processed Source.

Read in order:
1. `submit_source` (and `submit_file`, which splits a file into documents and calls it):
   every entry point (ingest command, admin, API, feeds) goes through it. It recognises
   duplicates, commits the Source row as queued, and only then queues its task.
2. `process_source`, run by the Celery worker: claim the source (compare-and-set on its
   status, so two deliveries of one task never both work), fetch and normalise, call the
   configured extractor, mark it done, or failed with a reason a person can act on.
3. `requeue_stuck_sources` and `poll_feed`, run by Celery beat.

The database is the source of truth for work to do: a lost task message (Redis down,
worker killed) delays a source until `requeue_stuck_sources` sends it again, never loses it.
"""

from __future__ import annotations

import ipaddress
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import partial
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django.conf import settings
from django.db import IntegrityError, OperationalError, transaction
from django.db.models import Case, DateTimeField, ExpressionWrapper, F, Q, Value, When
from django.utils import timezone
from django.utils.module_loading import import_string

from sources import fetching, formats
from sources.formats import Document, Failed, FormatError, human_size
from sources.models import Feed, Source, SourceKind, SourceStatus, content_hash
from sources.normalise import normalise_line, normalise_text

logger = logging.getLogger(__name__)

QUEUED = "queued"
DUPLICATE = "duplicate"
FAILED = "failed"
DONE = "done"
# A source that has crashed the worker this many times is not tried again.
MAX_ATTEMPTS = 5
# Query parameters that track the reader, not the article: dropped from canonical URLs.
TRACKING_PARAMETERS = ("utm_", "fbclid", "gclid", "mc_cid", "mc_eid", "ocid", "cmpid")
FALLBACK_TITLE_CHARS = 120
# Extraction failing on a deadlock, a serialization failure or a unique violation
# (PostgreSQL error codes: concurrent sources racing) is retried this often.
RETRYABLE_PGCODES = {"40P01", "40001", "23505"}
DEADLOCK_RETRIES = 5
DEADLOCK_PAUSE_SECONDS = 0.05
# After a failed send to the broker, later sends are skipped this long (see enqueue).
BROKER_RETRY_AFTER_SECONDS = 15


class ProcessingError(Exception):
    """Processing a source failed for a reason worth showing to an editor."""


class _Superseded(Exception):
    """Another worker took the source over (this one was presumed dead)."""


@dataclass
class Submission:
    """What happened to one submitted item: a queued source, a duplicate of an existing
    one, or an error (then nothing was written)."""

    label: str
    source: Source | None = None
    duplicate: bool = False
    error: str = ""

    @property
    def outcome(self) -> str:
        if self.error:
            return FAILED
        return DUPLICATE if self.duplicate else QUEUED


# -- submitting ------------------------------------------------------------------------


def submit_source(
    *,
    url: str | None = None,
    text: str | None = None,
    document: Document | None = None,
    kind: str = SourceKind.ARTICLE,
    title: str = "",
    published: date | None = None,
    publisher: str = "",
    added_by=None,
    label: str = "",
) -> Submission:
    """Store one source (by URL, pasted text or parsed document) and queue its processing.

    Returns the existing source, marked duplicate, when its canonical URL or its
    normalised text is already stored. Errors come back in `Submission.error` with
    nothing written.
    """
    if sum(value is not None for value in (url, text, document)) != 1:
        raise ValueError("submit_source takes exactly one of url, text or document")
    label = label or url or (title or "pasted text")
    if kind not in SourceKind.values:
        return Submission(label=label, error=f"Unknown kind {kind!r}.")
    try:
        if text is not None:
            document = formats.parse_text(text)
            if not document.title:
                first_line = document.text.split("\n", 1)[0]
                document.title = first_line[:FALLBACK_TITLE_CHARS]
        if url is not None:
            document = Document(text="", url=url)
        assert document is not None
        if document.url:
            document.url = canonical_url(document.url)
    except FormatError as exc:
        return Submission(label=label, error=str(exc))
    if title:
        document.title = normalise_line(title)[:500]
    if published and not document.published:
        document.published = published
    if publisher and not document.publisher:
        document.publisher = normalise_line(publisher)[:200]

    # No look-up first: the unique constraints on URL and content hash decide, which is
    # one query less per source and also right when two submissions race.
    source = Source(
        kind=kind,
        url=document.url,
        title=document.title[:500],
        author=document.author[:300],
        publisher=document.publisher[:200],
        published=document.published,
        published_precision=document.published_precision,
        language=document.language or "en",
        text=document.text,
        added_by=added_by,
    )
    try:
        with transaction.atomic():
            source.save()
    except IntegrityError:
        # Stored before (or at this very moment by someone else): theirs is the one.
        existing = _existing(document)
        if existing is None:
            raise
        return Submission(label=label, source=existing, duplicate=True)
    # Queued only once the row is committed: the worker must find it, and a failed
    # send leaves a queued row for requeue_stuck_sources rather than a lost source.
    transaction.on_commit(partial(enqueue, source.pk))
    return Submission(label=label, source=source)


def submit_file(
    *,
    data: bytes,
    filename: str,
    kind: str = SourceKind.ARTICLE,
    added_by=None,
    published: date | None = None,
    publisher: str = "",
) -> list[Submission]:
    """Every document in a file (one, or one per JSON line), each through submit_source.
    `published` and `publisher` fill in what a document does not say itself."""
    if len(data) > settings.SOURCE_MAX_BYTES:
        return [Submission(label=filename, error=too_large_message(len(data)))]
    try:
        documents = formats.read_documents(data, filename=filename)
    except FormatError as exc:
        return [Submission(label=filename, error=str(exc))]
    submissions = []
    for item in documents:
        item_label = f"{filename} {item.label}".strip()
        if isinstance(item, Failed):
            submissions.append(Submission(label=item_label, error=item.reason))
        else:
            submissions.append(
                submit_source(
                    document=item,
                    kind=kind,
                    added_by=added_by,
                    label=item_label,
                    published=published,
                    publisher=publisher,
                )
            )
    return submissions


def too_large_message(size: int) -> str:
    return (
        f"This is {human_size(size)}; a source may be at most "
        f"{human_size(settings.SOURCE_MAX_BYTES)}."
    )


def canonical_url(url: str) -> str:
    """The form of a URL under which one article is stored once: lower-case scheme and
    host, no default port, no fragment, no tracking parameters. Refuses what can never
    be fetched (other schemes, literal private addresses not allow-listed)."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        raise FormatError(f"{url!r} is not a valid URL.") from None
    scheme = parts.scheme.lower()
    if scheme not in {"http", "https"}:
        raise FormatError(f"Only http and https URLs can be added, not {url!r}.")
    host = (parts.hostname or "").lower()
    if not host:
        raise FormatError(f"{url!r} names no host.")
    _refuse_literal_private_address(url, host)
    netloc = f"[{host}]" if ":" in host else host
    if port and port != {"http": 80, "https": 443}[scheme]:
        netloc = f"{netloc}:{port}"
    query = urlencode(
        [
            (key, value)
            for key, value in parse_qsl(parts.query, keep_blank_values=True)
            if not key.lower().startswith(TRACKING_PARAMETERS)
        ]
    )
    return urlunsplit((scheme, netloc, parts.path or "/", query, ""))


def _refuse_literal_private_address(url: str, host: str) -> None:
    """Early, friendly refusal of URLs such as http://10.0.0.1/; host names are checked
    (after resolving) when the worker fetches them."""
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return
    if host in {entry.lower().strip("[]") for entry in settings.SOURCES_FETCH_ALLOWED_HOSTS}:
        return
    reason = fetching.blocked_reason(host)
    if reason:
        raise FormatError(f"Refused {url}: {host} is {reason} address, which may not be fetched.")


def _existing(document: Document) -> Source | None:
    if document.url:
        found = Source.objects.filter(url=document.url).first()
        if found is not None:
            return found
    if document.text:
        return Source.objects.filter(content_hash=content_hash(document.text)).first()
    return None


_broker_down_until = 0.0


def enqueue(source_id: int) -> None:
    """Send the source's task. A broker outage is logged, not raised: the row is
    committed as queued and `requeue_stuck_sources` will send it again."""
    global _broker_down_until
    from sources.tasks import process_source

    # Each failed send waits out the broker's connection retries; after one failure,
    # the next sends in this process are skipped for a while, so a bulk import during
    # an outage is not slowed down source by source.
    if time.monotonic() < _broker_down_until:
        logger.warning("source %s queued in the database only (broker down)", source_id)
        return
    try:
        process_source.apply_async((source_id,), retry=False)
    except Exception as exc:  # any broker failure means "send it later"
        _broker_down_until = time.monotonic() + BROKER_RETRY_AFTER_SECONDS
        logger.warning("source %s queued in the database only (broker: %s)", source_id, exc)


def reprocess_source(source: Source, *, refetch: bool = False) -> bool:
    """Queue a source again (admin actions re-fetch / re-extract). Re-fetching applies
    to sources with a URL and replaces their text with what the page says now."""
    changes: dict = {
        "status": SourceStatus.QUEUED,
        "status_changed": timezone.now(),
        "error": "",
    }
    if refetch:
        if not source.url:
            return False
        changes.update(text="", content_hash=None)
    Source.objects.filter(pk=source.pk).update(**changes)
    transaction.on_commit(partial(enqueue, source.pk))
    return True


# -- processing (the worker) -----------------------------------------------------------


def process_source(source_id: int, *, final_attempt: bool = True) -> str:
    """Fetch (URLs), normalise and extract one source; returns its status afterwards.

    Transient network errors are raised as `fetching.TransientFetchError` for the task
    to retry, unless this is the final attempt: then the source fails with the reason.
    """
    source = _claim(source_id)
    if source is None:
        return "skipped"
    token = source.attempts
    try:
        if source.status == SourceStatus.FETCHING:
            _fetch(source)
        return _extract(source_id, token)
    except _Superseded:
        return "skipped"
    except fetching.TransientFetchError as exc:
        if final_attempt:
            _finish(source_id, token, SourceStatus.FAILED, f"{exc} (gave up after retrying)")
            return FAILED
        _finish(source_id, token, SourceStatus.QUEUED, f"{exc} Trying again shortly.")
        raise
    except (fetching.FetchError, FormatError, ProcessingError) as exc:
        _finish(source_id, token, SourceStatus.FAILED, str(exc))
        return FAILED
    except Exception as exc:
        logger.exception("processing source %s failed", source_id)
        _finish(
            source_id, token, SourceStatus.FAILED, f"Processing failed: {type(exc).__name__}: {exc}"
        )
        return FAILED


def _claim(source_id: int) -> Source | None:
    """Take the source for this worker, or None when it is done, failed, gone, or being
    worked on right now. Its attempt number is the claim's token: later status changes
    only apply while it still matches. Sources with text go straight to extracting."""
    now = timezone.now()
    lease = timedelta(seconds=settings.SOURCES_STUCK_AFTER_SECONDS)
    claimable = Q(status=SourceStatus.QUEUED) | Q(
        status__in=[SourceStatus.FETCHING, SourceStatus.EXTRACTING], status_changed__lt=now - lease
    )
    next_status = Case(
        When(Q(url__isnull=False, text=""), then=Value(SourceStatus.FETCHING)),
        default=Value(SourceStatus.EXTRACTING),
    )
    claimed = Source.objects.filter(claimable, pk=source_id).update(
        status=next_status, status_changed=now, attempts=F("attempts") + 1
    )
    if not claimed:
        return None
    return Source.objects.get(pk=source_id)


def _fetch(source: Source) -> None:
    """Fetch a URL source's page and store its text and metadata (status extracting)."""
    fetched = fetching.fetch(source.url)
    documents = formats.read_documents(
        fetched.body,
        content_type=fetched.content_type,
        declared_charset=fetched.charset,
        url=source.url,
    )
    if len(documents) != 1 or isinstance(documents[0], Failed):
        raise ProcessingError(f"{source.url} is not one article (JSON lines or a list).")
    document = documents[0]
    changes: dict = {"text": document.text, "content_hash": content_hash(document.text)}
    for name in ("title", "author", "publisher", "published", "language"):
        if not getattr(source, name) and getattr(document, name):
            changes[name] = getattr(document, name)
    if "published" in changes:
        changes["published_precision"] = document.published_precision
    _refuse_twin(source.pk, changes["content_hash"])
    try:
        updated = Source.objects.filter(
            pk=source.pk, attempts=source.attempts, status=SourceStatus.FETCHING
        ).update(status=SourceStatus.EXTRACTING, status_changed=timezone.now(), **changes)
    except IntegrityError:
        raise ProcessingError("Duplicate: the same text was stored meanwhile.") from None
    if not updated:
        raise _Superseded


def _refuse_twin(source_id: int, text_hash: str) -> None:
    twin = Source.objects.filter(content_hash=text_hash).exclude(pk=source_id).first()
    if twin is not None:
        raise ProcessingError(
            f"Duplicate: the same text is already stored as source {twin.pk} ({twin}); "
            "it is not stored twice."
        )


def _extract(source_id: int, token: int) -> str:
    extractor = configured_extractor()
    for attempt in range(1, DEADLOCK_RETRIES + 1):
        try:
            return _extract_once(source_id, token, extractor)
        except (OperationalError, IntegrityError) as exc:
            # Two sources about the same event can deadlock while merging into it, or
            # both create the same new row; the transaction was rolled back whole, and
            # run again it finds the other's rows, so retrying is safe.
            if getattr(exc.__cause__, "pgcode", None) not in RETRYABLE_PGCODES:
                raise
            if attempt == DEADLOCK_RETRIES:
                raise ProcessingError(
                    f"Extraction kept colliding with other sources ({exc}); extract it again."
                ) from None
            time.sleep(DEADLOCK_PAUSE_SECONDS * attempt)
    raise AssertionError("unreachable")


def _extract_once(source_id: int, token: int, extractor) -> str:
    with transaction.atomic():
        source = Source.objects.select_for_update().get(pk=source_id)
        if source.status != SourceStatus.EXTRACTING or source.attempts != token:
            return "skipped"
        # Text is normalised at submission; this catches text edited in the admin since.
        normalised = normalise_text(source.text)
        if not normalised:
            raise ProcessingError("The source has no text.")
        if normalised != source.text:
            source.text, source.content_hash = normalised, content_hash(normalised)
            _refuse_twin(source_id, source.content_hash)
            Source.objects.filter(pk=source_id).update(
                text=source.text, content_hash=source.content_hash
            )
        if extractor is not None:
            extractor(source)
        Source.objects.filter(pk=source_id).update(
            status=SourceStatus.DONE, status_changed=timezone.now(), error=""
        )
    return DONE


def configured_extractor() -> Callable[[Source], object] | None:
    """The function named by SOURCES_EXTRACTOR (the events app's record_extraction);
    configured rather than imported, because sources never imports events."""
    path = settings.SOURCES_EXTRACTOR
    if not path:
        return None
    try:
        return import_string(path)
    except ImportError as exc:
        raise ProcessingError(
            f"Extraction is not available: SOURCES_EXTRACTOR={path} cannot be imported ({exc})."
        ) from None


def _finish(source_id: int, token: int, status: str, error: str) -> None:
    Source.objects.filter(pk=source_id, attempts=token).exclude(status=SourceStatus.DONE).update(
        status=status, status_changed=timezone.now(), error=error
    )


def requeue_stuck_sources(older_than: timedelta | None = None) -> int:
    """Queue again the sources left unfinished too long (lost message, dead worker);
    fail those that already used up their attempts. Returns how many were queued."""
    older_than = older_than or timedelta(seconds=settings.SOURCES_STUCK_AFTER_SECONDS)
    now = timezone.now()
    Source.objects.stuck(older_than).filter(
        status__in=[SourceStatus.FETCHING, SourceStatus.EXTRACTING], attempts__gte=MAX_ATTEMPTS
    ).update(
        status=SourceStatus.FAILED,
        status_changed=now,
        error=f"Gave up after {MAX_ATTEMPTS} attempts: processing stopped each time "
        "(worker crash or timeout).",
    )
    requeued = 0
    for source_id in Source.objects.stuck(older_than).values_list("pk", flat=True):
        # Compare-and-set, so two beat runs cannot both send it.
        if (
            Source.objects.stuck(older_than)
            .filter(pk=source_id)
            .update(status=SourceStatus.QUEUED, status_changed=now)
        ):
            transaction.on_commit(partial(enqueue, source_id))
            requeued += 1
    if requeued:
        logger.info("requeued %s stuck sources", requeued)
    return requeued


# -- feeds -----------------------------------------------------------------------------


@dataclass
class FeedPoll:
    new: int = 0
    duplicates: int = 0
    skipped: int = 0
    not_modified: bool = False
    error: str = ""


def due_feeds(now: datetime | None = None) -> list[int]:
    now = now or timezone.now()
    return list(
        Feed.objects.filter(active=True)
        .alias(
            due=ExpressionWrapper(
                F("last_polled") + F("poll_interval"), output_field=DateTimeField()
            )
        )
        .filter(Q(last_polled__isnull=True) | Q(due__lte=now))
        .values_list("pk", flat=True)
    )


def poll_feed(feed_id: int, *, force: bool = False) -> FeedPoll | None:
    """Fetch a feed (conditionally: ETag / Last-Modified) and submit its new items by
    URL. Returns None when the feed is not due or another poller has just taken it."""
    now = timezone.now()
    feeds = Feed.objects.filter(pk=feed_id, active=True)
    if not force:
        feeds = feeds.alias(
            due=ExpressionWrapper(
                F("last_polled") + F("poll_interval"), output_field=DateTimeField()
            )
        ).filter(Q(last_polled__isnull=True) | Q(due__lte=now))
    if not feeds.update(last_polled=now):
        return None
    feed = Feed.objects.get(pk=feed_id)
    headers = {}
    if feed.etag:
        headers["If-None-Match"] = feed.etag
    if feed.last_modified:
        headers["If-Modified-Since"] = feed.last_modified
    result = FeedPoll()
    try:
        fetched = fetching.fetch(feed.url, headers=headers)
    except fetching.FetchError as exc:
        result.error = str(exc)
        Feed.objects.filter(pk=feed_id).update(last_error=result.error)
        return result
    if fetched.not_modified:
        result.not_modified = True
        Feed.objects.filter(pk=feed_id).update(last_error="")
        return result
    import feedparser

    parsed = feedparser.parse(fetched.body)
    if parsed.bozo and not parsed.entries:
        result.error = f"{feed.url} is not a readable RSS/Atom feed ({parsed.bozo_exception})."
        Feed.objects.filter(pk=feed_id).update(last_error=result.error)
        return result
    for entry in parsed.entries:
        link = entry.get("link")
        if not link:
            result.skipped += 1
            continue
        submission = submit_source(
            url=link,
            title=entry.get("title", ""),
            published=_entry_date(entry),
            label=f"{feed} item {link}",
        )
        if submission.error:
            result.skipped += 1
        elif submission.duplicate:
            result.duplicates += 1
        else:
            result.new += 1
    Feed.objects.filter(pk=feed_id).update(
        etag=fetched.headers.get("etag", "")[:300],
        last_modified=fetched.headers.get("last-modified", "")[:100],
        last_error="",
        title=feed.title or normalise_line(parsed.feed.get("title", ""))[:300],
    )
    return result


def _entry_date(entry) -> date | None:
    parsed = entry.get("published_parsed") or entry.get("updated_parsed")
    if not parsed:
        return None
    return date(parsed.tm_year, parsed.tm_mon, parsed.tm_mday)
