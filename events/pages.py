"""What the reader-facing pages show: filters, keyset pages, the overview chart, the
claims table and the marked-up source text. Views stay thin and call these functions.

Every function here issues a fixed number of queries whatever the number of events it
returns, so pages stay as fast with a million events as with ten.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.contrib.postgres.fields import DateRangeField
from django.contrib.postgres.search import (
    SearchHeadline,
    SearchQuery,
    SearchRank,
    SearchVector,
)
from django.core.cache import cache
from django.db import connection
from django.db.backends.postgresql.psycopg_any import DateRange
from django.db.models import (
    BooleanField,
    Count,
    DateField,
    Exists,
    F,
    Func,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    TextField,
    Value,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast, TruncWeek
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from events.extraction.dates import extract_dates
from events.models import Actor, Citation, Event, EventActor, EventType, Place, Precision
from sources.models import Source

logger = logging.getLogger(__name__)

PAGE_SIZE = 30
SEARCH_CONFIG = "english"
# Control characters never occur in normalised text; PostgreSQL wraps matches in them and
# we turn them into <mark> only after escaping everything else.
MARK_START = "\x02"
MARK_STOP = "\x03"
# The chart never draws more bars than this; longer ranges use coarser buckets.
CHART_MAX_BARS = 60
CHART_CACHE_SECONDS = 60
# Related events lie within this many days of the event.
RELATED_WINDOW_DAYS = 21
RELATED_LIMIT = 6
# Choices offered in the filter form; a gazetteer larger than this is filtered by URL.
FILTER_CHOICES_LIMIT = 500

MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
SEASONS = {3: "spring", 6: "summer", 9: "autumn", 12: "winter"}


# --- Dates as the reader sees them -------------------------------------------------------


def short_day(day: date) -> str:
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def format_when(earliest: date, latest: date, precision: str) -> str:
    """A date as written for its precision: "17 Sep 2016", "≈ 10 Sep 2016", "Sep 2016"."""
    if precision == Precision.APPROXIMATE:
        return f"≈ {short_day(earliest + (latest - earliest) / 2)}"
    if precision == Precision.MONTH:
        return f"{MONTHS[earliest.month - 1]} {earliest.year}"
    if precision == Precision.YEAR:
        return str(earliest.year)
    if precision == Precision.DECADE:
        return f"{earliest.year // 10 * 10}s"
    if precision == Precision.QUARTER:
        return f"Q{(earliest.month - 1) // 3 + 1} {earliest.year}"
    if precision == Precision.SEASON:
        return f"{SEASONS.get(earliest.month, 'season of')} {earliest.year}"
    if precision == Precision.WEEK:
        return f"week of {short_day(earliest)}"
    if earliest != latest:
        return f"{short_day(earliest)} – {short_day(latest)}"
    return short_day(earliest)


def group_label(event: Event) -> tuple[str, str]:
    """The heading an event sits under: its day, or its month/year when that is all we
    know. Returns (key, label); events with equal keys share a heading."""
    if event.precision == Precision.APPROXIMATE:
        day = event.earliest + (event.latest - event.earliest) / 2
        return f"~{day.isoformat()}", f"About {day.day} {day:%B} {day.year}"
    if event.precision == Precision.DAY and event.earliest == event.latest:
        day = event.earliest
        return day.isoformat(), f"{day:%A} {day.day} {day:%B} {day.year}"
    if event.precision in (Precision.YEAR, Precision.DECADE):
        return str(event.earliest.year), format_when(event.earliest, event.latest, event.precision)
    return (
        f"{event.earliest:%Y-%m}",
        f"{event.earliest:%B} {event.earliest.year}",
    )


# --- Highlighting ------------------------------------------------------------------------


def marked(text: str | None) -> SafeString:
    """Escape text, then turn PostgreSQL's match markers into <mark> elements.

    Only the two marker characters become markup, and only in matched pairs, so no
    character of the text itself can ever become HTML."""
    if not text:
        return mark_safe("")
    out: list[str] = []
    open_ = False
    for piece in re.split(f"([{MARK_START}{MARK_STOP}])", text):
        if piece == MARK_START and not open_:
            out.append("<mark>")
            open_ = True
        elif piece == MARK_STOP and open_:
            out.append("</mark>")
            open_ = False
        elif piece not in (MARK_START, MARK_STOP):
            out.append(str(escape(piece)))
    if open_:
        out.append("</mark>")
    return mark_safe("".join(out))  # every text piece escaped above


# --- Filters -----------------------------------------------------------------------------


class DateBoundField(forms.CharField):
    """A day, month or year ("2016-09-17", "2016-09", "2016"): the start or end of the
    period it names, so ?to=2016-09 means up to 30 September."""

    def __init__(self, *, end: bool, **kwargs: Any) -> None:
        self.end = end
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> date | None:  # type: ignore[override]
        value = (value or "").strip()
        if not value:
            return None
        match = re.fullmatch(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?", value)
        try:
            if not match:
                raise ValueError
            year, month, day = (int(g) if g else None for g in match.groups())
            if month is None:
                return date(year, 12, 31) if self.end else date(year, 1, 1)
            if day is None:
                start = date(year, month, 1)
                if not self.end:
                    return start
                return (start.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(
                    days=1
                )
            return date(year, month, day)
        except ValueError:
            raise forms.ValidationError(
                "“%(value)s” is not a date; write it as YYYY-MM-DD, YYYY-MM or YYYY.",
                params={"value": value},
                code="invalid",
            ) from None


class TimelineFilterForm(forms.Form):
    """Every state of the timeline is its query string; this form reads and checks it."""

    q = forms.CharField(label="Search", required=False, max_length=200)
    start = DateBoundField(label="From", required=False, end=False)
    end = DateBoundField(label="To", required=False, end=True)
    type = forms.ChoiceField(
        label="Type", required=False, choices=[("", "any type"), *EventType.choices]
    )
    actor = forms.CharField(label="Actor", required=False, max_length=200)
    place = forms.CharField(label="Place", required=False, max_length=200)
    publisher = forms.CharField(label="Publisher", required=False, max_length=200)
    source = forms.IntegerField(label="Source", required=False, min_value=1)
    disputed = forms.BooleanField(label="Disputed only", required=False)
    sort = forms.ChoiceField(
        label="Order",
        required=False,
        choices=[("", "best match when searching"), ("time", "by date")],
    )
    after = forms.CharField(required=False, max_length=80)
    before = forms.CharField(required=False, max_length=80)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and start > end:
            self.add_error("end", "“To” is before “From”; swap them to see that period.")
        return data


@dataclass(frozen=True)
class Cursor:
    """A position in timeline order; serialised into the URL as earliest.latest.id."""

    earliest: date
    latest: date
    id: int

    def __str__(self) -> str:
        return f"{self.earliest.isoformat()}.{self.latest.isoformat()}.{self.id}"

    @classmethod
    def parse(cls, raw: str) -> Cursor:
        try:
            earliest, latest, pk = raw.split(".")
            return cls(date.fromisoformat(earliest), date.fromisoformat(latest), int(pk))
        except ValueError:
            raise ValueError(f"“{raw}” is not a position in the timeline.") from None

    @classmethod
    def of(cls, event: Event) -> Cursor:
        return cls(event.earliest, event.latest, event.pk)


@dataclass(frozen=True)
class RankCursor:
    """A position in best-match order: rank (an integer) and id, as rank~id."""

    rank: int
    id: int

    def __str__(self) -> str:
        return f"r{self.rank}.{self.id}"

    @classmethod
    def parse(cls, raw: str) -> RankCursor:
        try:
            rank, pk = raw.removeprefix("r").split(".")
            return cls(int(rank), int(pk))
        except ValueError:
            raise ValueError(f"“{raw}” is not a position in these results.") from None


@dataclass
class Filters:
    """Checked filter values, plus the messages for values we had to ignore."""

    q: str = ""
    start: date | None = None
    end: date | None = None
    type: str = ""
    actor: Actor | None = None
    place: Place | None = None
    publisher: str = ""
    source: Source | None = None
    disputed: bool = False
    sort: str = ""
    after: str = ""
    before: str = ""
    errors: list[str] = field(default_factory=list)
    params: dict[str, str] = field(default_factory=dict)
    form: TimelineFilterForm | None = None

    @property
    def ranked(self) -> bool:
        return bool(self.q) and self.sort != "time"

    @property
    def active(self) -> bool:
        return any(
            [self.q, self.start, self.end, self.type, self.actor, self.place, self.publisher,
             self.source, self.disputed]
        )  # fmt: skip

    def url(self, **changes: Any) -> str:
        """This state's query string with some parameters changed (None removes one).
        Moving to another page or range always drops the cursor."""
        params = {k: v for k, v in self.params.items() if k not in ("after", "before")}
        for key, value in changes.items():
            if value in (None, ""):
                params.pop(key, None)
            else:
                params[key] = str(value)
        return "?" + urlencode(params) if params else "?"


def read_filters(data: Any, **fixed: Any) -> Filters:
    """Read the query string; bad values are dropped with a message, never an error page.

    `fixed` pins filters for pages that are one actor's or one place's timeline."""
    form = TimelineFilterForm(data)
    form.is_valid()
    filters = Filters(form=form)
    errors = form.errors
    for name, field_errors in errors.items():
        label = form.fields[name].label if name in form.fields else None
        for message in field_errors:
            filters.errors.append(f"{label}: {message}" if label else str(message))
    clean = {k: v for k, v in form.cleaned_data.items() if k not in errors}
    filters.q = (clean.get("q") or "").strip()
    filters.start = clean.get("start")
    filters.end = clean.get("end")
    filters.type = clean.get("type") or ""
    filters.publisher = (clean.get("publisher") or "").strip()
    filters.disputed = bool(clean.get("disputed"))
    filters.sort = clean.get("sort") or ""
    filters.after = clean.get("after") or ""
    filters.before = clean.get("before") or ""
    if actor := (clean.get("actor") or "").strip():
        filters.actor = Actor.objects.filter(Q(slug=actor) | Q(name__iexact=actor)).first()
        if filters.actor is None:
            filters.errors.append(f"Actor: no actor is called “{actor}”.")
    if place := (clean.get("place") or "").strip():
        filters.place = Place.objects.filter(Q(slug=place) | Q(name__iexact=place)).first()
        if filters.place is None:
            filters.errors.append(f"Place: no place is called “{place}”.")
    if source := clean.get("source"):
        filters.source = Source.objects.filter(pk=source).only("id", "title", "url").first()
        if filters.source is None:
            filters.errors.append(f"Source: there is no source {source}.")
    for name, value in fixed.items():
        setattr(filters, name, value)
    # The shareable state: what was asked for and understood, never the rejected values.
    keep = {
        "q": filters.q,
        "start": data.get("start", "") if filters.start else "",
        "end": data.get("end", "") if filters.end else "",
        "type": filters.type,
        "actor": filters.actor.slug if filters.actor and "actor" not in fixed else "",
        "place": filters.place.slug if filters.place and "place" not in fixed else "",
        "publisher": filters.publisher,
        "source": filters.source.pk if filters.source else "",
        "disputed": "on" if filters.disputed else "",
        "sort": filters.sort,
    }
    filters.params = {k: str(v) for k, v in keep.items() if v}
    return filters


def filtered_events(filters: Filters) -> QuerySet[Event]:
    """Published events matching the filters, without order or pagination."""
    qs = Event.objects.published().overlapping(filters.start, filters.end)
    if filters.start and filters.end and (filters.end - filters.start).days <= SPAN_INDEX_MAX_DAYS:
        # The same overlap, said so the GiST index of migration 0006 can answer it. Only for
        # bounded, short ranges: PostgreSQL keeps no statistics on that index and guesses
        # 1% of rows, right for a month and badly wrong for "everything since 2015",
        # which the (status, earliest, latest, id) B-tree serves well.
        qs = qs.alias(span=EVENT_SPAN).filter(
            span__overlap=DateRange(filters.start, filters.end, "[]")
        )
    if filters.type:
        qs = qs.filter(type=filters.type)
    if filters.disputed:
        qs = qs.filter(disputed=True)
    if filters.place:
        qs = qs.filter(place=filters.place)
    # EXISTS rather than joins: one row per event, no DISTINCT, and the planner can stop
    # at the first PAGE_SIZE matches.
    if filters.actor:
        qs = qs.filter(Exists(EventActor.objects.filter(event=OuterRef("pk"), actor=filters.actor)))
    if filters.source:
        qs = qs.filter(Exists(Citation.objects.filter(event=OuterRef("pk"), source=filters.source)))
    if filters.publisher:
        qs = qs.filter(
            Exists(
                Citation.objects.filter(
                    event=OuterRef("pk"), source__publisher__iexact=filters.publisher
                )
            )
        )
    if filters.q:
        qs = qs.filter(search=search_query(filters.q))
    return qs


# Date ranges up to this long are looked up through the span index (see filtered_events).
SPAN_INDEX_MAX_DAYS = 400
# An event's days as a range, written exactly as the index of migration 0006 is.
EVENT_SPAN = Func(
    F("earliest"), F("latest"), Value("[]"), function="daterange", output_field=DateRangeField()
)


def search_query(text: str) -> SearchQuery:
    # websearch syntax: what people type in search boxes ("quoted phrases", -not, or).
    return SearchQuery(text, search_type="websearch", config=SEARCH_CONFIG)


def with_row_details(qs: QuerySet[Event], filters: Filters | None = None) -> QuerySet[Event]:
    """What an event row shows: place, actors, number of sources; with highlights when
    searching. Sub-queries run only for the rows on the page."""
    sources = (
        Citation.objects.filter(event=OuterRef("pk"))
        .order_by()
        .values("event")
        .annotate(n=Count("source", distinct=True))
        .values("n")
    )
    qs = qs.select_related("place").prefetch_related(
        Prefetch(
            "event_actors",
            queryset=EventActor.objects.select_related("actor").order_by("role", "actor__name"),
        )
    )
    qs = qs.annotate(source_count=Subquery(sources, output_field=IntegerField()))
    if filters and filters.q:
        query = search_query(filters.q)
        options = {"start_sel": MARK_START, "stop_sel": MARK_STOP, "config": SEARCH_CONFIG}
        matching_quote = Citation.objects.filter(event=OuterRef("pk")).annotate(
            words=SearchVector("quote", config=SEARCH_CONFIG)
        )
        qs = qs.annotate(
            title_marked=SearchHeadline("title", query, highlight_all=True, **options),
            summary_marked=SearchHeadline("summary", query, max_fragments=2, **options),
            quote_marked=Subquery(
                matching_quote.filter(words=query)
                .order_by("start")
                .annotate(h=SearchHeadline("quote", query, max_fragments=1, **options))
                .values("h")[:1]
            ),
        )
    else:
        # Present on every row, so templates never look up a missing attribute (a failed
        # lookup makes Django's template engine call dir() on the model, per row).
        blank = Value(None, output_field=TextField())
        qs = qs.annotate(title_marked=blank, summary_marked=blank, quote_marked=blank)
    return qs


@dataclass
class TimelinePage:
    groups: list[tuple[str, list[Event]]]
    events: list[Event]
    later: str | None
    earlier: str | None


def timeline_page(filters: Filters, page_size: int = PAGE_SIZE) -> TimelinePage:
    """One page of the timeline, found by keyset (the cursor in ?after= / ?before=).

    Seeking from the last row seen uses the (status, earliest, latest, id) index, so a page
    deep in the archive costs what the first page costs, unlike OFFSET."""
    qs = filtered_events(filters)
    if filters.ranked:
        return _ranked_page(qs, filters, page_size)
    backwards = False
    try:
        if filters.after:
            c = Cursor.parse(filters.after)
            qs = qs.filter(earliest__gte=c.earliest).filter(
                Q(earliest__gt=c.earliest)
                | Q(earliest=c.earliest, latest__gt=c.latest)
                | Q(earliest=c.earliest, latest=c.latest, id__gt=c.id)
            )
        elif filters.before:
            c = Cursor.parse(filters.before)
            backwards = True
            qs = qs.filter(earliest__lte=c.earliest).filter(
                Q(earliest__lt=c.earliest)
                | Q(earliest=c.earliest, latest__lt=c.latest)
                | Q(earliest=c.earliest, latest=c.latest, id__lt=c.id)
            )
    except ValueError as exc:
        filters.errors.append(f"Page: {exc} Showing the first page.")
    order = ("-earliest", "-latest", "-id") if backwards else ("earliest", "latest", "id")
    rows = list(with_row_details(qs.order_by(*order), filters)[: page_size + 1])
    more = len(rows) > page_size
    rows = _trim_highlights(rows[:page_size])
    if backwards:
        rows.reverse()
        later = filters.url(after=Cursor.of(rows[-1])) if rows else None
        earlier = filters.url(before=Cursor.of(rows[0])) if rows and more else None
    else:
        later = filters.url(after=Cursor.of(rows[-1])) if rows and more else None
        earlier = filters.url(before=Cursor.of(rows[0])) if rows and filters.after else None
    return TimelinePage(group_events(rows), rows, later, earlier)


def _ranked_page(qs: QuerySet[Event], filters: Filters, page_size: int) -> TimelinePage:
    # Ranks are floats; scaled to integers they compare exactly in the cursor.
    rank = Cast(SearchRank(F("search"), search_query(filters.q)) * 1_000_000, IntegerField())
    qs = qs.annotate(rank_i=rank)
    if filters.after:
        try:
            c = RankCursor.parse(filters.after)
            qs = qs.filter(Q(rank_i__lt=c.rank) | Q(rank_i=c.rank, id__gt=c.id))
        except ValueError as exc:
            filters.errors.append(f"Page: {exc} Showing the first page.")
    rows = list(with_row_details(qs.order_by("-rank_i", "id"), filters)[: page_size + 1])
    more = len(rows) > page_size
    rows = _trim_highlights(rows[:page_size])
    later = filters.url(after=RankCursor(rows[-1].rank_i, rows[-1].pk)) if more else None
    earlier = filters.url() if filters.after else None
    return TimelinePage([("Best matches first", rows)] if rows else [], rows, later, earlier)


def _trim_highlights(rows: list[Event]) -> list[Event]:
    """Show a summary or quote under a search result only where it matched, and a quote
    only when it says more than the summary (extraction often makes one the other)."""
    for event in rows:
        summary, quote = event.summary_marked, event.quote_marked
        if summary and MARK_START not in summary:
            event.summary_marked = summary = None
        plain = (quote or "").replace(MARK_START, "").replace(MARK_STOP, "")
        if quote and summary and plain.strip(" .…") in event.summary:
            event.quote_marked = None
    return rows


def group_events(events: list[Event]) -> list[tuple[str, list[Event]]]:
    last_key = None
    out: list[tuple[str, list[Event]]] = []
    for event in events:
        key, label = group_label(event)
        if key != last_key:
            out.append((label, []))
            last_key = key
        out[-1][1].append(event)
    return out


# --- Overview chart ----------------------------------------------------------------------


@dataclass
class Bar:
    start: date
    end: date
    count: int
    label: str
    url: str
    x: float = 0
    y: float = 0
    height: float = 0


@dataclass
class Chart:
    bars: list[Bar]
    unit: str
    width: int
    height: int
    bar_width: float
    total: int
    max_count: int
    first: str = ""
    last: str = ""


CHART_WIDTH = 720
CHART_HEIGHT = 120


def _bucket_start(day: date, unit: str) -> date:
    if unit == "day":
        return day
    if unit == "week":
        return day - timedelta(days=day.weekday())
    if unit == "month":
        return day.replace(day=1)
    return day.replace(month=1, day=1)


def _bucket_end(start: date, unit: str) -> date:
    if unit == "day":
        return start
    if unit == "week":
        return start + timedelta(days=6)
    if unit == "month":
        return (start.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    return start.replace(month=12, day=31)


def _bucket_label(start: date, unit: str) -> str:
    if unit == "day":
        return short_day(start)
    if unit == "week":
        return f"week of {short_day(start)}"
    if unit == "month":
        return f"{MONTHS[start.month - 1]} {start.year}"
    return str(start.year)


def _chart_key(filters: Filters) -> str:
    parts = [
        filters.q, filters.start, filters.end, filters.type,
        filters.actor.pk if filters.actor else "", filters.place.pk if filters.place else "",
        filters.publisher.lower(), filters.source.pk if filters.source else "", filters.disputed,
    ]  # fmt: skip
    # The database's name too: one Redis may serve the app, the tests and the benchmarks.
    parts.append(connection.settings_dict["NAME"])
    return "chart:" + hashlib.sha256(repr(parts).encode()).hexdigest()


def _count_per_period(filters: Filters) -> list[tuple[date, int]]:
    """Events per week of their earliest day, or per day when the selection spans no more
    than CHART_MAX_BARS days. At most two small GROUP BY queries."""
    qs = filtered_events(filters).order_by()
    weeks = list(
        qs.annotate(week=TruncWeek("earliest", output_field=DateField()))
        .values_list("week")
        .annotate(n=Count("id"))
        .order_by("week")
    )
    if weeks and (weeks[-1][0] - weeks[0][0]).days + 7 <= CHART_MAX_BARS + 7:
        return list(qs.values_list("earliest").annotate(n=Count("id")).order_by("earliest"))
    return weeks


def chart_counts(filters: Filters) -> list[tuple[date, int]]:
    """Counting a whole archive is the one cost of the timeline that grows with it, so
    counts are cached per selection for CHART_CACHE_SECONDS: a new event reaches the chart
    that much later (the list itself is always current). Without the cache we count."""
    if CHART_CACHE_SECONDS <= 0:
        return _count_per_period(filters)
    key = _chart_key(filters)
    try:
        counts = cache.get(key)
    except Exception:  # the cache is an optimisation; a Redis outage must not break pages
        logger.warning("chart cache unavailable", exc_info=True)
        return _count_per_period(filters)
    if counts is None:
        counts = _count_per_period(filters)
        try:
            cache.set(key, counts, CHART_CACHE_SECONDS)
        except Exception:
            logger.warning("chart cache unavailable", exc_info=True)
    return counts


def overview_chart(filters: Filters) -> Chart | None:
    """Counts of the selected events per day, week, month or year (whichever keeps the
    chart under CHART_MAX_BARS bars), each bar a link narrowing the range to itself."""
    per_day = chart_counts(filters)
    if not per_day:
        return None
    first, last = per_day[0][0], per_day[-1][0]
    span = (last - first).days + 1
    unit = next(
        (
            u
            for u, days in (("day", 1), ("week", 7), ("month", 31))
            if span / days <= CHART_MAX_BARS
        ),
        "year",
    )
    buckets: OrderedDict[date, int] = OrderedDict()
    cursor = _bucket_start(first, unit)
    # Empty buckets are drawn too: gaps in time are information.
    while cursor <= last:
        buckets[cursor] = 0
        cursor = _bucket_end(cursor, unit) + timedelta(days=1)
    for day, n in per_day:
        buckets[_bucket_start(day, unit)] += n
    max_count = max(buckets.values())
    bar_width = CHART_WIDTH / len(buckets)
    bars = []
    for i, (start, n) in enumerate(buckets.items()):
        end = _bucket_end(start, unit)
        height = (CHART_HEIGHT - 4) * n / max_count if n else 0
        bars.append(
            Bar(
                start=start,
                end=end,
                count=n,
                label=f"{_bucket_label(start, unit)}: {n} event{'' if n == 1 else 's'}",
                url=filters.url(start=start.isoformat(), end=end.isoformat()),
                x=round(i * bar_width, 2),
                y=round(CHART_HEIGHT - height, 2),
                height=round(height, 2),
            )
        )
    return Chart(
        bars=bars,
        unit=unit,
        width=CHART_WIDTH,
        height=CHART_HEIGHT,
        bar_width=round(max(bar_width - 1, 1), 2),
        total=sum(buckets.values()),
        max_count=max_count,
        first=_bucket_label(bars[0].start, unit),
        last=_bucket_label(bars[-1].start, unit),
    )


# --- Event page --------------------------------------------------------------------------


def event_for_page(slug: str) -> Event:
    return (
        Event.objects.published()
        .select_related("place")
        .prefetch_related(
            Prefetch(
                "event_actors",
                queryset=EventActor.objects.select_related("actor").order_by("role", "actor__name"),
            ),
            Prefetch(
                "citations",
                queryset=Citation.objects.select_related("source").order_by(
                    "source__published", "source_id", "start"
                ),
            ),
        )
        .get(slug=slug)
    )


@dataclass
class SourceClaims:
    source: Source
    citations: list[Citation]
    fatalities: str = ""
    when: str = ""
    stance: str = ""


def _fatalities(low: int | None, high: int | None) -> str:
    if low is None and high is None:
        return ""
    if low is None or high is None or low == high:
        return str(low if low is not None else high)
    return f"{low}–{high}"


def citations_by_source(event: Event) -> list[SourceClaims]:
    """Citations grouped by source, each with what that source claims (from its citations)."""
    grouped: OrderedDict[int, SourceClaims] = OrderedDict()
    for citation in event.citations.all():
        claims = grouped.setdefault(
            citation.source_id, SourceClaims(source=citation.source, citations=[])
        )
        claims.citations.append(citation)
        figure = _fatalities(citation.fatalities_low, citation.fatalities_high)
        if figure and not claims.fatalities:
            claims.fatalities = figure
        if citation.claimed_earliest and not claims.when:
            claims.when = format_when(
                citation.claimed_earliest,
                citation.claimed_latest or citation.claimed_earliest,
                citation.claimed_precision or Precision.DAY,
            )
        elif citation.claimed_edtf and not claims.when:
            claims.when = citation.claimed_edtf
        if citation.stance != Citation.Stance.ASSERTS:
            claims.stance = citation.get_stance_display()
    return list(grouped.values())


def disagreements(claims: list[SourceClaims]) -> list[str]:
    """Which claims differ between sources: "fatalities", "date", "stance"."""
    out = []
    if len({c.fatalities for c in claims if c.fatalities}) > 1:
        out.append("fatalities")
    if len({c.when for c in claims if c.when}) > 1:
        out.append("date")
    if any(c.stance for c in claims) and len(claims) > 1:
        out.append("stance")
    return out


def neighbours(event: Event) -> tuple[Event | None, Event | None]:
    """The published events just before and after this one in timeline order."""
    qs = Event.objects.published().only("slug", "title", "edtf", "earliest", "latest", "precision")
    before = (
        qs.filter(earliest__lte=event.earliest)
        .filter(
            Q(earliest__lt=event.earliest)
            | Q(earliest=event.earliest, latest__lt=event.latest)
            | Q(earliest=event.earliest, latest=event.latest, id__lt=event.pk)
        )
        .order_by("-earliest", "-latest", "-id")
        .first()
    )
    after = (
        qs.filter(earliest__gte=event.earliest)
        .filter(
            Q(earliest__gt=event.earliest)
            | Q(earliest=event.earliest, latest__gt=event.latest)
            | Q(earliest=event.earliest, latest=event.latest, id__gt=event.pk)
        )
        .order_by("earliest", "latest", "id")
        .first()
    )
    return before, after


def related_events(event: Event) -> list[Event]:
    """Events near in time that share an actor or the place, nearest first."""
    actor_ids = [ea.actor_id for ea in event.event_actors.all()]
    shares = Q(Exists(EventActor.objects.filter(event=OuterRef("pk"), actor_id__in=actor_ids)))
    if event.place_id:
        shares |= Q(place_id=event.place_id)
    window = timedelta(days=RELATED_WINDOW_DAYS)
    start, end = event.earliest - window, event.latest + window
    qs = (
        Event.objects.published()
        .overlapping(start, end)
        .alias(span=EVENT_SPAN)
        .filter(span__overlap=DateRange(start, end, "[]"))  # the span index, see above
        .exclude(pk=event.pk)
        .filter(shares)
        .only("slug", "title", "type", "edtf", "earliest", "latest", "precision")
        .annotate(
            distance=RawSQL("abs(events_event.earliest - %s)", (event.earliest,)),
        )
        .order_by("distance", "earliest", "id")
    )
    return list(qs[:RELATED_LIMIT])


# --- Source page -------------------------------------------------------------------------


@dataclass
class Piece:
    """A run of source text: plain, or a link to an actor/place/date's entry."""

    text: str
    kind: str = ""  # "", "actor", "place", "date"
    href: str = ""
    title: str = ""


@dataclass
class Block:
    """A top-level run of source text: plain pieces, or one citation's quote (a <mark>)."""

    pieces: list[Piece]
    citation: Citation | None = None
    anchors: list[int] = field(default_factory=list)


@dataclass
class Mention:
    start: int
    end: int
    kind: str
    href: str
    title: str


def _is_acronym(name: str) -> bool:
    # "IS", "UN", "SAA": matched only as written, or "is" and "un" would be actors.
    return name.isupper() or len(name) <= 3


def _name_pattern(names: list[str]) -> re.Pattern[str] | None:
    names = sorted({n for n in names if n and n.strip()}, key=len, reverse=True)
    if not names:
        return None
    alternatives = "|".join(
        re.escape(n) if _is_acronym(n) else f"(?i:{re.escape(n)})" for n in names
    )
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)")


def _named_in(model: type[Actor] | type[Place], text: str) -> list[Actor] | list[Place]:
    """Rows whose name or an alias occurs in the text, found by the database so that a
    large gazetteer is never loaded whole. Acronyms must occur as written (see
    _is_acronym); the regular expression in source_mentions then checks word boundaries."""
    table = model._meta.db_table
    occurs = RawSQL(
        f"strpos(lower(%s), lower({table}.name)) > 0 OR EXISTS ("
        f"SELECT 1 FROM unnest({table}.aliases) a WHERE CASE "
        "WHEN length(a) <= 3 OR a = upper(a) THEN strpos(%s, a) "
        "ELSE strpos(lower(%s), lower(a)) END > 0)",
        (text, text, text),
        output_field=BooleanField(),
    )
    return list(
        model.objects.filter(status="published")
        .filter(occurs)
        .only("id", "name", "slug", "aliases")
    )


def _extracted_dates(source: Source) -> list[Mention]:
    """Dates the extraction library reads in the text, each linked to the timeline of
    its period. Computed on render: pure Python, linear in the text."""
    mentions = []
    try:
        found_dates = extract_dates(
            source.text, source.published, day_first=settings.DATES_DAY_FIRST
        )
    except Exception:  # a reader's page must not fail because the date reader did
        logger.exception("extract_dates failed on source %s", source.pk)
        return []
    for found in found_dates:
        if found.earliest is None:
            continue
        latest = found.latest or found.earliest
        mentions.append(
            Mention(
                found.start,
                found.end,
                "date",
                "/?" + urlencode({"start": found.earliest.isoformat(), "end": latest.isoformat()}),
                format_when(found.earliest, latest, found.precision),
            )
        )
    return mentions


def source_mentions(source: Source) -> list[Mention]:
    """Actors, places and dates mentioned in the text, longest first where they overlap."""
    found: list[Mention] = []
    text = source.text
    for kind, rows, prefix in (
        ("actor", _named_in(Actor, text), "/actors/"),
        ("place", _named_in(Place, text), "/places/"),
    ):
        by_name = {}
        names = []
        for row in rows:
            for name in [row.name, *row.aliases]:
                by_name.setdefault(name.lower(), row)
                names.append(name)
        pattern = _name_pattern(names)
        if pattern is None:
            continue
        for m in pattern.finditer(text):
            row = by_name.get(m.group(0).lower())
            if row is None:
                continue
            found.append(Mention(m.start(), m.end(), kind, f"{prefix}{row.slug}/", row.name))
    found.extend(_extracted_dates(source))
    chosen: list[Mention] = []
    taken: list[tuple[int, int]] = []
    for mention in sorted(found, key=lambda m: (-(m.end - m.start), m.start)):
        if all(mention.end <= s or mention.start >= e for s, e in taken):
            chosen.append(mention)
            taken.append((mention.start, mention.end))
    return sorted(chosen, key=lambda m: m.start)


def _pieces(text: str, offset: int, mentions: list[Mention]) -> list[Piece]:
    pieces: list[Piece] = []
    pos = offset
    end = offset + len(text)
    for m in mentions:
        if m.start < pos or m.end > end:
            continue
        if m.start > pos:
            pieces.append(Piece(text[pos - offset : m.start - offset]))
        pieces.append(Piece(text[m.start - offset : m.end - offset], m.kind, m.href, m.title))
        pos = m.end
    if pos < end:
        pieces.append(Piece(text[pos - offset :]))
    return pieces


def source_blocks(source: Source, citations: list[Citation]) -> list[Block]:
    """The source text cut into plain runs and quoted runs, with mentions linked.

    Overlapping citations: the earliest-starting one is drawn; the others get an anchor at
    their start so /sources/<id>/#c<citation> still lands on the passage."""
    text = source.text
    mentions = source_mentions(source)
    drawn: list[Citation] = []
    extra: dict[int, list[int]] = {}
    for c in sorted(citations, key=lambda c: (c.start, -c.end, c.pk)):
        if c.end > len(text):
            continue
        if drawn and c.start < drawn[-1].end:
            extra.setdefault(drawn[-1].pk, []).append(c.pk)
            continue
        drawn.append(c)
    blocks: list[Block] = []
    pos = 0
    for c in drawn:
        if c.start > pos:
            blocks.append(Block(_pieces(text[pos : c.start], pos, mentions)))
        blocks.append(
            Block(_pieces(text[c.start : c.end], c.start, mentions), c, extra.get(c.pk, []))
        )
        pos = c.end
    if pos < len(text):
        blocks.append(Block(_pieces(text[pos:], pos, mentions)))
    return blocks


@dataclass
class QuotingEvent:
    event: Event
    first_citation: int
    quotes: int


def events_quoting(citations: list[Citation]) -> list[QuotingEvent]:
    """Each event the source supports, once, with its first quote and how many there are."""
    out: OrderedDict[int, QuotingEvent] = OrderedDict()
    for c in citations:
        if c.event_id in out:
            out[c.event_id].quotes += 1
        else:
            out[c.event_id] = QuotingEvent(c.event, c.pk, 1)
    return sorted(out.values(), key=lambda q: (q.event.earliest, q.event.latest, q.event.pk))


def source_citations(source: Source) -> list[Citation]:
    return list(
        Citation.objects.filter(source=source, event__status="published")
        .select_related("event")
        .only(
            "id", "start", "end", "quote", "source_id", "event__slug", "event__title",
            "event__earliest", "event__latest", "event__precision",
        )
        .order_by("start", "id")
    )  # fmt: skip
