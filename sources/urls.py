from __future__ import annotations

from django.urls import path

from sources import views

app_name = "sources"
urlpatterns = [
    path("sources/", views.source_list, name="list"),
]
