from __future__ import annotations

from django.urls import path

from events import views

app_name = "events"
urlpatterns = [
    path("", views.timeline, name="timeline"),
]
