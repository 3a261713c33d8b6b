"""This app's API resources, registered on the project's router (config/api.py)."""

from __future__ import annotations

from rest_framework.routers import DefaultRouter


def register(router: DefaultRouter) -> None:
    """Add this app's viewsets to `router`."""
    from sources.api.annotations import AnnotationViewSet
    from sources.api.views import SourceViewSet

    router.register("sources", SourceViewSet, basename="source")
    router.register("annotations", AnnotationViewSet, basename="annotation")
