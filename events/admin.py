from __future__ import annotations

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from events.models import Actor, Citation, Event, EventActor, Place


class EventActorInline(admin.TabularInline):
    model = EventActor
    extra = 0
    autocomplete_fields = ("actor",)


class CitationInline(admin.StackedInline):
    model = Citation
    extra = 0
    raw_id_fields = ("source",)


@admin.register(Event)
class EventAdmin(SimpleHistoryAdmin):
    list_display = ("title", "type", "edtf", "precision", "status", "confidence", "disputed")
    list_filter = ("status", "type", "precision", "disputed")
    search_fields = ("title", "summary")
    date_hierarchy = "earliest"
    autocomplete_fields = ("place",)
    prepopulated_fields = {"slug": ("title",)}
    inlines = [EventActorInline, CitationInline]


@admin.register(Actor)
class ActorAdmin(SimpleHistoryAdmin):
    list_display = ("name", "kind", "status", "parent")
    list_filter = ("kind", "status")
    search_fields = ("name", "aliases")
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Place)
class PlaceAdmin(SimpleHistoryAdmin):
    list_display = ("name", "country", "kind", "latitude", "longitude", "status")
    list_filter = ("kind", "country", "status")
    search_fields = ("name", "aliases")
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Citation)
class CitationAdmin(SimpleHistoryAdmin):
    list_display = ("__str__", "stance", "made_by", "confidence")
    list_filter = ("stance", "made_by")
    search_fields = ("quote",)
    raw_id_fields = ("event", "source")
