from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from simple_history.admin import SimpleHistoryAdmin

from sources.models import Annotation, Feed, Source, SourceKind
from sources.services import (
    Submission,
    reprocess_source,
    submit_file,
    submit_source,
    too_large_message,
)


class AnnotationInline(admin.TabularInline):
    model = Annotation
    extra = 0
    fields = ("kind", "start", "end", "quote", "body", "public", "author")


class SubmitSourceForm(forms.Form):
    """The admin's "add source": a URL, pasted text, or an uploaded file."""

    url = forms.URLField(
        label="URL",
        required=False,
        max_length=2000,
        assume_scheme="https",
        help_text="The worker fetches the page and extracts its text.",
    )
    text = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 12, "cols": 90}),
        help_text="Plain text, or the seed format: a first line “date YYYY-MM-DD Headline”.",
    )
    file = forms.FileField(
        required=False, help_text="Text, HTML or JSON lines ({url?, title, published, text})."
    )
    title = forms.CharField(required=False, max_length=500)
    kind = forms.ChoiceField(choices=SourceKind.choices, initial=SourceKind.ARTICLE)

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload is not None and upload.size > settings.SOURCE_MAX_BYTES:
            raise forms.ValidationError(too_large_message(upload.size))
        return upload

    def clean(self) -> dict:
        cleaned = super().clean()
        given = [name for name in ("url", "text", "file") if cleaned.get(name)]
        if not self.errors and len(given) != 1:
            raise forms.ValidationError("Give exactly one of: a URL, pasted text, or a file.")
        return cleaned


@admin.register(Source)
class SourceAdmin(SimpleHistoryAdmin):
    list_display = ("__str__", "kind", "publisher", "published", "status", "attempts", "created")
    list_filter = ("status", "kind", "publisher", "published")
    search_fields = ("title", "url", "publisher", "author")
    readonly_fields = ("content_hash", "status_changed", "attempts", "error", "created", "updated")
    date_hierarchy = "published"
    inlines = [AnnotationInline]
    actions = ["refetch", "reextract"]

    def add_view(
        self, request: HttpRequest, form_url: str = "", extra_context=None
    ) -> HttpResponse:
        """Sources are added through the ingestion service, not saved as a bare row."""
        if not self.has_add_permission(request):
            return super().add_view(request, form_url, extra_context)
        form = SubmitSourceForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            submissions = self._submit(request, form.cleaned_data)
            failed = [s for s in submissions if s.error]
            if len(failed) == len(submissions):
                for submission in failed:
                    form.add_error(None, submission.error)
            else:
                return self._report(request, submissions)
        context = {
            **self.admin_site.each_context(request),
            "title": "Add source",
            "form": form,
            "opts": self.model._meta,
            "max_size": settings.SOURCE_MAX_BYTES,
            **(extra_context or {}),
        }
        return TemplateResponse(request, "admin/sources/source/submit.html", context)

    def _submit(self, request: HttpRequest, data: dict) -> list[Submission]:
        common = {"kind": data["kind"], "added_by": request.user}
        if data.get("file"):
            upload = data["file"]
            return submit_file(data=upload.read(), filename=upload.name, **common)
        if data.get("text"):
            return [submit_source(text=data["text"], title=data.get("title", ""), **common)]
        return [submit_source(url=data["url"], title=data.get("title", ""), **common)]

    def _report(self, request: HttpRequest, submissions: list[Submission]) -> HttpResponse:
        for submission in submissions:
            if submission.error:
                messages.error(request, f"{submission.label}: {submission.error}")
            elif submission.duplicate:
                messages.warning(
                    request,
                    f"Already stored as “{submission.source}” (status {submission.source.status});"
                    " not added twice.",
                )
            else:
                messages.success(request, f"“{submission.source}” was queued for processing.")
        stored = [s.source for s in submissions if s.source is not None]
        if len(stored) == 1:
            url = reverse("admin:sources_source_change", args=[stored[0].pk])
        else:
            url = reverse("admin:sources_source_changelist")
        return HttpResponseRedirect(url)

    @admin.action(description="Re-fetch the selected sources (URL sources) and extract again")
    def refetch(self, request: HttpRequest, queryset) -> None:
        done = sum(reprocess_source(source, refetch=True) for source in queryset)
        skipped = queryset.count() - done
        self.message_user(request, f"{done} sources queued to be fetched again.")
        if skipped:
            self.message_user(
                request, f"{skipped} sources have no URL and were left alone.", messages.WARNING
            )

    @admin.action(description="Extract the selected sources again")
    def reextract(self, request: HttpRequest, queryset) -> None:
        count = sum(reprocess_source(source) for source in queryset)
        self.message_user(request, f"{count} sources queued to be extracted again.")


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
