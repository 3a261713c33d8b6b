"""The OpenAPI description: drf-spectacular's, plus the error responses every endpoint
can give, so a client (and schemathesis) knows a 400 or 404 is part of the contract."""

from __future__ import annotations

from typing import Any

from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from rest_framework import serializers


class ErrorSerializer(serializers.Serializer):
    """`detail` says what went wrong; a rejected parameter or field is instead named as a
    key holding a list of messages, e.g. {"start": ["'2016-13' is not a date: ..."]}."""

    detail = serializers.CharField(required=False)

    class Meta:
        ref_name = "Error"


WRITE_METHODS = {"POST", "PUT", "PATCH"}


class AutoSchema(SpectacularAutoSchema):
    def get_auth(self) -> list[dict[str, Any]]:
        # Reading is open to anyone (DjangoModelPermissionsOrAnonReadOnly): on safe
        # methods credentials are optional, which OpenAPI says with an empty requirement.
        auth = super().get_auth()
        if self.method in ("GET", "HEAD") and {} not in auth:
            auth.append({})
        return auth

    def _error_codes(self) -> list[str]:
        # 404 everywhere: unknown ids, and unknown format suffixes on any path.
        codes = ["400", "403", "404", "406", "429"]
        if self.method in WRITE_METHODS:
            codes.append("415")
        return codes

    def _get_response_bodies(self, direction: str = "response") -> dict[str, Any]:
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        for code in self._error_codes():
            if code not in responses:
                responses[code] = self._get_response_for_code(
                    ErrorSerializer, code, ["application/json"], direction
                )
                responses[code]["description"] = _ERROR_DESCRIPTIONS[code]
        return responses


_ERROR_DESCRIPTIONS = {
    "400": "A parameter or field was rejected; the body names it.",
    "403": "Not signed in, or lacking the model permission this needs.",
    "404": "No such object (or not one you may see).",
    "406": "None of the accepted formats can be produced.",
    "415": "The request body is in a format this endpoint does not read.",
    "429": "Too many requests from this client; wait and retry.",
}
