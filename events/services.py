"""Writing what the extraction library found into the timeline: Events, Citations, Actors
and Places, merged with what other sources already said. One transaction per source.

The ingestion pipeline calls `record_extraction(source)` once a source's text is stored;
running it again on the same source replaces that source's machine-made citations and
never creates a second event for the same happening.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils.text import slugify

from events.editorial import refresh_search_vector
from events.extraction import lexicon
from events.extraction.candidates import parse_text, unknown_names
from events.extraction.entries import ActorRole, CandidateEvent, Mention, PlaceRef
from events.extraction.gazetteer import (
    PLACE_SPECIFICITY,
    Gazetteer,
    GazetteerEntry,
    default_gazetteer,
)
from events.models import Actor, Citation, Event, EventActor, Place, Status
from sources.models import Source

# Sources a day apart about one happening often differ by time zone (a Saturday-night
# strike reported on Sunday), so day-precise dates this close still meet.
DATE_SLACK = timedelta(days=1)
SLUG_MAX = 190
# Key of the PostgreSQL advisory lock that serialises extractions (any constant will do).
EXTRACTION_LOCK = 7_242_016
DEFAULT_SPECIFICITY = 3
CLAIMED_DATE_SOURCES = frozenset({"own", "clause", "sentence"})
SUMMARY_MAX = 1000
# Roles that identify who took part; "subject" is too loose to tie two reports together.
IDENTIFYING_ROLES = frozenset({"perpetrator", "target", "speaker", "mediator"})


@dataclass
class ExtractionResult:
    source_id: int
    candidates: int = 0
    events_created: list[int] = field(default_factory=list)
    events_merged: list[int] = field(default_factory=list)
    events_removed: int = 0
    citations: int = 0
    actors_proposed: list[str] = field(default_factory=list)

    @property
    def events(self) -> list[int]:
        return [*self.events_created, *self.events_merged]


def load_gazetteer() -> Gazetteer:
    """The library's gazetteer built from the Actor and Place rows editors maintain
    (candidates and rejected names excluded)."""
    parents = dict(Actor.objects.filter(parent__isnull=False).values_list("id", "parent__slug"))
    entries = [
        GazetteerEntry(
            name=a.name,
            kind=a.kind,
            slug=a.slug,
            aliases=tuple(a.aliases),
            parent=parents.get(a.id, ""),
            description=a.description,
        )
        for a in Actor.objects.filter(status=Status.PUBLISHED).only(
            "id", "name", "kind", "slug", "aliases", "description"
        )
    ]
    entries += [
        GazetteerEntry(
            name=p.name,
            kind=p.kind or "place",
            slug=p.slug,
            aliases=tuple(p.aliases),
            latitude=p.latitude,
            longitude=p.longitude,
            country=p.country,
            gazetteer_id=p.gazetteer_id,
        )
        for p in Place.objects.filter(status=Status.PUBLISHED)
    ]
    return Gazetteer(entries)


def record_extraction(source: Source, *, gazetteer: Gazetteer | None = None) -> ExtractionResult:
    """Turn `source`'s text into Events and Citations, in one transaction."""
    with transaction.atomic():
        # Two workers extracting two articles about one happening must not both find no
        # event and both create one: extractions take turns (they are short), and the
        # lock ends with the transaction.
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [EXTRACTION_LOCK])
        source = Source.objects.select_for_update().get(pk=source.pk)
        gazetteer = gazetteer or _gazetteer()
        result = ExtractionResult(source.pk)
        previous = set(
            Citation.objects.filter(source=source, made_by=Citation.MadeBy.MACHINE).values_list(
                "event_id", flat=True
            )
        )
        Citation.objects.filter(source=source, made_by=Citation.MadeBy.MACHINE).delete()

        candidates = parse_text(source.text, source.published, gazetteer) if source.text else []
        result.candidates = len(candidates)
        writer = _Writer(source, result)
        touched: set[int] = set()
        for candidate in candidates:
            event = writer.write(candidate)
            touched.add(event.pk)
        for name in unknown_names(source.text, gazetteer) if source.text else []:
            writer.candidate_actor(name["name"], name["kind"])

        # Events only this source supported, and that it no longer supports, go; an event
        # an editor published stays even without citations: that was their decision.
        orphans = Event.objects.filter(
            pk__in=previous - touched, status=Status.CANDIDATE, citations__isnull=True
        )
        result.events_removed = orphans.count()
        orphans.delete()
        for event in Event.objects.filter(pk__in=touched | (previous - touched)):
            _recompute(event)
            refresh_search_vector(event)
    return result


def _gazetteer() -> Gazetteer:
    gazetteer = load_gazetteer()
    return gazetteer if gazetteer.entries else default_gazetteer()


class _Writer:
    def __init__(self, source: Source, result: ExtractionResult) -> None:
        self.source = source
        self.result = result
        self.actors: dict[tuple[str, str], Actor] = {}
        self.places: dict[str, Place] = {}

    def write(self, candidate: CandidateEvent) -> Event:
        actors = [(self.actor(a), a.role) for a in candidate.actors]
        place = self.place(candidate.place) if candidate.place else None
        event = self._matching_event(candidate, [a for a, _ in actors], place)
        if event is None:
            event = self._create_event(candidate, place)
            self.result.events_created.append(event.pk)
        else:
            self._absorb(event, candidate, place)
            if event.pk not in self.result.events_created:
                self.result.events_merged.append(event.pk)
        for actor, role in actors:
            EventActor.objects.get_or_create(event=event, actor=actor, role=role)
        held = set(event.citations.values_list("source_id", "start", "end"))
        for mention in candidate.mentions:
            if (self.source.pk, mention.start, mention.end) in held:
                continue
            held.add((self.source.pk, mention.start, mention.end))
            Citation.objects.create(**_citation_fields(event, self.source, mention))
            self.result.citations += 1
        return event

    # Matching ---------------------------------------------------------------------------

    def _matching_event(
        self, candidate: CandidateEvent, actors: list[Actor], place: Place | None
    ) -> Event | None:
        """The existing event this candidate reports, if any: a compatible type, dates
        that meet, and a shared actor or place (or nothing to tell them apart)."""
        slack = DATE_SLACK if candidate.date.precision == "day" else timedelta(0)
        qs = (
            Event.objects.filter(type__in=_compatible_types(candidate.type))
            .exclude(status=Status.REJECTED)
            .filter(
                earliest__lte=candidate.date.latest + slack,
                latest__gte=candidate.date.earliest - slack,
            )
            .prefetch_related("event_actors")
            .order_by("earliest", "id")
        )
        identifying = {
            a.pk
            for a, c in zip(actors, candidate.actors, strict=True)
            if c.role in IDENTIFYING_ROLES
        }
        speakers = {
            a.pk for a, c in zip(actors, candidate.actors, strict=True) if c.role == "speaker"
        }
        best: tuple[int, Event] | None = None
        for event in qs[:200]:
            roles = list(event.event_actors.all())
            theirs = {ea.actor_id for ea in roles if ea.role in IDENTIFYING_ROLES}
            if candidate.type == lexicon.STATEMENT:
                # A statement is one speaker's words on one day.
                their_speakers = {ea.actor_id for ea in roles if ea.role == "speaker"}
                if not speakers & their_speakers:
                    continue
                if not (
                    event.earliest <= candidate.date.latest
                    and candidate.date.earliest <= event.latest
                ):
                    continue
            shared = len(identifying & theirs)
            same_place = place is not None and event.place_id == place.pk
            conflicting_place = (
                place is not None
                and event.place_id is not None
                and event.place_id != place.pk
                and not _same_area(place, event.place)
            )
            if conflicting_place and not shared:
                continue
            if not (shared or same_place or not identifying or not theirs):
                continue
            score = 2 * shared + same_place + (event.type == candidate.type)
            if best is None or score > best[0]:
                best = (score, event)
        return best[1] if best else None

    def _create_event(self, candidate: CandidateEvent, place: Place | None) -> Event:
        confidence = round(candidate.confidence, 3)
        published = confidence >= settings.EVENTS_AUTO_PUBLISH_CONFIDENCE
        return Event.objects.create(
            title=candidate.title[:300],
            slug=_unique_slug(Event, f"{candidate.title[:120]} {candidate.date.earliest}"),
            summary=candidate.quote[:SUMMARY_MAX],
            type=candidate.type,
            edtf=candidate.date.edtf[:64],
            earliest=candidate.date.earliest,
            latest=candidate.date.latest,
            precision=candidate.date.precision,
            place=place,
            fatalities_low=candidate.fatalities_low,
            fatalities_high=candidate.fatalities_high,
            confidence=confidence,
            disputed=candidate.disputed,
            status=Status.PUBLISHED if published else Status.CANDIDATE,
        )

    def _absorb(self, event: Event, candidate: CandidateEvent, place: Place | None) -> None:
        changed = []
        if place is not None and (
            event.place is None or _specificity(place) > _specificity(event.place)
        ):
            event.place = place  # the airport rather than the country
            changed.append("place")
        # A generic report ("killed") joined by a specific one ("airstrike") is the latter.
        if event.type in lexicon.GENERIC_TYPES and candidate.type not in lexicon.GENERIC_TYPES:
            event.type = candidate.type
            changed.append("type")
        if candidate.confidence > event.confidence:
            event.confidence = round(candidate.confidence, 3)
            changed.append("confidence")
            if (
                event.status == Status.CANDIDATE
                and event.confidence >= settings.EVENTS_AUTO_PUBLISH_CONFIDENCE
            ):
                event.status = Status.PUBLISHED
                changed.append("status")
        if changed:
            event.save(update_fields=[*changed, "updated"])

    # Names --------------------------------------------------------------------------------

    def actor(self, role: ActorRole) -> Actor:
        key = (role.slug, role.name)
        if key not in self.actors:
            found = None
            if role.slug:
                found = Actor.objects.filter(slug=role.slug).first()
            if found is None:
                found = _actor_named(role.name)
            if found is None:
                found = self.candidate_actor(role.name, role.kind)
            self.actors[key] = found
        return self.actors[key]

    def candidate_actor(self, name: str, kind: str) -> Actor:
        """An unknown name, proposed to editors as a candidate actor (once)."""
        found = _actor_named(name)
        if found is not None:
            return found
        valid_kinds = {k.value for k in Actor.Kind}
        actor = Actor.objects.create(
            name=name[:200],
            slug=_unique_slug(Actor, name),
            kind=kind if kind in valid_kinds else Actor.Kind.UNKNOWN,
            status=Status.CANDIDATE,
            description=f"Proposed by extraction from source {self.source.pk}.",
        )
        self.result.actors_proposed.append(actor.name)
        return actor

    def place(self, ref: PlaceRef) -> Place:
        key = ref.slug or ref.gazetteer_id or ref.name
        if key not in self.places:
            found = Place.objects.filter(slug=ref.slug).first() if ref.slug else None
            if found is None and ref.gazetteer_id:
                found = Place.objects.filter(gazetteer_id=ref.gazetteer_id).first()
            if found is None:
                found = Place.objects.filter(
                    Q(name__iexact=ref.name) | Q(aliases__contains=[ref.name])
                ).first()
            if found is None:
                found = Place.objects.create(
                    name=ref.name[:200],
                    slug=_unique_slug(Place, ref.name),
                    latitude=ref.latitude if ref.longitude is not None else None,
                    longitude=ref.longitude if ref.latitude is not None else None,
                    country=ref.country[:100],
                    kind=ref.kind[:50],
                    gazetteer_id=ref.gazetteer_id[:50],
                    status=Status.CANDIDATE,
                )
            self.places[key] = found
        return self.places[key]


def _actor_named(name: str) -> Actor | None:
    return (
        Actor.objects.filter(Q(name__iexact=name) | Q(aliases__contains=[name]))
        .exclude(status=Status.REJECTED)
        .order_by("id")
        .first()
    )


def _same_area(a: Place, b: Place | None) -> bool:
    if b is None:
        return True
    short, long = sorted((a.name.lower(), b.name.lower()), key=len)
    return long.startswith(short) or (a.kind == "country" or b.kind == "country")


def _specificity(place: Place) -> int:
    return PLACE_SPECIFICITY.get(place.kind, DEFAULT_SPECIFICITY)


def _compatible_types(kind: str) -> list[str]:
    strike = [lexicon.AIRSTRIKE, lexicon.SHELLING, lexicon.ATTACK, lexicon.CASUALTY_REPORT]
    if kind in lexicon.GENERIC_TYPES:
        return strike
    if kind in strike:
        return [kind, *lexicon.GENERIC_TYPES]
    return [kind]


def _citation_fields(event: Event, source: Source, mention: Mention) -> dict:
    fatalities = mention.fatalities
    # Only a date the sentence itself gives is this source's claim; one the reader
    # inferred from elsewhere in the article (or from its publication) is not.
    claimed = mention.date if mention.date.source in CLAIMED_DATE_SOURCES else None
    return {
        "event": event,
        "source": source,
        "quote": source.text[mention.start : mention.end],
        "start": mention.start,
        "end": mention.end,
        "claimed_edtf": claimed.edtf[:64] if claimed else "",
        "claimed_earliest": claimed.earliest if claimed else None,
        "claimed_latest": claimed.latest if claimed else None,
        "claimed_precision": claimed.precision if claimed else "",
        "fatalities_low": fatalities.low if fatalities else None,
        "fatalities_high": fatalities.high if fatalities else None,
        "stance": Citation.Stance.ASSERTS,
        "made_by": Citation.MadeBy.MACHINE,
        "confidence": round(mention.confidence, 3),
    }


def _recompute(event: Event) -> None:
    """Fatalities, date and the disputed flag from every citation the event now holds:
    when sources cannot all be right, each keeps its claim and the event says so."""
    citations = list(event.citations.all())
    claims = [
        (c.fatalities_low, c.fatalities_high)
        for c in citations
        if c.fatalities_low is not None or c.fatalities_high is not None
    ]
    lows = [lo if lo is not None else hi for lo, hi in claims]
    highs = [hi if hi is not None else lo for lo, hi in claims]
    counts_disagree = bool(claims) and max(lows) > min(highs)
    if claims and counts_disagree:
        event.fatalities_low, event.fatalities_high = min(lows), max(highs)
    elif claims:
        known_lows = [lo for lo, _ in claims if lo is not None]
        known_highs = [hi for _, hi in claims if hi is not None]
        event.fatalities_low = max(known_lows) if known_lows else None
        event.fatalities_high = min(known_highs) if known_highs else None
    days = [
        (c.claimed_earliest, c.claimed_latest)
        for c in citations
        if c.claimed_earliest and c.claimed_latest and c.claimed_precision == "day"
    ]
    dates_disagree = _disjoint(days)
    editor_disputes = any(
        c.stance in (Citation.Stance.DENIES, Citation.Stance.DISPUTES) for c in citations
    )
    event.disputed = counts_disagree or dates_disagree or editor_disputes
    event.save(update_fields=["fatalities_low", "fatalities_high", "disputed", "updated"])


def _disjoint(intervals: Iterable[tuple[date, date]]) -> bool:
    intervals = list(intervals)
    if len(intervals) < 2:
        return False
    return max(lo for lo, _ in intervals) > min(hi for _, hi in intervals)


def _unique_slug(model: type, text: str) -> str:
    base = (slugify(text) or "item")[:SLUG_MAX]
    slug = base
    n = 2
    while model.objects.filter(slug=slug).exists():
        slug = f"{base[: SLUG_MAX - 6]}-{n}"
        n += 1
    return slug
