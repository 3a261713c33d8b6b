"""The REST API: one router for every app's resources, plus the OpenAPI schema and docs."""

from __future__ import annotations

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from events.api.routes import register as register_events
from sources.api.routes import register as register_sources

router = DefaultRouter()
register_sources(router)
register_events(router)

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
    path("", include(router.urls)),
]
