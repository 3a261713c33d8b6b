"""The editors' side of the timeline: the review queue, events, actors, places, citations.

The event list opens on the review queue (candidates); each row shows its quotes. Publishing,
rejecting and merging go through events.editorial, and are offered only to users holding
events.publish_event / events.merge_event (the Reviewer group). History (who changed what,
and reverting) comes from django-simple-history's admin.
"""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.views.main import IS_POPUP_VAR
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Prefetch, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.text import Truncator
from simple_history.admin import SimpleHistoryAdmin

from events import editorial
from events.models import Actor, Citation, Event, EventActor, Place, Status
from sources.admin import resolve_span
from sources.models import Source

QUOTE_PREVIEW_CHARS = 220
# The history reason events.editorial.merge_events writes on a merged event.
MERGED_INTO = re.compile(r"merged into event (?P<pk>\d+)")
MERGE_SUGGESTIONS = 20
EVENTS_LISTED = 100


def _source_link(source: Source, start: int | None = None) -> str:
    url = reverse("admin:sources_source_change", args=[source.pk])
    if start is not None:
        url = f"{url}#offset-{start}"
    return url


def _quote_html(citation: Citation) -> str:
    return format_html(
        "“{}” — <a href='{}'>{}</a> <span class='quiet'>({}, {}–{})</span>",
        Truncator(citation.quote).chars(QUOTE_PREVIEW_CHARS),
        _source_link(citation.source, citation.start),
        citation.source,
        citation.get_stance_display(),
        citation.start,
        citation.end,
    )


class ReviewStatusFilter(admin.SimpleListFilter):
    """Status, opening on candidates: the event list is the review queue unless asked for
    something else. Popups (choosing an event for a citation) list everything."""

    title = "status"
    parameter_name = "status"
    ALL = "all"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [
            (Status.CANDIDATE, "candidates (review queue)"),
            (Status.PUBLISHED, "published"),
            (Status.REJECTED, "rejected"),
            (self.ALL, "all"),
        ]

    def __init__(self, request: HttpRequest, params: dict, model: Any, model_admin: Any):
        super().__init__(request, params, model, model_admin)
        self.default = self.ALL if IS_POPUP_VAR in request.GET else Status.CANDIDATE

    def value(self) -> str:
        return super().value() or self.default

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        value = self.value()
        return queryset if value == self.ALL else queryset.filter(status=value)

    def choices(self, changelist: Any):
        for lookup, title in self.lookup_choices:
            yield {
                "selected": self.value() == lookup,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }


class EventActorInline(admin.TabularInline):
    model = EventActor
    extra = 0
    autocomplete_fields = ("actor",)


class CitationFormBase(forms.ModelForm):
    """Fills the quote from the offsets, or the offsets from the quote: the database
    refuses a quote that is not exactly the source's text at those offsets."""

    class Meta:
        model = Citation
        fields = [
            "event",
            "source",
            "start",
            "end",
            "quote",
            "stance",
            "made_by",
            "confidence",
            "claimed_edtf",
            "claimed_earliest",
            "claimed_latest",
            "claimed_precision",
            "fatalities_low",
            "fatalities_high",
        ]
        widgets = {"quote": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name in ("start", "end", "quote"):
            if name in self.fields:
                self.fields[name].required = False

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        source = data.get("source")
        if source is None or "quote" not in self.fields:
            return data
        try:
            data["start"], data["end"], data["quote"] = resolve_span(
                source.text, data.get("start"), data.get("end"), data.get("quote") or ""
            )
        except ValidationError as error:
            self.add_error("quote", error)
        return data


class CitationInline(admin.StackedInline):
    """The event's citations: the quote is what the source says, shown with a link to it
    and not editable; what the source claims (stance, date, fatalities) is."""

    model = Citation
    extra = 0
    verbose_name_plural = "citations (quotes)"
    fields = (
        "quote_in_source",
        ("stance", "made_by", "confidence"),
        ("claimed_edtf", "claimed_earliest", "claimed_latest", "claimed_precision"),
        ("fatalities_low", "fatalities_high"),
    )
    readonly_fields = ("quote_in_source", "made_by")

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).select_related("source")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # new citations go through NewCitationInline, which takes a quote

    @admin.display(description="quote")
    def quote_in_source(self, citation: Citation) -> str:
        return _quote_html(citation) if citation.pk else ""


class NewCitationForm(CitationFormBase):
    def save(self, commit: bool = True) -> Citation:
        self.instance.made_by = Citation.MadeBy.EDITOR
        return super().save(commit)


class NewCitationInline(admin.StackedInline):
    """Add a citation: a source and either its offsets or the exact quote."""

    model = Citation
    form = NewCitationForm
    extra = 0
    verbose_name = "new citation"
    verbose_name_plural = "add citations"
    raw_id_fields = ("source",)
    fields = (
        "source",
        ("start", "end"),
        "quote",
        ("stance", "confidence"),
        ("claimed_edtf", "claimed_earliest", "claimed_latest", "claimed_precision"),
        ("fatalities_low", "fatalities_high"),
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).none()


class MergeEventsForm(forms.Form):
    into = forms.TypedChoiceField(
        coerce=int, required=False, widget=forms.RadioSelect, label="merge into"
    )
    other = forms.IntegerField(required=False, min_value=1, label="or the number of another event")

    def __init__(self, *args, targets: list[Event], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["into"].choices = [
            (event.pk, f"#{event.pk} {event.title} — {event.edtf} ({event.status})")
            for event in targets
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        pk = data.get("other") or data.get("into")
        if not pk:
            raise ValidationError("choose the event to merge into")
        target = Event.objects.exclude(status=Status.REJECTED).filter(pk=pk).first()
        if target is None:
            raise ValidationError(f"there is no event #{pk} that is not rejected")
        data["target"] = target
        return data


@admin.register(Event)
class EventAdmin(SimpleHistoryAdmin):
    list_display = (
        "title",
        "edtf",
        "type",
        "status",
        "confidence",
        "disputed",
        "quotes",
    )
    list_display_links = ("title",)
    list_filter = (ReviewStatusFilter, "type", "precision", "disputed")
    search_fields = ("title", "summary", "citations__quote")
    date_hierarchy = "earliest"
    autocomplete_fields = ("place",)
    prepopulated_fields = {"slug": ("title",)}
    inlines = [EventActorInline, CitationInline, NewCitationInline]
    actions = ["publish_selected", "reject_selected", "merge_selected"]
    list_per_page = 50

    # Permissions beyond add/change: the Reviewer group's.
    def has_publish_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return editorial.can_publish(request.user)

    def has_merge_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return editorial.can_merge(request.user) and self.has_change_permission(request)

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        citations = Citation.objects.select_related("source").order_by("source", "start")
        return (
            super()
            .get_queryset(request)
            .prefetch_related(Prefetch("citations", queryset=citations))
        )

    def changelist_view(self, request: HttpRequest, extra_context: dict | None = None):
        status = request.GET.get(ReviewStatusFilter.parameter_name, Status.CANDIDATE)
        if status == Status.CANDIDATE and IS_POPUP_VAR not in request.GET:
            extra_context = {"title": "Review queue: candidate events", **(extra_context or {})}
        return super().changelist_view(request, extra_context)

    @admin.display(description="last decision")
    def last_decision(self, event: Event) -> str:
        """Who last changed the event and why, e.g. where a merged event went."""
        record = event.history.select_related("history_user").first() if event.pk else None
        if record is None:
            return "—"
        when = record.history_date.strftime("%Y-%m-%d %H:%M")
        reason = record.history_change_reason or "edited"
        merged = MERGED_INTO.match(reason)
        if merged:
            url = reverse("admin:events_event_change", args=[merged["pk"]])
            reason = format_html("{} <a href='{}'>(open it)</a>", reason, url)
        return format_html("{} — {} by {}", reason, when, record.history_user or "the system")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        readonly = (*super().get_readonly_fields(request, obj), "last_decision")
        if not self.has_publish_permission(request):
            readonly += ("status",)
        return readonly

    def save_model(self, request: HttpRequest, obj: Event, form: Any, change: bool) -> None:
        # Status is read-only in the form for editors, but a revert from history writes
        # every field of the old version: keep the current status unless they may publish.
        if not self.has_publish_permission(request):
            current = Event.objects.filter(pk=obj.pk).values_list("status", flat=True).first()
            obj.status = current or Status.CANDIDATE
        super().save_model(request, obj, form, change)

    @admin.display(description="quotes")
    def quotes(self, event: Event) -> str:
        return format_html_join(
            "", "<p class='quote'>{}</p>", ((_quote_html(c),) for c in event.citations.all())
        )

    # Review decisions: from the list (bulk actions) and from an event's page (buttons).
    @admin.action(description="Publish selected events", permissions=["publish"])
    def publish_selected(self, request: HttpRequest, queryset: QuerySet) -> None:
        count = editorial.publish_events(list(queryset), by=request.user)
        self.message_user(request, f"Published {count} event(s).", messages.SUCCESS)

    @admin.action(description="Reject selected events", permissions=["publish"])
    def reject_selected(self, request: HttpRequest, queryset: QuerySet) -> None:
        count = editorial.reject_events(list(queryset), by=request.user)
        self.message_user(request, f"Rejected {count} event(s).", messages.SUCCESS)

    @admin.action(description="Merge selected events into another…", permissions=["merge"])
    def merge_selected(self, request: HttpRequest, queryset: QuerySet) -> HttpResponse:
        ids = ",".join(str(pk) for pk in queryset.values_list("pk", flat=True))
        return HttpResponseRedirect(f"{reverse('admin:events_event_merge')}?ids={ids}")

    def get_urls(self):
        own = [
            path(
                "merge/",
                self.admin_site.admin_view(self.merge_view),
                name="events_event_merge",
            ),
        ]
        return own + super().get_urls()

    def merge_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_merge_permission(request):
            raise PermissionDenied
        ids = [int(pk) for pk in request.GET.get("ids", "").split(",") if pk.isdigit()]
        selected = list(Event.objects.filter(pk__in=ids).prefetch_related("citations__source"))
        if not selected:
            self.message_user(request, "Choose the events to merge first.", messages.WARNING)
            return HttpResponseRedirect(reverse("admin:events_event_changelist"))
        targets = [e for e in selected if e.status != Status.REJECTED] if len(selected) > 1 else []
        targets += list(self._merge_suggestions(selected))
        form = MergeEventsForm(request.POST or None, targets=targets)
        if request.method == "POST" and form.is_valid():
            target = form.cleaned_data["target"]
            sources = [event for event in selected if event.pk != target.pk]
            if not sources:
                form.add_error(None, "an event cannot be merged into itself")
            else:
                editorial.merge_events(source_events=sources, into=target, by=request.user)
                self.message_user(
                    request,
                    f"Merged {len(sources)} event(s) into “{target}”; their citations "
                    "and actors are now on it, and they are rejected.",
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(reverse("admin:events_event_change", args=[target.pk]))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "Merge events",
            "selected": selected,
            "form": form,
        }
        return TemplateResponse(request, "admin/events/event/merge.html", context)

    def _merge_suggestions(self, selected: list[Event]) -> QuerySet:
        """Events a duplicate is likely to belong to: dated where the selection is."""
        earliest = min(event.earliest for event in selected)
        latest = max(event.latest for event in selected)
        return (
            Event.objects.exclude(status=Status.REJECTED)
            .exclude(pk__in=[event.pk for event in selected])
            .overlapping(earliest, latest)
            .order_by("status", "earliest", "id")[:MERGE_SUGGESTIONS]
        )

    def render_change_form(self, request: HttpRequest, context: dict, *args, **kwargs):
        context["can_publish"] = self.has_publish_permission(request)
        context["can_merge"] = self.has_merge_permission(request)
        return super().render_change_form(request, context, *args, **kwargs)

    def response_change(self, request: HttpRequest, obj: Event) -> HttpResponse:
        """ "Save and publish" / "Save and reject": the edits are saved first."""
        decisions = {"_publish": editorial.publish_events, "_reject": editorial.reject_events}
        for button, decide in decisions.items():
            if button in request.POST:
                if not self.has_publish_permission(request):
                    raise PermissionDenied
                decide([obj], by=request.user)
                verb = "published" if button == "_publish" else "rejected"
                self.message_user(request, f"“{obj}” is {verb}.", messages.SUCCESS)
                return HttpResponseRedirect(reverse("admin:events_event_changelist"))
        return super().response_change(request, obj)


class MergeChoiceForm(forms.Form):
    keep = forms.TypedChoiceField(coerce=int, widget=forms.RadioSelect, label="keep")

    def __init__(self, *args, choices: list[tuple[int, str]], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["keep"].choices = choices


class MergeNamedMixin:
    """Merge two or more actors (or places) into the one the editor keeps, after a
    confirmation page listing what each carries."""

    merge_function: Any = None
    actions = ["merge_selected"]

    def has_merge_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return editorial.can_merge(request.user) and self.has_change_permission(request)

    @admin.action(description="Merge selected into one…", permissions=["merge"])
    def merge_selected(self, request: HttpRequest, queryset: QuerySet) -> HttpResponse | None:
        rows = list(queryset.annotate(event_count=Count("events", distinct=True)))
        if len(rows) < 2:
            self.message_user(request, "Select at least two to merge.", messages.WARNING)
            return None
        choices = [(row.pk, f"{row.name} ({row.event_count} events)") for row in rows]
        form = MergeChoiceForm(request.POST if "post" in request.POST else None, choices=choices)
        if form.is_bound and form.is_valid():
            keep = next(row for row in rows if row.pk == form.cleaned_data["keep"])
            for row in rows:
                if row.pk != keep.pk:
                    keep = type(self).merge_function(keep=keep, remove=row, by=request.user)
            self.message_user(request, f"Merged {len(rows) - 1} into “{keep}”.", messages.SUCCESS)
            return None
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": f"Merge {self.opts.verbose_name_plural}",
            "rows": rows,
            "form": form,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/events/merge_named.html", context)


class ActorRoleInline(admin.TabularInline):
    """The actor's events, read-only: roles are edited on the event."""

    model = EventActor
    fk_name = "actor"
    extra = 0
    fields = ("event_link", "role", "event_date", "event_status")
    readonly_fields = fields
    verbose_name_plural = "events"
    can_delete = False

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).select_related("event")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description="event")
    def event_link(self, row: EventActor) -> str:
        url = reverse("admin:events_event_change", args=[row.event_id])
        return format_html("<a href='{}'>{}</a>", url, row.event)

    @admin.display(description="date")
    def event_date(self, row: EventActor) -> str:
        return row.event.edtf

    @admin.display(description="status")
    def event_status(self, row: EventActor) -> str:
        return row.event.get_status_display()


@admin.register(Actor)
class ActorAdmin(MergeNamedMixin, SimpleHistoryAdmin):
    merge_function = staticmethod(editorial.merge_actors)
    list_display = ("name", "kind", "status", "parent", "alias_list", "event_count")
    list_filter = ("kind", "status")
    search_fields = ("name", "aliases")
    prepopulated_fields = {"slug": ("name",)}
    autocomplete_fields = ("parent",)
    inlines = [ActorRoleInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return (
            super()
            .get_queryset(request)
            .select_related("parent")
            .annotate(event_count=Count("events", distinct=True))
        )

    @admin.display(description="aliases")
    def alias_list(self, actor: Actor) -> str:
        return ", ".join(actor.aliases)

    @admin.display(description="events", ordering="event_count")
    def event_count(self, actor: Actor) -> int:
        return actor.event_count


@admin.register(Place)
class PlaceAdmin(MergeNamedMixin, SimpleHistoryAdmin):
    merge_function = staticmethod(editorial.merge_places)
    list_display = ("name", "country", "kind", "latitude", "longitude", "status", "event_count")
    list_filter = ("kind", "country", "status")
    search_fields = ("name", "aliases")
    prepopulated_fields = {"slug": ("name",)}
    readonly_fields = ("events_here",)

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).annotate(event_count=Count("events"))

    @admin.display(description="events", ordering="event_count")
    def event_count(self, place: Place) -> int:
        return place.event_count

    @admin.display(description="events here")
    def events_here(self, place: Place) -> str:
        if not place.pk:
            return "—"
        events = place.events.order_by("earliest", "id")
        rows = format_html_join(
            "",
            "<li><a href='{}'>{}</a> {} <span class='quiet'>({})</span></li>",
            (
                (reverse("admin:events_event_change", args=[e.pk]), e, e.edtf, e.status)
                for e in events[:EVENTS_LISTED]
            ),
        )
        more = events.count() - EVENTS_LISTED
        tail = format_html("<li>and {} more</li>", more) if more > 0 else ""
        return format_html("<ul>{}{}</ul>", rows, tail) if rows else "none"


@admin.register(Citation)
class CitationAdmin(SimpleHistoryAdmin):
    form = CitationFormBase
    list_display = ("__str__", "stance", "made_by", "confidence")
    list_filter = ("stance", "made_by")
    search_fields = ("quote",)
    raw_id_fields = ("event", "source")
