"""How events, actors, places and citations look in the API, and how writes are checked.

The database holds the invariants (earliest <= latest, low <= high, offsets inside the
text); the serializers check the same rules first so a client gets a 400 naming the
field instead of an integrity error.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django.utils.text import slugify
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from edtf import EDTFParseException, parse_edtf, struct_time_to_date
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied

from events.editorial import can_publish, refresh_search_vector
from events.models import Actor, Citation, Event, EventActor, Place, Status
from sources.models import Source

SLUG_MAX_LENGTH = 200


def _unique_slug(model: type, text: str, *, exclude_pk: int | None = None) -> str:
    """A slug from `text` that no other row of `model` has yet (suffix -2, -3, ...)."""
    base = (slugify(text) or model.__name__.lower())[: SLUG_MAX_LENGTH - 10]
    taken = set(
        model.objects.filter(slug__startswith=base)
        .exclude(pk=exclude_pk)
        .values_list("slug", flat=True)
    )
    slug, n = base, 1
    while slug in taken:
        n += 1
        slug = f"{base}-{n}"
    return slug


def _source_api_url(source_id: int) -> str | None:
    # The sources resource belongs to the ingestion side; link to it only when it is routed.
    try:
        return reverse("source-detail", kwargs={"pk": source_id})
    except NoReverseMatch:
        return None


class PlaceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Place
        fields = [
            "id",
            "name",
            "slug",
            "aliases",
            "latitude",
            "longitude",
            "country",
            "kind",
            "gazetteer_id",
            "status",
        ]
        extra_kwargs = {"slug": {"required": False}}

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        lat = attrs.get("latitude", getattr(self.instance, "latitude", None))
        lon = attrs.get("longitude", getattr(self.instance, "longitude", None))
        if (lat is None) != (lon is None):
            raise serializers.ValidationError(
                {"latitude": ["Give both latitude and longitude, or neither."]}
            )
        if lat is not None and not -90 <= lat <= 90:
            raise serializers.ValidationError({"latitude": ["Must be between -90 and 90."]})
        if lon is not None and not -180 <= lon <= 180:
            raise serializers.ValidationError({"longitude": ["Must be between -180 and 180."]})
        if not attrs.get("slug") and self.instance is None:
            attrs["slug"] = _unique_slug(Place, attrs.get("name", ""))
        return attrs


class PlaceSummarySerializer(serializers.ModelSerializer):
    """A place as shown inside an event: enough to put it on a map."""

    class Meta:
        model = Place
        fields = ["id", "name", "slug", "latitude", "longitude", "country"]
        read_only_fields = fields


class ActorSerializer(serializers.ModelSerializer):
    parent = serializers.SlugRelatedField(
        slug_field="slug", queryset=Actor.objects.all(), required=False, allow_null=True
    )

    class Meta:
        model = Actor
        fields = ["id", "name", "slug", "kind", "aliases", "description", "parent", "status"]
        extra_kwargs = {"slug": {"required": False}}

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if not attrs.get("slug") and self.instance is None:
            attrs["slug"] = _unique_slug(Actor, attrs.get("name", ""))
        return attrs


class EventActorSerializer(serializers.ModelSerializer):
    """An actor's part in an event. Written as {"actor": <slug>, "role": ...}."""

    actor = serializers.SlugRelatedField(slug_field="slug", queryset=Actor.objects.all())
    id = serializers.IntegerField(source="actor.id", read_only=True)
    name = serializers.CharField(source="actor.name", read_only=True)
    kind = serializers.CharField(source="actor.kind", read_only=True)

    class Meta:
        model = EventActor
        fields = ["actor", "role", "id", "name", "kind"]


class CitedSourceSerializer(serializers.ModelSerializer):
    """The source behind a citation, with links to the original and to its API resource."""

    api_url = serializers.SerializerMethodField()

    class Meta:
        model = Source
        fields = ["id", "title", "publisher", "url", "published", "kind", "api_url"]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.STR)
    def get_api_url(self, source: Source) -> str | None:
        path = _source_api_url(source.pk)
        request = self.context.get("request")
        if path is None or request is None:
            return path
        return request.build_absolute_uri(path)


class CitationSerializer(serializers.ModelSerializer):
    """A source's support for an event. The quote is taken from the source's text by
    offsets when omitted, and must equal that span when given."""

    event = serializers.PrimaryKeyRelatedField(queryset=Event.objects.all())
    source = serializers.PrimaryKeyRelatedField(queryset=Source.objects.all())
    quote = serializers.CharField(required=False, trim_whitespace=False)
    source_detail = CitedSourceSerializer(source="source", read_only=True)

    class Meta:
        model = Citation
        fields = [
            "id",
            "event",
            "source",
            "source_detail",
            "quote",
            "start",
            "end",
            "claimed_edtf",
            "claimed_earliest",
            "claimed_latest",
            "claimed_precision",
            "fatalities_low",
            "fatalities_high",
            "stance",
            "made_by",
            "confidence",
            "created",
        ]
        read_only_fields = ["created"]

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        def current(name: str) -> Any:
            return attrs.get(name, getattr(self.instance, name, None))

        source: Source = current("source")
        start, end = current("start"), current("end")
        if start is not None and end is not None and source is not None:
            if end <= start or end > len(source.text):
                raise serializers.ValidationError(
                    {
                        "end": [
                            f"The span must lie inside the source's {len(source.text)} characters."
                        ]
                    }
                )
            span = source.text[start:end]
            if "quote" in attrs and attrs["quote"] != span:
                raise serializers.ValidationError(
                    {"quote": ["The quote must be exactly the source's text at start:end."]}
                )
            attrs["quote"] = span
        _check_range(attrs, self.instance, "claimed_earliest", "claimed_latest")
        _check_range(attrs, self.instance, "fatalities_low", "fatalities_high")
        confidence = attrs.get("confidence")
        if confidence is not None and not 0 <= confidence <= 1:
            raise serializers.ValidationError({"confidence": ["Must be between 0 and 1."]})
        return attrs

    def create(self, validated_data: dict[str, Any]) -> Citation:
        citation = super().create(validated_data)
        refresh_search_vector(citation.event_id)
        return citation

    def update(self, instance: Citation, validated_data: dict[str, Any]) -> Citation:
        old_event = instance.event_id
        citation = super().update(instance, validated_data)
        refresh_search_vector(citation.event_id)
        if old_event != citation.event_id:
            refresh_search_vector(old_event)
        return citation


class EventCitationSerializer(serializers.ModelSerializer):
    """A citation as shown inside its event (`?include=citations`)."""

    source = CitedSourceSerializer(read_only=True)

    class Meta:
        model = Citation
        fields = [
            "id",
            "source",
            "quote",
            "start",
            "end",
            "claimed_edtf",
            "fatalities_low",
            "fatalities_high",
            "stance",
            "made_by",
            "confidence",
        ]
        read_only_fields = fields


def _check_range(attrs: dict[str, Any], instance: Any, low_name: str, high_name: str) -> None:
    low = attrs.get(low_name, getattr(instance, low_name, None))
    high = attrs.get(high_name, getattr(instance, high_name, None))
    if low is not None and high is not None and low > high:
        raise serializers.ValidationError({high_name: [f"Must not be below {low_name}."]})


class EventSerializer(serializers.ModelSerializer):
    """An event: its date as EDTF with day bounds and precision, who took part in which
    role, where (with coordinates), the fatality range and, on request, its citations.

    On writes `place` is a place's slug and `actors` a list of {"actor": slug, "role"};
    `earliest`/`latest` default to the bounds of the EDTF date.
    """

    actors = EventActorSerializer(source="event_actors", many=True, required=False)
    place = serializers.SlugRelatedField(
        slug_field="slug", queryset=Place.objects.all(), required=False, allow_null=True
    )
    place_detail = PlaceSummarySerializer(source="place", read_only=True, allow_null=True)
    citations = serializers.SerializerMethodField()
    rank = serializers.FloatField(read_only=True, allow_null=True, default=None)

    class Meta:
        model = Event
        fields = [
            "id",
            "slug",
            "title",
            "summary",
            "type",
            "edtf",
            "earliest",
            "latest",
            "precision",
            "place",
            "place_detail",
            "actors",
            "fatalities_low",
            "fatalities_high",
            "status",
            "confidence",
            "disputed",
            "created",
            "updated",
            "rank",
            "citations",
        ]
        read_only_fields = ["created", "updated"]
        extra_kwargs = {
            "slug": {"required": False},
            "earliest": {"required": False},
            "latest": {"required": False},
        }

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        # Citations cost a query and much text; they are sent only when asked for.
        if not self.context.get("include_citations"):
            fields.pop("citations")
        return fields

    @extend_schema_field(EventCitationSerializer(many=True))
    def get_citations(self, event: Event) -> list[dict[str, Any]]:
        return EventCitationSerializer(event.citations.all(), many=True, context=self.context).data

    def validate_edtf(self, value: str) -> str:
        try:
            parse_edtf(value)
        except (EDTFParseException, ValueError, TypeError):
            raise serializers.ValidationError(
                "Not an EDTF date (e.g. 2016-09-17, 2016-09, 2016-09-10~, 2016-09-12/2016-09-19)."
            ) from None
        return value

    def validate_status(self, value: str) -> str:
        # Publishing and rejecting are a reviewer's decision, in the API as in the admin.
        current = self.instance.status if self.instance is not None else Status.CANDIDATE
        request = self.context.get("request")
        if value != current and not can_publish(getattr(request, "user", None)):
            raise PermissionDenied(
                "Changing an event's status (publishing or rejecting) needs the "
                "events.publish_event permission (the Reviewer role)."
            )
        return value

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if "edtf" in attrs and ("earliest" not in attrs or "latest" not in attrs):
            lower, upper = _edtf_bounds(attrs["edtf"])
            attrs.setdefault("earliest", lower)
            attrs.setdefault("latest", upper)
        if self.instance is None and not attrs.get("edtf"):
            raise serializers.ValidationError({"edtf": ["This field is required."]})
        _check_range(attrs, self.instance, "earliest", "latest")
        _check_range(attrs, self.instance, "fatalities_low", "fatalities_high")
        confidence = attrs.get("confidence")
        if confidence is not None and not 0 <= confidence <= 1:
            raise serializers.ValidationError({"confidence": ["Must be between 0 and 1."]})
        roles = attrs.get("event_actors") or []
        pairs = [(item["actor"].pk, item["role"]) for item in roles]
        if len(pairs) != len(set(pairs)):
            raise serializers.ValidationError({"actors": ["An actor is listed twice in one role."]})
        if not attrs.get("slug") and self.instance is None:
            attrs["slug"] = _unique_slug(Event, attrs.get("title", ""))
        return attrs

    @transaction.atomic
    def create(self, validated_data: dict[str, Any]) -> Event:
        roles = validated_data.pop("event_actors", [])
        event = Event.objects.create(**validated_data)
        _set_roles(event, roles)
        refresh_search_vector(event.pk)
        return event

    @transaction.atomic
    def update(self, instance: Event, validated_data: dict[str, Any]) -> Event:
        roles = validated_data.pop("event_actors", None)
        event = super().update(instance, validated_data)
        if roles is not None:
            event.event_actors.all().delete()
            _set_roles(event, roles)
        refresh_search_vector(event.pk)
        return event


def _set_roles(event: Event, roles: list[dict[str, Any]]) -> None:
    EventActor.objects.bulk_create(
        EventActor(event=event, actor=item["actor"], role=item["role"]) for item in roles
    )


def _edtf_bounds(value: str) -> tuple[Any, Any]:
    try:
        parsed = parse_edtf(value)
        return (
            struct_time_to_date(parsed.lower_strict()),
            struct_time_to_date(parsed.upper_strict()),
        )
    except (EDTFParseException, ValueError, TypeError, OverflowError):
        # Open intervals ("2016-09-12/..") have no day bound to derive.
        raise serializers.ValidationError(
            {"earliest": ["Give earliest and latest: they cannot be derived from this date."]}
        ) from None
