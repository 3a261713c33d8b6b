"""Reader-facing pages."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from events.models import Event

PAGE_SIZE = 50


def timeline(request: HttpRequest) -> HttpResponse:
    events = (
        Event.objects.published()
        .chronological()
        .select_related("place")
        .prefetch_related("event_actors__actor")[:PAGE_SIZE]
    )
    return render(request, "events/timeline.html", {"events": events})
