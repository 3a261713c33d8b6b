from __future__ import annotations

from django.contrib import admin
from django.urls import include, path

from config.health import healthz

admin.site.site_header = "Timeline explorer — editors"
admin.site.site_title = "Timeline explorer admin"
admin.site.index_title = "Sources, events and the review queue"

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("api/", include("config.api")),
    path("", include("sources.urls")),
    path("", include("events.urls")),
]
