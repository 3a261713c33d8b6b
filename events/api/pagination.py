"""Cursor pagination that says what is wrong with a bad cursor instead of a 404.

A cursor is an opaque token, but clients copy, truncate and hand-edit them; DRF's own
answer to a broken one is "Invalid cursor" as a 404, and a well-encoded cursor whose
position is not a value of the ordering column would reach the database and fail there.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import Cursor, CursorPagination
from rest_framework.request import Request

from events.api.filters import ordering_columns

PAGE_SIZE = 50
MAX_PAGE_SIZE = 500
BAD_CURSOR = "This cursor is not one this API gave out; start again from the first page."


class StrictCursorPagination(CursorPagination):
    page_size = PAGE_SIZE
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE
    ordering: Any = ("id",)

    def get_page_size(self, request: Request) -> int:
        # DRF ignores a page_size it cannot read; a client asking for "ten" or 0 should
        # hear that, not silently get 50.
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        try:
            size = int(raw)
        except ValueError:
            size = 0
        if not 1 <= size <= self.max_page_size:
            raise ValidationError(
                {self.page_size_query_param: [f"A whole number from 1 to {self.max_page_size}."]}
            )
        return size

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"].update(minimum=1, maximum=self.max_page_size)
        return parameters

    def paginate_queryset(self, queryset: QuerySet, request: Request, view: Any = None):
        self._model = queryset.model
        return super().paginate_queryset(queryset, request, view)

    def decode_cursor(self, request: Request) -> Cursor | None:
        try:
            cursor = super().decode_cursor(request)
        except NotFound:
            raise ValidationError({self.cursor_query_param: [BAD_CURSOR]}) from None
        if cursor is not None and cursor.position is not None:
            self._check_position(cursor.position)
        return cursor

    def _check_position(self, position: str) -> None:
        # The position is compared with the first ordering column, so it must be a value of
        # that column's type; checked here so the database never sees "2016-13-45".
        name = self.ordering[0].lstrip("-")
        try:
            field = self._model._meta.get_field(name)
        except FieldDoesNotExist:
            # An annotation such as the search rank: a number.
            try:
                float(position)
            except ValueError:
                raise ValidationError({self.cursor_query_param: [BAD_CURSOR]}) from None
            return
        try:
            field.to_python(position)
        except DjangoValidationError:
            raise ValidationError({self.cursor_query_param: [BAD_CURSOR]}) from None


class EventCursorPagination(StrictCursorPagination):
    """Events in timeline order (earliest, latest, id) unless `ordering` asks otherwise."""

    ordering = ("earliest", "latest", "id")

    def get_ordering(self, request: Request, queryset: QuerySet, view: Any) -> tuple[str, ...]:
        # The filter set has already refused an unknown or impossible ordering.
        params = request.query_params
        return ordering_columns({"ordering": params.get("ordering"), "q": params.get("q")})


class NameCursorPagination(StrictCursorPagination):
    ordering = ("name", "id")
