"""Sources as the API shows them, and what a client may send to add one."""

from __future__ import annotations

from django.conf import settings
from rest_framework import serializers

from sources.models import Source, SourceKind
from sources.services import too_large_message


class SourceSerializer(serializers.HyperlinkedModelSerializer):
    """A source and its processing status; `url` is this resource, `canonical_url` the
    article's own address."""

    url = serializers.HyperlinkedIdentityField(view_name="source-detail")
    canonical_url = serializers.URLField(source="url", read_only=True, allow_null=True)

    class Meta:
        model = Source
        fields = [
            "id",
            "url",
            "canonical_url",
            "kind",
            "title",
            "publisher",
            "author",
            "published",
            "published_precision",
            "language",
            "status",
            "error",
            "attempts",
            "status_changed",
            "created",
        ]
        read_only_fields = fields


class SourceDetailSerializer(SourceSerializer):
    class Meta(SourceSerializer.Meta):
        fields = [*SourceSerializer.Meta.fields, "text", "content_hash"]
        read_only_fields = fields


class SourceSubmitSerializer(serializers.Serializer):
    """Exactly one of: `canonical_url` (fetched by the worker), `text` (plain or the seed
    format), or `file` (multipart upload: text, HTML or JSON lines)."""

    canonical_url = serializers.URLField(required=False, max_length=2000)
    text = serializers.CharField(required=False, trim_whitespace=False)
    file = serializers.FileField(required=False)
    kind = serializers.ChoiceField(choices=SourceKind.choices, default=SourceKind.ARTICLE)
    title = serializers.CharField(required=False, allow_blank=True, max_length=500)

    def validate_file(self, upload):
        if upload.size > settings.SOURCE_MAX_BYTES:
            raise serializers.ValidationError(too_large_message(upload.size))
        return upload

    def validate_text(self, text: str) -> str:
        if len(text.encode("utf-8")) > settings.SOURCE_MAX_BYTES:
            raise serializers.ValidationError(too_large_message(len(text.encode("utf-8"))))
        return text

    def validate(self, attrs: dict) -> dict:
        given = [name for name in ("canonical_url", "text", "file") if attrs.get(name) is not None]
        if len(given) != 1:
            raise serializers.ValidationError("Send exactly one of canonical_url, text or file.")
        return attrs
