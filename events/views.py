"""Reader-facing pages: the timeline, events, sources, actors and places.

Views read the request and pick a template; what to show is decided in events.pages.
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from events import pages
from events.models import Actor, Event, EventType, Place, Status
from sources.models import Source

LIST_PAGE_SIZE = 100


def _filter_context(request: HttpRequest, filters: pages.Filters) -> dict:
    return {
        "filters": filters,
        "form": filters.form,
        "types": EventType.choices,
        # (slug, name) pairs, not model instances: hundreds of them on every page.
        "actor_choices": Actor.objects.filter(status=Status.PUBLISHED).values_list("slug", "name")[
            : pages.FILTER_CHOICES_LIMIT
        ],
        "place_choices": Place.objects.filter(status=Status.PUBLISHED).values_list("slug", "name")[
            : pages.FILTER_CHOICES_LIMIT
        ],
    }


def _timeline_response(
    request: HttpRequest, template: str, filters: pages.Filters, context: dict
) -> HttpResponse:
    page = pages.timeline_page(filters)
    context |= {
        "page": page,
        "chart": pages.overview_chart(filters),
        **_filter_context(request, filters),
    }
    # A query string we could not read is the client's mistake: say so in the status too,
    # while still showing the page with what could be read.
    return render(request, template, context, status=400 if filters.errors else 200)


def timeline(request: HttpRequest) -> HttpResponse:
    filters = pages.read_filters(request.GET)
    return _timeline_response(request, "events/timeline.html", filters, {})


def event_detail(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        event = pages.event_for_page(slug)
    except Event.DoesNotExist:
        raise Http404("No published event has this address.") from None
    claims = pages.citations_by_source(event)
    previous, following = pages.neighbours(event)
    return render(
        request,
        "events/event_detail.html",
        {
            "event": event,
            "claims": claims,
            "disagreements": pages.disagreements(claims),
            "previous": previous,
            "next": following,
            "related": pages.related_events(event),
        },
    )


def source_detail(request: HttpRequest, pk: int) -> HttpResponse:
    source = get_object_or_404(Source, pk=pk)
    citations = pages.source_citations(source)
    return render(
        request,
        "events/source_detail.html",
        {
            "source": source,
            "blocks": pages.source_blocks(source, citations),
            "citations": citations,
            "quoting": pages.events_quoting(citations),
            "annotations": list(source.annotations.filter(public=True).order_by("start", "id")),
        },
    )


def actor_list(request: HttpRequest) -> HttpResponse:
    actors = Actor.objects.filter(status=Status.PUBLISHED).annotate(
        n_events=Count("event_roles__event", filter=Q(event_roles__event__status=Status.PUBLISHED))
    )
    page = Paginator(actors.order_by("name", "id"), LIST_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "events/actor_list.html", {"page": page})


def actor_detail(request: HttpRequest, slug: str) -> HttpResponse:
    actor = get_object_or_404(
        Actor.objects.select_related("parent").filter(status=Status.PUBLISHED), slug=slug
    )
    filters = pages.read_filters(request.GET, actor=actor)
    children = list(actor.children.filter(status=Status.PUBLISHED).only("name", "slug"))
    return _timeline_response(
        request, "events/actor_detail.html", filters, {"actor": actor, "children": children}
    )


def place_list(request: HttpRequest) -> HttpResponse:
    places = Place.objects.filter(status=Status.PUBLISHED).annotate(
        n_events=Count("events", filter=Q(events__status=Status.PUBLISHED))
    )
    page = Paginator(places.order_by("name", "id"), LIST_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "events/place_list.html", {"page": page})


def place_detail(request: HttpRequest, slug: str) -> HttpResponse:
    place = get_object_or_404(Place.objects.filter(status=Status.PUBLISHED), slug=slug)
    filters = pages.read_filters(request.GET, place=place)
    return _timeline_response(request, "events/place_detail.html", filters, {"place": place})
