"""Errors as JSON with a clear message, never an HTML 500 page.

DRF already answers its own exceptions with JSON. This adds the two database-side refusals
a request can still trigger after validation (a model `ValidationError`, a constraint that
a concurrent write broke) as 400s with a message, in DRF's usual shape.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.views import exception_handler as drf_exception_handler

CONSTRAINT_MESSAGE = (
    "The change breaks a rule of the data (a duplicate, or bounds in the wrong order); "
    "nothing was saved."
)


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, DjangoValidationError):
        exc = ValidationError(as_serializer_error(exc))
    elif isinstance(exc, IntegrityError):
        exc = ValidationError({"detail": CONSTRAINT_MESSAGE})
    return drf_exception_handler(exc, context)
