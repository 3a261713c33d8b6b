"""This app's API resources, registered on the project's router (config/api.py)."""

from __future__ import annotations

from rest_framework.routers import DefaultRouter


def register(router: DefaultRouter) -> None:
    """Add this app's viewsets to `router`."""
    from events.api.views import ActorViewSet, CitationViewSet, EventViewSet, PlaceViewSet

    router.register("events", EventViewSet, basename="event")
    router.register("actors", ActorViewSet, basename="actor")
    router.register("places", PlaceViewSet, basename="place")
    router.register("citations", CitationViewSet, basename="citation")
