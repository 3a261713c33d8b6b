from __future__ import annotations

from django.urls import path

from events import views

app_name = "events"
urlpatterns = [
    path("", views.timeline, name="timeline"),
    path("events/<slug:slug>/", views.event_detail, name="event"),
    # The source page lives here because it shows events; the sources app never imports
    # events (the list of sources stays in sources.urls).
    path("sources/<int:pk>/", views.source_detail, name="source"),
    path("actors/", views.actor_list, name="actors"),
    path("actors/<slug:slug>/", views.actor_detail, name="actor"),
    path("places/", views.place_list, name="places"),
    path("places/<slug:slug>/", views.place_detail, name="place"),
]
