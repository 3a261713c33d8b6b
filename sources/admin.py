from __future__ import annotations

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from sources.models import Annotation, Feed, Source


class AnnotationInline(admin.TabularInline):
    model = Annotation
    extra = 0
    fields = ("kind", "start", "end", "quote", "body", "public", "author")


@admin.register(Source)
class SourceAdmin(SimpleHistoryAdmin):
    list_display = ("__str__", "kind", "publisher", "published", "status", "attempts", "created")
    list_filter = ("status", "kind", "publisher", "published")
    search_fields = ("title", "url", "publisher", "author")
    readonly_fields = ("content_hash", "status_changed", "attempts", "error", "created", "updated")
    date_hierarchy = "published"
    inlines = [AnnotationInline]


@admin.register(Feed)
class FeedAdmin(admin.ModelAdmin):
    list_display = ("__str__", "active", "poll_interval", "last_polled", "last_error")
    list_filter = ("active",)
    search_fields = ("title", "url")


@admin.register(Annotation)
class AnnotationAdmin(SimpleHistoryAdmin):
    list_display = ("__str__", "kind", "public", "author", "created")
    list_filter = ("kind", "public")
    search_fields = ("quote", "body")
    raw_id_fields = ("source",)
