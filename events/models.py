"""The timeline: events, the actors and places they involve, and the citations behind them.

An event's date is an interval with a precision: `earliest` and `latest` bound the days it
may fall on, `edtf` says it as an Extended Date/Time Format string (`2016-09-10~` for about
10 September), and `precision` tells the reader how exact it is.
"""

from __future__ import annotations

from datetime import date

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Length
from simple_history.models import HistoricalRecords

from sources.models import Source


class Precision(models.TextChoices):
    DAY = "day", "day"
    WEEK = "week", "week"
    MONTH = "month", "month"
    QUARTER = "quarter", "quarter"
    SEASON = "season", "season"
    YEAR = "year", "year"
    DECADE = "decade", "decade"
    APPROXIMATE = "approximate", "approximate"


class EventType(models.TextChoices):
    AIRSTRIKE = "airstrike", "airstrike"
    SHELLING = "shelling", "shelling or bombardment"
    GROUND_OFFENSIVE = "ground_offensive", "ground offensive"
    ATTACK = "attack", "attack"
    CEASEFIRE_AGREED = "ceasefire_agreed", "ceasefire agreed"
    CEASEFIRE_IN_FORCE = "ceasefire_in_force", "ceasefire in force"
    CEASEFIRE_ENDED = "ceasefire_ended", "ceasefire ended"
    STATEMENT = "statement", "statement or accusation"
    CASUALTY_REPORT = "casualty_report", "casualty report"
    MEETING = "meeting", "meeting or negotiation"
    INVESTIGATION = "investigation", "investigation"
    HUMANITARIAN = "humanitarian", "humanitarian incident"
    OTHER = "other", "other"


class Status(models.TextChoices):
    CANDIDATE = "candidate", "candidate"
    PUBLISHED = "published", "published"
    REJECTED = "rejected", "rejected"


class Actor(models.Model):
    class Kind(models.TextChoices):
        STATE = "state", "state"
        ARMED_FORCE = "armed_force", "armed force"
        ARMED_GROUP = "armed_group", "armed group"
        ORGANISATION = "organisation", "organisation"
        PERSON = "person", "person"
        MEDIA = "media", "media"
        UNKNOWN = "unknown", "unknown"

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.UNKNOWN)
    aliases = ArrayField(models.CharField(max_length=200), default=list, blank=True)
    description = models.TextField(blank=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="children"
    )
    # Names found in text but not in the gazetteer arrive as candidates for an editor.
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PUBLISHED)
    created = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        indexes = [GinIndex(fields=["aliases"], name="actor_aliases_gin")]

    def __str__(self) -> str:
        return self.name


class Place(models.Model):
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    aliases = ArrayField(models.CharField(max_length=200), default=list, blank=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    country = models.CharField(max_length=100, blank=True)
    kind = models.CharField(max_length=50, blank=True, help_text="city, airport, region, ...")
    gazetteer_id = models.CharField(max_length=50, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PUBLISHED)
    created = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        indexes = [GinIndex(fields=["aliases"], name="place_aliases_gin")]
        constraints = [
            models.CheckConstraint(
                condition=Q(latitude__isnull=True) | Q(latitude__gte=-90, latitude__lte=90),
                name="place_latitude_range",
            ),
            models.CheckConstraint(
                condition=Q(longitude__isnull=True) | Q(longitude__gte=-180, longitude__lte=180),
                name="place_longitude_range",
            ),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(latitude__isnull=False, longitude__isnull=False),
                name="place_coordinates_both_or_neither",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class EventQuerySet(models.QuerySet):
    def published(self) -> EventQuerySet:
        return self.filter(status=Status.PUBLISHED)

    def overlapping(self, start: date | None, end: date | None) -> EventQuerySet:
        """Events whose [earliest, latest] interval meets [start, end] (either end open)."""
        qs = self
        if start is not None:
            qs = qs.filter(latest__gte=start)
        if end is not None:
            qs = qs.filter(earliest__lte=end)
        return qs

    def chronological(self) -> EventQuerySet:
        return self.order_by("earliest", "latest", "id")


class Event(models.Model):
    title = models.CharField(max_length=300)
    slug = models.SlugField(max_length=200, unique=True)
    summary = models.TextField(blank=True)
    type = models.CharField(max_length=24, choices=EventType.choices, default=EventType.OTHER)
    edtf = models.CharField("date (EDTF)", max_length=64)
    earliest = models.DateField()
    latest = models.DateField()
    precision = models.CharField(max_length=12, choices=Precision.choices, default=Precision.DAY)
    place = models.ForeignKey(
        Place, null=True, blank=True, on_delete=models.SET_NULL, related_name="events"
    )
    actors = models.ManyToManyField(Actor, through="EventActor", related_name="events")
    fatalities_low = models.PositiveIntegerField(null=True, blank=True)
    fatalities_high = models.PositiveIntegerField(null=True, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.CANDIDATE)
    confidence = models.FloatField(default=0.5)
    disputed = models.BooleanField(default=False)
    # Title, summary and citation quotes, kept current by events.services.
    search = SearchVectorField(null=True, editable=False)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(excluded_fields=["search"])
    objects = EventQuerySet.as_manager()

    class Meta:
        ordering = ["earliest", "latest", "id"]
        # Review decisions beyond editing; granted to the Reviewer group (accounts app).
        permissions = [
            ("publish_event", "Can publish or reject events"),
            ("merge_event", "Can merge events, actors and places"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(earliest__lte=F("latest")), name="event_earliest_not_after_latest"
            ),
            models.CheckConstraint(
                condition=Q(fatalities_low__isnull=True)
                | Q(fatalities_high__isnull=True)
                | Q(fatalities_low__lte=F("fatalities_high")),
                name="event_fatalities_low_not_above_high",
            ),
            models.CheckConstraint(
                condition=Q(confidence__gte=0, confidence__lte=1), name="event_confidence_0_1"
            ),
            models.CheckConstraint(
                condition=Q(type__in=[t.value for t in EventType]), name="event_type_valid"
            ),
            models.CheckConstraint(
                condition=Q(precision__in=[p.value for p in Precision]),
                name="event_precision_valid",
            ),
        ]
        indexes = [
            # Timeline order and keyset pagination within a status.
            models.Index(fields=["status", "earliest", "latest", "id"], name="event_timeline_idx"),
            models.Index(fields=["status", "latest"], name="event_latest_idx"),
            models.Index(fields=["type", "earliest"], name="event_type_idx"),
            models.Index(
                fields=["earliest"], condition=Q(disputed=True), name="event_disputed_idx"
            ),
            GinIndex(fields=["search"], name="event_search_gin"),
        ]

    def __str__(self) -> str:
        return self.title


class EventActor(models.Model):
    class Role(models.TextChoices):
        PERPETRATOR = "perpetrator", "perpetrator"
        TARGET = "target", "target"
        SPEAKER = "speaker", "speaker"
        MEDIATOR = "mediator", "mediator"
        SUBJECT = "subject", "subject"

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="event_actors")
    actor = models.ForeignKey(Actor, on_delete=models.CASCADE, related_name="event_roles")
    role = models.CharField(max_length=12, choices=Role.choices)

    class Meta:
        ordering = ["event", "role", "actor__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "actor", "role"], name="event_actor_role_unique"
            ),
        ]
        indexes = [models.Index(fields=["actor", "event"], name="event_actor_actor_idx")]

    def __str__(self) -> str:
        return f"{self.actor} ({self.role})"


class Citation(models.Model):
    """One source's support for an event: the exact quote and what that source claims."""

    class Stance(models.TextChoices):
        ASSERTS = "asserts", "asserts"
        DENIES = "denies", "denies"
        DISPUTES = "disputes", "disputes"

    class MadeBy(models.TextChoices):
        MACHINE = "machine", "machine"
        EDITOR = "editor", "editor"

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="citations")
    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="citations")
    quote = models.TextField()
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    claimed_edtf = models.CharField(max_length=64, blank=True)
    claimed_earliest = models.DateField(null=True, blank=True)
    claimed_latest = models.DateField(null=True, blank=True)
    claimed_precision = models.CharField(max_length=12, choices=Precision.choices, blank=True)
    fatalities_low = models.PositiveIntegerField(null=True, blank=True)
    fatalities_high = models.PositiveIntegerField(null=True, blank=True)
    stance = models.CharField(max_length=10, choices=Stance.choices, default=Stance.ASSERTS)
    made_by = models.CharField(max_length=8, choices=MadeBy.choices, default=MadeBy.MACHINE)
    confidence = models.FloatField(default=0.5)
    created = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["event", "source", "start"]
        constraints = [
            models.CheckConstraint(condition=Q(end__gt=F("start")), name="citation_span_nonempty"),
            models.CheckConstraint(
                condition=Q(end=F("start") + Length("quote")), name="citation_quote_fits_span"
            ),
            models.CheckConstraint(
                condition=Q(claimed_earliest__isnull=True)
                | Q(claimed_latest__isnull=True)
                | Q(claimed_earliest__lte=F("claimed_latest")),
                name="citation_claimed_earliest_not_after_latest",
            ),
            models.CheckConstraint(
                condition=Q(fatalities_low__isnull=True)
                | Q(fatalities_high__isnull=True)
                | Q(fatalities_low__lte=F("fatalities_high")),
                name="citation_fatalities_low_not_above_high",
            ),
            models.CheckConstraint(
                condition=Q(confidence__gte=0, confidence__lte=1), name="citation_confidence_0_1"
            ),
            models.UniqueConstraint(
                fields=["event", "source", "start", "end"], name="citation_unique_span"
            ),
        ]
        indexes = [models.Index(fields=["source", "start"], name="citation_source_idx")]

    def __str__(self) -> str:
        return f"{self.source} on {self.event}"
