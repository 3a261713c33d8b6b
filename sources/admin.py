from __future__ import annotations

import itertools

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import models
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from simple_history.admin import SimpleHistoryAdmin

from sources.models import Annotation, Feed, Source, SourceKind
from sources.services import (
    Submission,
    reprocess_source,
    submit_file,
    submit_source,
    too_large_message,
)

# Annotations: an editor marks a passage of a source's text and attaches a note. The
# passage is given by offsets, by its exact quote, or (with JavaScript) by selecting it in
# the text shown above the annotations; the database checks the quote against the text.


def resolve_span(text: str, start: int | None, end: int | None, quote: str) -> tuple[int, int, str]:
    """Offsets and quote of a passage of `text`, from either the offsets or the exact quote.

    Editors without JavaScript type one or the other; the selection script fills both, and
    then they must agree. Raises ValidationError saying what to fix.
    """
    if start is not None and end is not None:
        if not 0 <= start < end <= len(text):
            raise ValidationError(f"offsets must satisfy 0 <= start < end <= {len(text)}")
        found = text[start:end]
        if quote and quote != found:
            # The browser may have altered the selection's offsets; trust an unambiguous
            # quote, else ask.
            if text.count(quote) == 1:
                start = text.index(quote)
                return start, start + len(quote), quote
            raise ValidationError(
                f"the text at {start}–{end} is “{Truncator(found).chars(80)}”, not the quote"
            )
        return start, end, found
    if not quote:
        raise ValidationError("give the start and end offsets or the exact quote")
    occurrences = text.count(quote)
    if occurrences == 0:
        raise ValidationError("the quote does not occur in the source text")
    if occurrences > 1:
        raise ValidationError(
            f"the quote occurs {occurrences} times in the source text; give its offsets"
        )
    start = text.index(quote)
    return start, start + len(quote), quote


def passage_html(source: Source) -> str:
    """The source's text with extracted quotes (citations) and annotations marked.

    Every piece carries the offset it starts at, so the selection script can turn a
    selection into offsets into `source.text` without counting across elements.
    """
    text = source.text
    # Citations belong to the events app; read them through the reverse relation so this
    # module does not import it.
    citations = getattr(source, "citations", None)
    cited = list(citations.values_list("start", "end")) if citations is not None else []
    notes = list(source.annotations.values_list("start", "end", "kind", "body"))
    points = sorted(
        {0, len(text), *(p for s, e in cited for p in (s, e))}
        | {p for s, e, _, _ in notes for p in (s, e)}
    )
    starts = {s for s, _ in cited}
    pieces = []
    for a, b in itertools.pairwise(points):
        if a >= len(text):
            break
        classes = []
        if any(s <= a and b <= e for s, e in cited):
            classes.append("cited")
        covering = [(k, body) for s, e, k, body in notes if s <= a and b <= e]
        if covering:
            classes.append("annotated")
        title = "; ".join(f"{kind}: {body}" for kind, body in covering)
        pieces.append(
            format_html(
                '<span data-offset="{}"{}{}{}>{}</span>',
                a,
                format_html(' id="offset-{}"', a) if a in starts else "",
                format_html(' class="{}"', " ".join(classes)) if classes else "",
                format_html(' title="{}"', title) if title else "",
                text[a:b],
            )
        )
    return mark_safe("".join(pieces))  # every piece is built by format_html


class AnnotationForm(forms.ModelForm):
    user = None  # set per request by AnnotationInline / AnnotationAdmin

    class Meta:
        model = Annotation
        fields = ["source", "kind", "start", "end", "quote", "body", "public"]
        widgets = {
            "quote": forms.Textarea(attrs={"rows": 2, "cols": 40}),
            "body": forms.Textarea(attrs={"rows": 2, "cols": 40}),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name in ("start", "end", "quote"):
            if name in self.fields:
                self.fields[name].required = False
        if "quote" in self.fields:
            self.fields["quote"].help_text = "the exact text, or leave empty and give offsets"

    def clean(self) -> dict:
        data = super().clean()
        source = data.get("source") or getattr(self.instance, "source", None)
        if source is None:
            return data
        try:
            data["start"], data["end"], data["quote"] = resolve_span(
                source.text, data.get("start"), data.get("end"), data.get("quote") or ""
            )
        except ValidationError as error:
            self.add_error("quote", error)
        if self.instance.author_id is None and self.user is not None:
            self.instance.author = self.user
        return data


class AnnotationInline(admin.TabularInline):
    """The source's annotations, under its text with extracted quotes and annotations
    highlighted; selecting a passage there fills a new annotation row."""

    model = Annotation
    form = AnnotationForm
    extra = 1
    fields = ("kind", "start", "end", "quote", "body", "public", "author")
    readonly_fields = ("author",)
    template = "admin/sources/source/annotation_inline.html"

    class Media:
        js = ("editorial/passage.js",)
        css = {"all": ("editorial/passage.css",)}

    def get_formset(self, request: HttpRequest, obj: Source | None = None, **kwargs):
        kwargs["form"] = type("AnnotationFormForUser", (self.form,), {"user": request.user})
        formset = super().get_formset(request, obj, **kwargs)
        formset.passage_html = passage_html(obj) if obj is not None and obj.text else ""
        return formset


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
    publisher = forms.CharField(required=False, max_length=200)
    published = forms.DateField(
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Publication day (YYYY-MM-DD). Relative dates in the text (“on Saturday”) "
        "are read against it; a seed-format first line or the page's own date wins.",
    )
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
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

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
        common = {
            "kind": data["kind"],
            "added_by": request.user,
            "published": data.get("published"),
            "publisher": data.get("publisher", ""),
        }
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

    @admin.action(
        description="Re-fetch the selected sources (URL sources) and extract again",
        permissions=["change"],
    )
    def refetch(self, request: HttpRequest, queryset) -> None:
        done = sum(reprocess_source(source, refetch=True) for source in queryset)
        skipped = queryset.count() - done
        self.message_user(request, f"{done} sources queued to be fetched again.")
        if skipped:
            self.message_user(
                request, f"{skipped} sources have no URL and were left alone.", messages.WARNING
            )

    @admin.action(description="Extract the selected sources again", permissions=["change"])
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
    form = AnnotationForm
    list_display = ("__str__", "kind", "public", "author", "created")
    list_filter = ("kind", "public")
    search_fields = ("quote", "body")
    raw_id_fields = ("source",)
    readonly_fields = ("author",)

    def get_form(self, request: HttpRequest, obj: Annotation | None = None, **kwargs):
        kwargs["form"] = type("AnnotationFormForUser", (self.form,), {"user": request.user})
        return super().get_form(request, obj, **kwargs)
