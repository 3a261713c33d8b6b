"""GET /api/sources/ and /api/sources/{id}/ to follow sources (open to anyone);
POST /api/sources/ to add one (editors with sources.add_source), answered 202."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from sources.api.serializers import (
    SourceDetailSerializer,
    SourceSerializer,
    SourceSubmitSerializer,
)
from sources.models import Source
from sources.services import Submission, submit_file, submit_source, too_large_message


class SourceViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    queryset = Source.objects.all().order_by("-id")
    filterset_fields = ["status", "kind", "publisher"]
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_serializer_class(self):
        if self.action == "create":
            return SourceSubmitSerializer
        if self.action == "retrieve":
            return SourceDetailSerializer
        return SourceSerializer

    @extend_schema(
        request=SourceSubmitSerializer,
        responses={
            202: OpenApiResponse(SourceSerializer, "Queued: poll the source's url."),
            200: OpenApiResponse(SourceSerializer, "Already stored: the existing source."),
            400: OpenApiResponse(description="The input cannot become a source."),
            413: OpenApiResponse(description="The request is larger than a source may be."),
        },
    )
    def create(self, request: Request, *args, **kwargs) -> Response:
        # Refused from the header, before a body far over the limit is read at all.
        length = request.META.get("CONTENT_LENGTH") or "0"
        if length.isdigit() and int(length) > settings.DATA_UPLOAD_MAX_MEMORY_SIZE:
            return Response(
                {"detail": too_large_message(int(length))},
                status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
            )
        submit = SourceSubmitSerializer(data=request.data)
        submit.is_valid(raise_exception=True)
        data = submit.validated_data
        common = {"kind": data["kind"], "added_by": request.user}
        # One transaction, so the task is queued once the row is committed.
        with transaction.atomic():
            if data.get("file") is not None:
                upload = data["file"]
                submissions = submit_file(data=upload.read(), filename=upload.name, **common)
                if len(submissions) != 1:
                    raise ValidationError(
                        {"file": ["Send one source per request (JSON lines: use ingest)."]}
                    )
                submission = submissions[0]
            elif data.get("text") is not None:
                submission = submit_source(text=data["text"], title=data.get("title", ""), **common)
            else:
                submission = submit_source(
                    url=data["canonical_url"], title=data.get("title", ""), **common
                )
        return self._answer(request, submission)

    def _answer(self, request: Request, submission: Submission) -> Response:
        if submission.error:
            raise ValidationError({"detail": submission.error})
        body = SourceSerializer(submission.source, context={"request": request}).data
        body["duplicate"] = submission.duplicate
        return Response(
            body,
            status=status.HTTP_200_OK if submission.duplicate else status.HTTP_202_ACCEPTED,
            headers={"Location": body["url"]},
        )
