"""/api/annotations/: editors' comments, corrections and disputes on spans of a source.

Anyone may read public annotations; editors with sources.view_annotation read all.
Writing needs the model permission. The quote is cut from the source's text by offsets,
so an annotation always points at exactly the words it is about.
"""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from rest_framework import serializers, viewsets
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import Cursor, CursorPagination
from rest_framework.request import Request

from sources.models import Annotation, Source

BAD_CURSOR = "This cursor is not one this API gave out; start again from the first page."


class AnnotationPagination(CursorPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500
    ordering = ("id",)

    def get_page_size(self, request: Request) -> int:
        # DRF ignores a page_size it cannot read; say so instead of silently sending 50.
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        if not raw.isdigit() or not 1 <= int(raw) <= self.max_page_size:
            raise ValidationError(
                {self.page_size_query_param: [f"A whole number from 1 to {self.max_page_size}."]}
            )
        return int(raw)

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"].update(minimum=1, maximum=self.max_page_size)
        return parameters

    def decode_cursor(self, request: Request) -> Cursor | None:
        # DRF answers a broken cursor with a 404, and would pass a non-numeric position to
        # the database; both are the client's mistake, so a 400 naming the parameter.
        try:
            cursor = super().decode_cursor(request)
            if cursor is not None and cursor.position is not None:
                Annotation._meta.pk.to_python(cursor.position)
        except (NotFound, DjangoValidationError):
            raise ValidationError({self.cursor_query_param: [BAD_CURSOR]}) from None
        return cursor


class AnnotationSerializer(serializers.ModelSerializer):
    source = serializers.PrimaryKeyRelatedField(queryset=Source.objects.all())
    quote = serializers.CharField(required=False, trim_whitespace=False)
    author = serializers.StringRelatedField(read_only=True, allow_null=True)

    class Meta:
        model = Annotation
        fields = [
            "id",
            "source",
            "start",
            "end",
            "quote",
            "kind",
            "body",
            "public",
            "author",
            "created",
        ]
        read_only_fields = ["author", "created"]

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        def current(name: str) -> Any:
            return attrs.get(name, getattr(self.instance, name, None))

        source, start, end = current("source"), current("start"), current("end")
        if end <= start or end > len(source.text):
            raise serializers.ValidationError(
                {"end": [f"The span must lie inside the source's {len(source.text)} characters."]}
            )
        span = source.text[start:end]
        if "quote" in attrs and attrs["quote"] != span:
            raise serializers.ValidationError(
                {"quote": ["The quote must be exactly the source's text at start:end."]}
            )
        attrs["quote"] = span
        return attrs


class IdFilter(django_filters.NumberFilter):
    """A row id: a whole number, so "1.5" is a 400 rather than a silent match on 1."""

    field_class = forms.IntegerField


class AnnotationFilter(django_filters.FilterSet):
    source = IdFilter(field_name="source_id")
    kind = django_filters.ChoiceFilter(choices=Annotation.Kind.choices)

    class Meta:
        model = Annotation
        fields: list[str] = []


class AnnotationViewSet(viewsets.ModelViewSet):
    # Any path segment reaches the view, so /api/annotations/abc/ is a JSON 404.
    lookup_value_regex = "[^/]+"
    serializer_class = AnnotationSerializer
    filterset_class = AnnotationFilter
    pagination_class = AnnotationPagination
    queryset = Annotation.objects.all()

    def get_queryset(self) -> QuerySet:
        queryset = Annotation.objects.select_related("author")
        if not self.request.user.has_perm("sources.view_annotation"):
            queryset = queryset.filter(public=True)
        return queryset

    def perform_create(self, serializer: AnnotationSerializer) -> None:
        serializer.save(author=self.request.user)
