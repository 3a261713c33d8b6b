"""Celery tasks: thin wrappers that load by id and call sources.services.

Late acknowledgement (settings) means a task whose worker dies is delivered again; the
services make every run idempotent, and `requeue_stuck_sources` catches whatever a
lost message would otherwise leave behind.
"""

from __future__ import annotations

from celery import shared_task

from sources import services
from sources.fetching import TransientFetchError

# Transient network errors are retried this many times, waiting longer each time.
FETCH_RETRIES = 3
RETRY_BACKOFF_SECONDS = 5


@shared_task(bind=True, acks_late=True, max_retries=FETCH_RETRIES)
def process_source(self, source_id: int) -> str:
    final_attempt = self.request.retries >= self.max_retries
    try:
        return services.process_source(source_id, final_attempt=final_attempt)
    except TransientFetchError as exc:
        raise self.retry(
            exc=exc, countdown=RETRY_BACKOFF_SECONDS * 2**self.request.retries
        ) from exc


@shared_task
def requeue_stuck_sources() -> int:
    return services.requeue_stuck_sources()


@shared_task
def poll_feeds() -> int:
    """Queue a poll of every active feed whose interval has passed."""
    feed_ids = services.due_feeds()
    for feed_id in feed_ids:
        poll_feed.delay(feed_id)
    return len(feed_ids)


@shared_task(acks_late=True)
def poll_feed(feed_id: int) -> dict | None:
    result = services.poll_feed(feed_id)
    return None if result is None else vars(result)
