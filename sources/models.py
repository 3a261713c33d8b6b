"""Where text comes from: sources, the feeds that bring them, and editors' annotations.

`Source.text` is the normalised plain text; every character offset in the project
(annotations, citations) points into it, and the database refuses offsets that do not.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Length
from django.utils import timezone
from simple_history.models import HistoricalRecords


class Precision(models.TextChoices):
    DAY = "day", "day"
    MONTH = "month", "month"
    YEAR = "year", "year"


def content_hash(text: str) -> str:
    """Hash of normalised text, the key by which the same content is recognised twice."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class SourceKind(models.TextChoices):
    ARTICLE = "article", "article"
    STATEMENT = "statement", "statement"
    REPORT = "report", "report"
    POST = "post", "post"
    DATASET = "dataset", "dataset"


class SourceStatus(models.TextChoices):
    QUEUED = "queued", "queued"
    FETCHING = "fetching", "fetching"
    EXTRACTING = "extracting", "extracting"
    DONE = "done", "done"
    FAILED = "failed", "failed"

    @classmethod
    def unfinished(cls) -> list[str]:
        return [cls.QUEUED, cls.FETCHING, cls.EXTRACTING]


class SourceQuerySet(models.QuerySet):
    def stuck(self, older_than: timedelta) -> SourceQuerySet:
        """Sources whose work started (or was queued) too long ago and never finished."""
        cutoff = timezone.now() - older_than
        return self.filter(status__in=SourceStatus.unfinished(), status_changed__lt=cutoff)

    def done(self) -> SourceQuerySet:
        return self.filter(status=SourceStatus.DONE)


class Source(models.Model):
    Kind = SourceKind
    Status = SourceStatus

    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.ARTICLE)
    # NULL, not "", for "no URL": the uniqueness of URLs must ignore sources without one.
    url = models.URLField("canonical URL", max_length=2000, null=True, blank=True)  # noqa: DJ001
    title = models.CharField(max_length=500, blank=True)
    publisher = models.CharField(max_length=200, blank=True, db_index=True)
    author = models.CharField(max_length=300, blank=True)
    published = models.DateField(null=True, blank=True)
    published_precision = models.CharField(
        max_length=8, choices=Precision.choices, default=Precision.DAY
    )
    language = models.CharField(max_length=16, blank=True, default="en")
    text = models.TextField(blank=True, help_text="Normalised plain text; offsets point into it.")
    content_hash = models.CharField(max_length=64, null=True, blank=True, editable=False)  # noqa: DJ001
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.QUEUED)
    status_changed = models.DateTimeField(default=timezone.now)
    error = models.TextField(blank=True)
    attempts = models.PositiveIntegerField(default=0)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="sources_added",
    )
    reliability_notes = models.TextField(blank=True)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()
    objects = SourceQuerySet.as_manager()

    class Meta:
        ordering = ["-published", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["content_hash"],
                condition=Q(content_hash__isnull=False),
                name="source_unique_content_hash",
            ),
            models.UniqueConstraint(
                fields=["url"], condition=Q(url__isnull=False), name="source_unique_url"
            ),
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in SourceStatus]), name="source_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(url__isnull=False) | ~Q(text=""), name="source_has_url_or_text"
            ),
        ]
        indexes = [
            models.Index(fields=["status", "status_changed"], name="source_status_idx"),
            models.Index(fields=["published"], name="source_published_idx"),
        ]

    def __str__(self) -> str:
        return self.title or self.url or f"Source {self.pk}"

    def save(self, *args, **kwargs) -> None:
        if self.text:
            self.content_hash = content_hash(self.text)
        super().save(*args, **kwargs)


class Feed(models.Model):
    url = models.URLField(max_length=2000, unique=True)
    title = models.CharField(max_length=300, blank=True)
    active = models.BooleanField(default=True)
    poll_interval = models.DurationField(default=timedelta(minutes=30))
    etag = models.CharField(max_length=300, blank=True)
    last_modified = models.CharField(max_length=100, blank=True)
    last_polled = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["title", "url"]
        constraints = [
            models.CheckConstraint(
                condition=Q(poll_interval__gte=timedelta(minutes=1)),
                name="feed_poll_interval_at_least_a_minute",
            ),
        ]

    def __str__(self) -> str:
        return self.title or self.url


class Annotation(models.Model):
    class Kind(models.TextChoices):
        COMMENT = "comment", "comment"
        CORRECTION = "correction", "correction"
        DISPUTE = "dispute", "dispute"
        CONTEXT = "context", "context"

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="annotations")
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    quote = models.TextField()
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.COMMENT)
    body = models.TextField()
    public = models.BooleanField(default=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="annotations",
    )
    created = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["source", "start", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=F("start")), name="annotation_span_nonempty"
            ),
            models.CheckConstraint(
                condition=Q(end=F("start") + Length("quote")), name="annotation_quote_fits_span"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.source}: {self.quote[:40]}"
