"""Query parameters of the events list and its exports, matching the timeline page's filters.

Every parameter is parsed strictly: a value the filter cannot use is a 400 naming the
parameter, never silently ignored and never a 500.
"""

from __future__ import annotations

import calendar
import re
from datetime import date

import django_filters
from django import forms
from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from drf_spectacular.utils import extend_schema_field

from events.models import Actor, Citation, Event, EventActor, EventType, Place, Status

SEARCH_CONFIG = "english"
# Each ordering names the columns the cursor walks; the first is the cursor's position,
# the rest break ties so pages never overlap.
ORDERINGS: dict[str, tuple[str, ...]] = {
    "earliest": ("earliest", "latest", "id"),
    "-earliest": ("-earliest", "-latest", "-id"),
    "-updated": ("-updated", "-id"),
    "-rank": ("-rank", "earliest", "id"),
}
DEFAULT_ORDERING = "earliest"
RANKED_ORDERING = "-rank"

_PARTIAL_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
# Empty is allowed: forms send "?start=&end=" for fields left blank.
BOUND_SCHEMA = {
    "type": "string",
    "pattern": r"^(\d{4}(-\d{2}(-\d{2})?)?)?$",
    "example": "2016-09",
}


def parse_bound(value: str, *, upper: bool) -> date:
    """`YYYY`, `YYYY-MM` or `YYYY-MM-DD` as the first (or, for an upper bound, last) day
    it covers. Anything else raises ValueError: "09/17/2016" is ambiguous, so refused."""
    match = _PARTIAL_DATE.match(value.strip())
    if not match:
        raise ValueError(value)
    year, month, day = (int(part) if part else None for part in match.groups())
    if year < 1:
        raise ValueError(value)
    if month is None:
        return date(year, 12, 31) if upper else date(year, 1, 1)
    if day is None:
        last = calendar.monthrange(year, month)[1] if 1 <= month <= 12 else 0
        return date(year, month, last if upper else 1)
    return date(year, month, day)


class BoundField(forms.CharField):
    """A date bound: a year, a month or a day, read as the start or end of that span."""

    def __init__(self, *, upper: bool, **kwargs) -> None:
        self.upper = upper
        super().__init__(**kwargs)

    def clean(self, value: str | None) -> date | None:
        value = super().clean(value)
        if not value:
            return None
        try:
            return parse_bound(value, upper=self.upper)
        except ValueError:
            # The value goes in params: django-filter %-formats every message, so a "%"
            # typed by the client must not be part of the format string.
            raise forms.ValidationError(
                "%(value)r is not a date: use YYYY, YYYY-MM or YYYY-MM-DD.",
                params={"value": value},
            ) from None


class BoundFilter(django_filters.Filter):
    field_class = BoundField


class IdFilter(django_filters.NumberFilter):
    """A row id: a whole number, so "1.5" is a 400 rather than a silent match on 1."""

    field_class = forms.IntegerField


class StrictBooleanField(forms.CharField):
    """true/false (or 1/0, yes/no); anything else is refused rather than read as "any"."""

    VALUES = {"true": True, "1": True, "yes": True, "false": False, "0": False, "no": False}

    def clean(self, value: str | None) -> bool | None:
        value = super().clean(value)
        if not value:
            return None
        try:
            return self.VALUES[value.strip().lower()]
        except KeyError:
            raise forms.ValidationError(
                "%(value)r is not true or false.", params={"value": value}
            ) from None


class StrictBooleanFilter(django_filters.BooleanFilter):
    field_class = StrictBooleanField


class SlugOrIdField(forms.CharField):
    def clean(self, value: str | None) -> str | None:
        value = super().clean(value)
        if value and not re.fullmatch(r"[-\w]+", value):
            raise forms.ValidationError(
                "%(value)r is neither an id nor a slug.", params={"value": value}
            )
        return value or None


class SlugOrIdFilter(django_filters.Filter):
    field_class = SlugOrIdField


def _slug_or_id(value: str) -> Q:
    return Q(pk=int(value)) if value.isdigit() else Q(slug=value)


class EventFilter(django_filters.FilterSet):
    start = BoundFilter(
        upper=False,
        method="filter_start",
        help_text="Events that may have happened on or after this day (YYYY, YYYY-MM or "
        "YYYY-MM-DD): their latest bound is not before it.",
    )
    end = BoundFilter(
        upper=True,
        method="filter_end",
        help_text="Events that may have happened on or before this day (YYYY, YYYY-MM or "
        "YYYY-MM-DD; a month or year means its last day): their earliest bound is not after it.",
    )
    type = django_filters.MultipleChoiceFilter(
        choices=EventType.choices, help_text="Event type; repeat for any of several."
    )
    actor = SlugOrIdFilter(
        method="filter_actor", help_text="An actor taking part in any role (slug or id)."
    )
    role = django_filters.ChoiceFilter(
        choices=EventActor.Role.choices,
        method="filter_noop",
        help_text="With `actor`: only events where that actor has this role.",
    )
    place = SlugOrIdFilter(method="filter_place", help_text="Place (slug or id).")
    source = IdFilter(method="filter_source", help_text="Events citing this source (id).")
    publisher = django_filters.CharFilter(
        method="filter_publisher",
        help_text="Events citing a source from this publisher (exact, any case).",
    )
    disputed = StrictBooleanFilter(help_text="Only disputed (or undisputed) events.")
    status = django_filters.MultipleChoiceFilter(
        choices=Status.choices,
        help_text="Review status. Only editors (events.view_event) see events that are not "
        "published, so for anyone else this filter can only narrow to published ones.",
    )
    q = django_filters.CharFilter(
        method="filter_q",
        help_text="Full-text search of titles, summaries and quotes (web-search syntax: "
        '"exact phrase", or, -word). Results are ranked unless another ordering is asked for.',
    )
    ordering = django_filters.ChoiceFilter(
        choices=[(key, key) for key in ORDERINGS],
        method="filter_noop",
        help_text="earliest (default: chronological), -earliest, -updated, or -rank "
        "(with q; the default when q is given).",
    )

    class Meta:
        model = Event
        fields: list[str] = []

    def filter_noop(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        # Read elsewhere (ordering by the paginator, role by filter_actor); declared here so
        # it is validated and documented with the rest.
        return queryset

    @extend_schema_field(BOUND_SCHEMA)
    def filter_start(self, queryset: QuerySet, name: str, value: date) -> QuerySet:
        return queryset.overlapping(value, None)

    @extend_schema_field(BOUND_SCHEMA)
    def filter_end(self, queryset: QuerySet, name: str, value: date) -> QuerySet:
        return queryset.overlapping(None, value)

    def filter_actor(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        actor = Actor.objects.filter(_slug_or_id(value)).values("pk")
        roles = EventActor.objects.filter(event=OuterRef("pk"), actor__in=actor)
        role = self.form.cleaned_data.get("role")
        if role:
            roles = roles.filter(role=role)
        # EXISTS, not a join: an actor with two roles must not list the event twice.
        return queryset.filter(Exists(roles))

    def filter_place(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(place__in=Place.objects.filter(_slug_or_id(value)).values("pk"))

    def filter_source(self, queryset: QuerySet, name: str, value: int) -> QuerySet:
        return queryset.filter(
            Exists(Citation.objects.filter(event=OuterRef("pk"), source_id=value))
        )

    def filter_publisher(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(
            Exists(Citation.objects.filter(event=OuterRef("pk"), source__publisher__iexact=value))
        )

    def filter_q(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        query = SearchQuery(value, search_type="websearch", config=SEARCH_CONFIG)
        return queryset.filter(search=query).annotate(rank=SearchRank(F("search"), query))

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        queryset = super().filter_queryset(queryset)
        return queryset.order_by(*self.ordering_columns())

    def ordering_columns(self) -> tuple[str, ...]:
        return ordering_columns(self.form.cleaned_data)

    def is_valid(self) -> bool:
        valid = super().is_valid()
        if valid:
            data = self.form.cleaned_data
            if data.get("ordering") == RANKED_ORDERING and not data.get("q"):
                self.form.add_error("ordering", "Ordering by -rank needs a search (q).")
            if data.get("role") and not data.get("actor"):
                self.form.add_error("role", "role needs an actor to apply to.")
            valid = self.form.is_valid()
        return valid


def ordering_columns(cleaned: dict) -> tuple[str, ...]:
    """The columns to sort by for validated filter values."""
    key = cleaned.get("ordering") or (RANKED_ORDERING if cleaned.get("q") else DEFAULT_ORDERING)
    return ORDERINGS.get(key, ORDERINGS[DEFAULT_ORDERING])


class ActorFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_q", help_text="Name or alias contains.")
    kind = django_filters.MultipleChoiceFilter(choices=Actor.Kind.choices)

    class Meta:
        model = Actor
        fields: list[str] = []

    def filter_q(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(Q(name__icontains=value) | Q(aliases__contains=[value]))


class PlaceFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_q", help_text="Name contains.")
    country = django_filters.CharFilter(lookup_expr="iexact")

    class Meta:
        model = Place
        fields: list[str] = []

    def filter_q(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(Q(name__icontains=value) | Q(aliases__contains=[value]))


class CitationFilter(django_filters.FilterSet):
    event = IdFilter(field_name="event_id")
    source = IdFilter(field_name="source_id")
    stance = django_filters.ChoiceFilter(choices=Citation.Stance.choices)

    class Meta:
        model = Citation
        fields: list[str] = []
