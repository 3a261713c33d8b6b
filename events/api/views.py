"""API endpoints for events, actors, places and citations.

Reading is open to anyone (anonymous readers see published rows only); writing needs the
model permission (DjangoModelPermissionsOrAnonReadOnly, from settings). Every successful
read carries an ETag so clients can revalidate with If-None-Match and get a 304.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from events.api.exports import (
    EXPORT_FORMATS,
    EXPORT_RENDERERS,
    GEOJSON_SCHEMA,
    TIMELINEJS_SCHEMA,
    ExportRenderer,
    ExportSelection,
)
from events.api.filters import ActorFilter, CitationFilter, EventFilter, PlaceFilter
from events.api.pagination import (
    EventCursorPagination,
    NameCursorPagination,
    StrictCursorPagination,
)
from events.api.serializers import (
    ActorSerializer,
    CitationSerializer,
    EventSerializer,
    PlaceSerializer,
)
from events.models import Actor, Citation, Event, EventActor, Place, Status

# Anonymous reads may be cached by browsers and proxies this long; short, because editors
# publish corrections and readers should see them within a minute.
ANONYMOUS_MAX_AGE = 60
# An export is built in memory; larger selections must be narrowed with filters.
EXPORT_MAX_EVENTS = 10_000
INCLUDABLE = {"citations"}

INCLUDE_PARAMETER = OpenApiParameter(
    "include",
    OpenApiTypes.STR,
    enum=sorted(INCLUDABLE),
    description="`citations`: add each event's citations with quotes and source links.",
)


class ConditionalReadMixin:
    """ETag on every successful read, a 304 when the client already has it, and cache
    headers: public and short for anonymous readers, private for signed-in ones."""

    # Any path segment reaches the view, so /api/events/abc/ is DRF's JSON 404 rather
    # than Django's HTML page for an unmatched URL.
    lookup_value_regex = "[^/]+"

    def finalize_response(self, request: Request, response: Any, *args: Any, **kwargs: Any):
        response = super().finalize_response(request, response, *args, **kwargs)
        renderer = getattr(response, "accepted_renderer", None)
        if getattr(response, "exception", False) and isinstance(renderer, ExportRenderer):
            # A CSV or GeoJSON client still gets its error as JSON, labelled as such.
            response.accepted_renderer = JSONRenderer()
            response.accepted_media_type = JSONRenderer.media_type
        if request.method not in ("GET", "HEAD") or response.status_code != 200:
            return response
        patch_vary_headers(response, ("Accept", "Authorization", "Cookie"))
        if request.user.is_authenticated:
            patch_cache_control(response, private=True, no_cache=True)
        else:
            patch_cache_control(response, public=True, max_age=ANONYMOUS_MAX_AGE)
        response.render()
        # A hash of the body: exact whatever changed (an edit, a deletion, a renamed actor),
        # and cheap beside building the page.
        digest = hashlib.blake2b(response.content, digest_size=16).hexdigest()
        response["ETag"] = f'"{digest}"'
        return get_conditional_response(request._request, etag=response["ETag"], response=response)


def can_see_unpublished(request: Request, model: type) -> bool:
    """Editors (view permission on the model) see candidates and rejected rows too."""
    opts = model._meta
    return request.user.has_perm(f"{opts.app_label}.view_{opts.model_name}")


def _include(request: Request) -> set[str]:
    raw = request.query_params.get("include", "")
    wanted = {part.strip() for part in raw.split(",") if part.strip()}
    unknown = wanted - INCLUDABLE
    if unknown:
        raise ValidationError(
            {"include": [f"Unknown: {', '.join(sorted(unknown))}. Choose from: citations."]}
        )
    return wanted


@extend_schema_view(
    list=extend_schema(
        summary="Events in timeline order, filtered",
        parameters=[INCLUDE_PARAMETER],
    ),
    retrieve=extend_schema(summary="One event", parameters=[INCLUDE_PARAMETER]),
)
class EventViewSet(ConditionalReadMixin, viewsets.ModelViewSet):
    """Timeline events: dated (EDTF with day bounds and precision), placed, with actors in
    roles, fatality ranges and, with `include=citations`, the quotes that support them."""

    serializer_class = EventSerializer
    filterset_class = EventFilter
    pagination_class = EventCursorPagination
    queryset = Event.objects.all()

    def get_queryset(self) -> QuerySet:
        queryset = Event.objects.select_related("place").prefetch_related(
            Prefetch(
                "event_actors",
                queryset=EventActor.objects.select_related("actor").order_by(
                    "role", "actor__name", "id"
                ),
            )
        )
        if not can_see_unpublished(self.request, Event):
            queryset = queryset.published()
        if self.action == "export" or "citations" in self._include:
            queryset = queryset.prefetch_related(
                Prefetch(
                    "citations",
                    queryset=Citation.objects.select_related("source").order_by("source", "start"),
                )
            )
        return queryset

    _include: set[str] = set()

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        self._include = _include(request)
        super().initial(request, *args, **kwargs)

    def get_serializer_context(self) -> dict[str, Any]:
        return {
            **super().get_serializer_context(),
            "include_citations": "citations" in self._include,
        }

    def get_renderers(self) -> list[BaseRenderer]:
        renderers = super().get_renderers()
        # `/api/events/?format=csv` is the export of the same selection, unpaginated.
        if self.action == "list" and self.request.query_params.get("format") in EXPORT_FORMATS:
            renderers += [renderer() for renderer in EXPORT_RENDERERS]
        return renderers

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        if isinstance(request.accepted_renderer, ExportRenderer):
            return self.export(request)
        return super().list(request, *args, **kwargs)

    @extend_schema(
        summary="Export the filtered selection (CSV, GeoJSON or TimelineJS)",
        description="The whole selection, unpaginated, as CSV (one row per event, ACLED-like "
        "columns), GeoJSON (events with coordinates) or the JSON that Knight Lab's "
        "TimelineJS3 reads. Choose with the suffix (`export.csv`, `export.geojson`, "
        f"`export.timelinejs`), `?format=` or Accept. At most {EXPORT_MAX_EVENTS} events.",
        responses={
            (200, "text/csv"): OpenApiTypes.STR,
            (200, "application/geo+json"): GEOJSON_SCHEMA,
            (200, "application/json"): TIMELINEJS_SCHEMA,
        },
    )
    @action(
        detail=False,
        methods=["get"],
        renderer_classes=EXPORT_RENDERERS,
        pagination_class=None,
        url_path="export",
    )
    def export(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        if request.query_params.get("format") == "":
            raise ValidationError({"format": ["Choose csv, geojson or timelinejs."]})
        events = list(self.filter_queryset(self.get_queryset())[: EXPORT_MAX_EVENTS + 1])
        if len(events) > EXPORT_MAX_EVENTS:
            raise ValidationError(
                {
                    "detail": f"The selection has more than {EXPORT_MAX_EVENTS} events; "
                    "narrow it with start, end, type, actor or place."
                }
            )
        count = len(events)
        selection = ExportSelection(
            events=events,
            title="Timeline",
            description=f"{count} event{'s' if count != 1 else ''}",
        )
        filename = f"events.{request.accepted_renderer.format}"
        if request.accepted_renderer.format == "timelinejs":
            filename = "events.timeline.json"
        return Response(
            selection, headers={"Content-Disposition": f'inline; filename="{filename}"'}
        )


class ActorViewSet(ConditionalReadMixin, viewsets.ModelViewSet):
    """People, forces, groups and organisations that take part in events."""

    serializer_class = ActorSerializer
    filterset_class = ActorFilter
    pagination_class = NameCursorPagination
    queryset = Actor.objects.all()

    def get_queryset(self) -> QuerySet:
        queryset = Actor.objects.select_related("parent")
        if not can_see_unpublished(self.request, Actor):
            queryset = queryset.filter(status=Status.PUBLISHED)
        return queryset


class PlaceViewSet(ConditionalReadMixin, viewsets.ModelViewSet):
    """Places with coordinates, from the gazetteer or added by editors."""

    serializer_class = PlaceSerializer
    filterset_class = PlaceFilter
    pagination_class = NameCursorPagination
    queryset = Place.objects.all()

    def get_queryset(self) -> QuerySet:
        queryset = Place.objects.all()
        if not can_see_unpublished(self.request, Place):
            queryset = queryset.filter(status=Status.PUBLISHED)
        return queryset


class CitationViewSet(ConditionalReadMixin, viewsets.ModelViewSet):
    """Quotes from sources that support (or deny) events."""

    serializer_class = CitationSerializer
    filterset_class = CitationFilter
    pagination_class = StrictCursorPagination
    queryset = Citation.objects.all()

    def get_queryset(self) -> QuerySet:
        queryset = Citation.objects.select_related("source")
        if not can_see_unpublished(self.request, Event):
            queryset = queryset.filter(event__status=Status.PUBLISHED)
        return queryset
