"""Writing what the extraction library found into the timeline: Events, Citations, Actors
and Places, merged with what other sources already said. One transaction per source.

The ingestion pipeline calls `record_extraction(source)` once a source's text is stored;
running it again on the same source replaces that source's machine-made citations and
never creates a second event for the same happening.

Cost: a source costs a fixed number of queries (about twenty), however many candidates it
holds and however many events the timeline already has. The text is read before the
extraction lock is taken; under the lock every name is looked up at once, the events each
candidate might report are fetched in one query (all date windows together), the merging
happens in memory, and the rows are written in bulk (history included) at the end.
What still grows is the search vector: each touched event's vector is rebuilt from its
distinct quotes (events.editorial.search_vector), so an event cited in many different
words costs the database a re-parse of all of them at every new citation.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.conf import settings
from django.db import connection, models, transaction
from django.db.models import Count, Max, Min, Q
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.text import slugify
from simple_history.utils import bulk_create_with_history

from events.editorial import search_vector
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
# Existing events a candidate is compared with: the earliest ones its date window meets.
MATCH_LIMIT = 200
# What an absorbed report may change on an event it joins.
ABSORBED_FIELDS = ("place", "type", "confidence", "status")
RECOMPUTED_FIELDS = ("fatalities_low", "fatalities_high", "disputed", "updated")
CONTRADICTING_STANCES = (Citation.Stance.DENIES, Citation.Stance.DISPUTES)


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


# Gazetteer ------------------------------------------------------------------------------

# (version, gazetteer): the last gazetteer this process built, and the content it was
# built from. Building one costs more than an extraction's writes, and editors rarely
# change the names, so a process builds it again only when the version differs.
_gazetteer_cache: tuple[str, Gazetteer] | None = None


def load_gazetteer() -> Gazetteer:
    """The library's gazetteer built from the Actor and Place rows editors maintain
    (candidates and rejected names excluded).

    Built once per process and reused while those rows stay as they were (one cheap query
    compares a hash of them), so the result is shared: read it, do not `add` to it."""
    global _gazetteer_cache
    # The version first: a change landing while the rows are read then only causes one
    # needless rebuild, never a stale gazetteer under a current version.
    version = _gazetteer_version()
    cached = _gazetteer_cache
    if cached is not None and cached[0] == version:
        return cached[1]
    gazetteer = _build_gazetteer()
    _gazetteer_cache = (version, gazetteer)
    return gazetteer


def _gazetteer_version() -> str:
    """A hash of everything the gazetteer is built from: every published actor row (with
    its parent's slug) and every published place row, whole, so an edit by any path (the
    admin, a queryset update, a merge) changes it. Candidate actors, which extraction
    proposes all the time, are not part of it."""
    actors, places = Actor._meta.db_table, Place._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT md5(
                coalesce((SELECT string_agg(a::text || '/' || coalesce(p.slug, ''), '|'
                                            ORDER BY a.id)
                          FROM {actors} a LEFT JOIN {actors} p ON p.id = a.parent_id
                          WHERE a.status = %s), '')
                || '#' ||
                coalesce((SELECT string_agg(pl::text, '|' ORDER BY pl.id)
                          FROM {places} pl WHERE pl.status = %s), '')
            )
            """,
            [Status.PUBLISHED, Status.PUBLISHED],
        )
        return cursor.fetchone()[0]


def _build_gazetteer() -> Gazetteer:
    entries = [
        GazetteerEntry(
            name=a.name,
            kind=a.kind,
            slug=a.slug,
            aliases=tuple(a.aliases),
            parent=a.parent.slug if a.parent is not None else "",
            description=a.description,
        )
        for a in Actor.objects.filter(status=Status.PUBLISHED)
        .select_related("parent")
        .only("id", "name", "kind", "slug", "aliases", "description", "parent__slug")
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


def _gazetteer() -> Gazetteer:
    gazetteer = load_gazetteer()
    return gazetteer if gazetteer.entries else default_gazetteer()


# Recording ------------------------------------------------------------------------------


def record_extraction(source: Source, *, gazetteer: Gazetteer | None = None) -> ExtractionResult:
    """Turn `source`'s text into Events and Citations, in one transaction."""
    with transaction.atomic():
        source = Source.objects.select_for_update().get(pk=source.pk)
        gazetteer = gazetteer or _gazetteer()
        result = ExtractionResult(source.pk)
        # Reading the text is most of the work and touches no shared rows: done before
        # the lock, so two workers read in parallel and only take turns to write.
        candidates = (
            parse_text(source.text, source.published, gazetteer, day_first=settings.DATES_DAY_FIRST)
            if source.text
            else []
        )
        unknown = unknown_names(source.text, gazetteer) if source.text else []
        result.candidates = len(candidates)

        # This source's citations: machine-made ones are replaced, editors' ones stay.
        # (The source row is locked, so no other extraction of it runs meanwhile.)
        previous: set[int] = set()
        kept: list[tuple[int, int, int]] = []
        for event_id, start, end, by in Citation.objects.filter(source=source).values_list(
            "event_id", "start", "end", "made_by"
        ):
            if by == Citation.MadeBy.MACHINE:
                previous.add(event_id)
            else:
                kept.append((event_id, start, end))
        if previous:
            # One history row per deleted citation, as any deletion records.
            Citation.objects.filter(source=source, made_by=Citation.MadeBy.MACHINE).delete()

        # Two workers extracting two articles about one happening must not both find no
        # event and both create one (nor both propose one new name): the matching and
        # writing take turns, and the lock ends with the transaction.
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [EXTRACTION_LOCK])
        writer = _Writer(source, result, kept)
        writer.resolve_names(candidates, unknown)
        writer.load_events(candidates)
        for candidate in candidates:
            writer.write(candidate)
        writer.save(previous)
    return result


@dataclass(eq=False)
class _Tracked:
    """An event as this extraction sees it: the row (new or loaded), its actor roles and
    this source's spans on it, and what changed."""

    event: Event
    new: bool = False
    # Order of creation among new events; existing ones sort by id.
    seq: int = 0
    roles: set[tuple[int, str]] = field(default_factory=set)
    spans: set[tuple[int, int]] = field(default_factory=set)
    changed: set[str] = field(default_factory=set)

    @property
    def order(self) -> tuple[date, int, int]:
        return (self.event.earliest, self.new, self.seq if self.new else self.event.pk)


class _Writer:
    def __init__(
        self, source: Source, result: ExtractionResult, kept: list[tuple[int, int, int]]
    ) -> None:
        self.source = source
        self.result = result
        self.actors: dict[tuple[str, str], Actor] = {}
        self.places: dict[str, Place] = {}
        # Spans of this source's remaining (editors') citations, by event.
        self.kept: dict[int, set[tuple[int, int]]] = {}
        for event_id, start, end in kept:
            self.kept.setdefault(event_id, set()).add((start, end))
        # Names as the database had them before this extraction, and those it adds.
        self._actor_by_slug: dict[str, Actor] = {}
        self._actor_by_name: dict[str, Actor] = {}
        self._place_by_slug: dict[str, Place] = {}
        self._place_by_gazetteer_id: dict[str, Place] = {}
        self._place_by_name: dict[str, Place] = {}
        self._new_actors: list[Actor] = []
        self._new_places: list[Place] = []
        self._actor_slugs = _Slugs(Actor)
        self._place_slugs = _Slugs(Place)
        self._event_slugs = _Slugs(Event)
        # Events: loaded ones by id, the candidates' date windows, the new ones in order.
        self._loaded: dict[int, _Tracked] = {}
        self._windows: dict[tuple, list[_Tracked]] = {}
        self._new_events: list[_Tracked] = []
        self._touched: dict[int, _Tracked] = {}  # by id() of the tracked event
        self._created: list[_Tracked] = []
        self._merged: list[_Tracked] = []
        self._citations: list[Citation] = []
        self._event_actors: list[EventActor] = []

    # Names --------------------------------------------------------------------------------

    def resolve_names(self, candidates: list[CandidateEvent], unknown: list[dict]) -> None:
        """Find (or propose) every actor and place the candidates name, with a few queries
        for all of them, and store the new ones."""
        roles = [role for candidate in candidates for role in candidate.actors]
        refs = [candidate.place for candidate in candidates if candidate.place]
        names = [role.name for role in roles] + [name["name"] for name in unknown]
        slugs = {role.slug for role in roles if role.slug}
        if slugs:
            self._actor_by_slug = {a.slug: a for a in Actor.objects.filter(slug__in=slugs)}
        self._actor_by_name = _first_named(Actor, names, order="id", exclude_rejected=True)
        self._actor_slugs.expect(names)

        slugs = {ref.slug for ref in refs if ref.slug}
        gazetteer_ids = {ref.gazetteer_id for ref in refs if ref.gazetteer_id}
        if slugs or gazetteer_ids:
            for place in Place.objects.filter(
                Q(slug__in=slugs) | Q(gazetteer_id__in=gazetteer_ids)
            ).order_by("name", "id"):
                if place.slug in slugs:
                    self._place_by_slug[place.slug] = place
                if place.gazetteer_id in gazetteer_ids:
                    # The first by name, as `.first()` on the default ordering gave.
                    self._place_by_gazetteer_id.setdefault(place.gazetteer_id, place)
        unresolved = [
            ref.name
            for ref in refs
            if not (ref.slug and ref.slug in self._place_by_slug)
            and not (ref.gazetteer_id and ref.gazetteer_id in self._place_by_gazetteer_id)
        ]
        self._place_by_name = _first_named(Place, unresolved, order="name")
        self._place_slugs.expect(ref.name for ref in refs)

        # In the order the names occur, so proposals are numbered as they always were.
        for candidate in candidates:
            for role in candidate.actors:
                self.actor(role)
            if candidate.place:
                self.place(candidate.place)
        for name in unknown:
            self.candidate_actor(name["name"], name["kind"])
        if self._new_places:
            bulk_create_with_history(self._new_places, Place, default_change_reason=None)
        if self._new_actors:
            bulk_create_with_history(self._new_actors, Actor, default_change_reason=None)

    def actor(self, role: ActorRole) -> Actor:
        key = (role.slug, role.name)
        if key not in self.actors:
            found = None
            if role.slug:
                found = self._actor_by_slug.get(role.slug)
            if found is None:
                found = self._actor_named(role.name)
            if found is None:
                found = self.candidate_actor(role.name, role.kind)
            self.actors[key] = found
        return self.actors[key]

    def _actor_named(self, name: str) -> Actor | None:
        # Rows that were there win (their ids are lower); then the ones proposed just now.
        found = self._actor_by_name.get(name)
        if found is None:
            found = next((a for a in self._new_actors if _same_name(a.name, name)), None)
        return found

    def candidate_actor(self, name: str, kind: str) -> Actor:
        """An unknown name, proposed to editors as a candidate actor (once)."""
        found = self._actor_named(name)
        if found is not None:
            return found
        valid_kinds = {k.value for k in Actor.Kind}
        actor = Actor(
            name=name[:200],
            slug=self._actor_slugs.take(name),
            kind=kind if kind in valid_kinds else Actor.Kind.UNKNOWN,
            status=Status.CANDIDATE,
            description=f"Proposed by extraction from source {self.source.pk}.",
        )
        self._new_actors.append(actor)
        self._actor_by_slug.setdefault(actor.slug, actor)
        self.result.actors_proposed.append(actor.name)
        return actor

    def place(self, ref: PlaceRef) -> Place:
        key = ref.slug or ref.gazetteer_id or ref.name
        if key not in self.places:
            found = self._place_by_slug.get(ref.slug) if ref.slug else None
            if found is None and ref.gazetteer_id:
                found = self._place_by_gazetteer_id.get(ref.gazetteer_id)
            if found is None:
                found = self._place_by_name.get(ref.name) or next(
                    (p for p in self._new_places if _same_name(p.name, ref.name)), None
                )
            if found is None:
                found = Place(
                    name=ref.name[:200],
                    slug=self._place_slugs.take(ref.name),
                    latitude=ref.latitude if ref.longitude is not None else None,
                    longitude=ref.longitude if ref.latitude is not None else None,
                    country=ref.country[:100],
                    kind=ref.kind[:50],
                    gazetteer_id=ref.gazetteer_id[:50],
                    status=Status.CANDIDATE,
                )
                self._new_places.append(found)
                self._place_by_slug.setdefault(found.slug, found)
                if found.gazetteer_id:
                    self._place_by_gazetteer_id.setdefault(found.gazetteer_id, found)
            self.places[key] = found
        return self.places[key]

    # Matching ---------------------------------------------------------------------------

    def load_events(self, candidates: list[CandidateEvent]) -> None:
        """The existing events each candidate may report: for every distinct date window
        and type family, the first MATCH_LIMIT events (by date) that meet it, all fetched
        in one query, with their places and actor roles."""
        self._event_slugs.expect(
            f"{candidate.title[:120]} {candidate.date.earliest}" for candidate in candidates
        )
        windows = list(dict.fromkeys(_window(candidate) for candidate in candidates))
        self._windows = {window: [] for window in windows}
        if not windows:
            return
        with connection.cursor() as cursor:
            cursor.execute(
                f"""
                SELECT w.n, e.id
                FROM unnest(%s::int[], %s::text[], %s::date[], %s::date[]) AS w(n, types, lo, hi)
                CROSS JOIN LATERAL (
                    SELECT e.id FROM {Event._meta.db_table} e
                    WHERE e.type = ANY(string_to_array(w.types, ','))
                      AND e.status <> %s AND e.earliest <= w.hi AND e.latest >= w.lo
                    ORDER BY e.earliest, e.id
                    LIMIT %s
                ) e
                """,
                [
                    list(range(len(windows))),
                    [",".join(types) for types, _, _ in windows],
                    [lo for _, lo, _ in windows],
                    [hi for _, _, hi in windows],
                    Status.REJECTED,
                    MATCH_LIMIT,
                ],
            )
            found = cursor.fetchall()
        ids = {event_id for _, event_id in found}
        self._track(_events().filter(pk__in=ids))
        for n, event_id in found:
            self._windows[windows[n]].append(self._loaded[event_id])
        for listed in self._windows.values():
            listed.sort(key=lambda tracked: tracked.order)

    def _track(self, events: Iterable[Event]) -> None:
        loaded = {event.pk: _Tracked(event) for event in events}
        if not loaded:
            return
        for event_id, actor_id, role in EventActor.objects.filter(
            event_id__in=list(loaded)
        ).values_list("event_id", "actor_id", "role"):
            loaded[event_id].roles.add((actor_id, role))
        for event_id, tracked in loaded.items():
            tracked.spans = set(self.kept.get(event_id, ()))
        self._loaded.update(loaded)

    def _pool(self, candidate: CandidateEvent) -> list[_Tracked]:
        """What the query per candidate used to return, as this extraction left it: the
        loaded events of its window (a type may have changed since) and the new ones."""
        window = _window(candidate)
        types, lo, hi = window
        pool = [t for t in self._windows[window] if t.event.type in types]
        pool += [
            t
            for t in self._new_events
            if t.event.type in types and t.event.earliest <= hi and t.event.latest >= lo
        ]
        pool.sort(key=lambda tracked: tracked.order)
        return pool[:MATCH_LIMIT]

    def write(self, candidate: CandidateEvent) -> Event:
        actors = [(self.actor(a), a.role) for a in candidate.actors]
        place = self.place(candidate.place) if candidate.place else None
        tracked = self._matching_event(candidate, [a for a, _ in actors], place)
        if tracked is None:
            tracked = self._create_event(candidate, place)
            self._created.append(tracked)
        else:
            self._absorb(tracked, candidate, place)
            if not tracked.new:
                self._merged.append(tracked)
        event = tracked.event
        self._touched[id(tracked)] = tracked
        for actor, role in actors:
            if (actor.pk, role) not in tracked.roles:
                tracked.roles.add((actor.pk, role))
                self._event_actors.append(EventActor(event=event, actor=actor, role=role))
        for mention in candidate.mentions:
            if (mention.start, mention.end) in tracked.spans:
                continue
            tracked.spans.add((mention.start, mention.end))
            self._citations.append(Citation(**_citation_fields(event, self.source, mention)))
            self.result.citations += 1
        return event

    def _matching_event(
        self, candidate: CandidateEvent, actors: list[Actor], place: Place | None
    ) -> _Tracked | None:
        """The existing event this candidate reports, if any: a compatible type, dates
        that meet, and a shared actor or place (or nothing to tell them apart)."""
        identifying = {
            a.pk
            for a, c in zip(actors, candidate.actors, strict=True)
            if c.role in IDENTIFYING_ROLES
        }
        speakers = {
            a.pk for a, c in zip(actors, candidate.actors, strict=True) if c.role == "speaker"
        }
        best: tuple[int, _Tracked] | None = None
        for tracked in self._pool(candidate):
            event = tracked.event
            theirs = {actor_id for actor_id, role in tracked.roles if role in IDENTIFYING_ROLES}
            if candidate.type == lexicon.STATEMENT:
                # A statement is one speaker's words on one day.
                their_speakers = {actor_id for actor_id, role in tracked.roles if role == "speaker"}
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
                best = (score, tracked)
        return best[1] if best else None

    def _create_event(self, candidate: CandidateEvent, place: Place | None) -> _Tracked:
        confidence = round(candidate.confidence, 3)
        published = confidence >= settings.EVENTS_AUTO_PUBLISH_CONFIDENCE
        event = Event(
            title=candidate.title[:300],
            slug=self._event_slugs.take(f"{candidate.title[:120]} {candidate.date.earliest}"),
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
        tracked = _Tracked(event, new=True, seq=len(self._new_events))
        self._new_events.append(tracked)
        return tracked

    def _absorb(self, tracked: _Tracked, candidate: CandidateEvent, place: Place | None) -> None:
        event, changed = tracked.event, tracked.changed
        if place is not None and (
            event.place is None or _specificity(place) > _specificity(event.place)
        ):
            event.place = place  # the airport rather than the country
            changed.add("place")
        # A generic report ("killed") joined by a specific one ("airstrike") is the latter.
        if event.type in lexicon.GENERIC_TYPES and candidate.type not in lexicon.GENERIC_TYPES:
            event.type = candidate.type
            changed.add("type")
        if candidate.confidence > event.confidence:
            event.confidence = round(candidate.confidence, 3)
            changed.add("confidence")
            if (
                event.status == Status.CANDIDATE
                and event.confidence >= settings.EVENTS_AUTO_PUBLISH_CONFIDENCE
            ):
                event.status = Status.PUBLISHED
                changed.add("status")

    # Saving -------------------------------------------------------------------------------

    def save(self, previous: set[int]) -> None:
        """Write everything: new events, changes to existing ones (fatalities and the
        disputed flag recomputed from all their citations), roles, citations, search."""
        existing = [t for t in self._touched.values() if not t.new]
        stale = previous - {t.event.pk for t in existing}
        if stale:
            # Events only this source supported, and that it no longer supports, go; an
            # event an editor published stays even without citations: that was their
            # decision.
            orphans = Event.objects.filter(
                pk__in=stale, status=Status.CANDIDATE, citations__isnull=True
            )
            removed = set(orphans.values_list("pk", flat=True))
            self.result.events_removed = len(removed)
            if removed:
                Event.objects.filter(pk__in=removed).delete()
            stale -= removed
            self._track(_events().filter(pk__in=stale - set(self._loaded)))
            existing += [self._loaded[pk] for pk in sorted(stale) if pk in self._loaded]

        # Fatalities and the disputed flag: the stored citations tallied by the database,
        # plus the ones this extraction adds.
        stored = _tallies([t.event.pk for t in existing])
        added: dict[int, _Tally] = {}
        for citation in self._citations:
            added.setdefault(id(citation.event), _Tally()).add(citation)
        for tracked in [*existing, *self._new_events]:
            tally = stored.get(tracked.event.pk, _Tally()) if not tracked.new else _Tally()
            tally.merge(added.get(id(tracked.event)))
            tally.apply(tracked.event)

        new_events = [t.event for t in self._new_events]
        if new_events:
            bulk_create_with_history(new_events, Event, default_change_reason=None)
        if self._event_actors:
            EventActor.objects.bulk_create(self._event_actors)
        if self._citations:
            bulk_create_with_history(self._citations, Citation, default_change_reason=None)
        _update_events(existing, new_events)

        self.result.events_created = [t.event.pk for t in self._created]
        self.result.events_merged = [t.event.pk for t in self._merged]


# Helpers --------------------------------------------------------------------------------


class _Slugs:
    """Unique slugs for new rows of `model`, the first free one of `base`, `base-2`,
    `base-3`, ... as before, with one query for all the texts an extraction may need a
    slug for (the first time it needs one), not one per try."""

    def __init__(self, model: type[models.Model]) -> None:
        self.model = model
        self.pending: set[str] = set()
        self.loaded: set[str] = set()
        self.taken: set[str] = set()

    def expect(self, texts: Iterable[str]) -> None:
        self.pending.update(texts)

    def take(self, text: str) -> str:
        if text not in self.loaded:
            self.pending.add(text)
            self._load()
        base = _slug_base(text)
        slug, n = base, 2
        while slug in self.taken:
            slug = f"{base[: SLUG_MAX - 6]}-{n}"
            n += 1
        self.taken.add(slug)
        return slug

    def _load(self) -> None:
        bases = {_slug_base(text) for text in self.pending - self.loaded}
        query = Q(slug__in=bases)
        for base in bases:
            query |= Q(slug__startswith=f"{base[: SLUG_MAX - 6]}-")
        self.taken |= set(self.model._default_manager.filter(query).values_list("slug", flat=True))
        self.loaded |= self.pending
        self.pending = set()


def _slug_base(text: str) -> str:
    return (slugify(text) or "item")[:SLUG_MAX]


def _events() -> models.QuerySet[Event]:
    """Events as matching and saving need them: with their place, without the (large)
    search vector."""
    return Event.objects.select_related("place").defer("search").order_by()


def _window(candidate: CandidateEvent) -> tuple[tuple[str, ...], date, date]:
    slack = DATE_SLACK if candidate.date.precision == "day" else timedelta(0)
    return (
        tuple(_compatible_types(candidate.type)),
        candidate.date.earliest - slack,
        candidate.date.latest + slack,
    )


def _same_name(stored: str, wanted: str) -> bool:
    """`name__iexact` for a row this extraction made (no aliases yet)."""
    return stored.upper() == wanted.upper()


def _first_named(
    model: type[models.Model], names: Iterable[str], *, order: str, exclude_rejected=False
) -> dict:
    """For each name, the first row (by `order`, then id) whose name is it ignoring case
    or whose aliases hold it exactly: the `name__iexact | aliases__contains` lookup, for
    many names in one query."""
    names = sorted(set(names))
    if not names:
        return {}
    table = model._meta.db_table
    rejected = "AND r.status <> %s" if exclude_rejected else ""
    ordering = "r.id" if order == "id" else f"r.{order}, r.id"
    rows = model._default_manager.raw(
        f"""
        SELECT DISTINCT ON (m.wanted) m.wanted, r.*
        FROM (
            SELECT n.name AS wanted, t.id
            FROM unnest(%s::text[]) AS n(name) JOIN {table} t ON UPPER(t.name::text) = UPPER(n.name)
            UNION
            SELECT n.name, t.id
            FROM unnest(%s::text[]) AS n(name)
            JOIN {table} t ON t.aliases @> ARRAY[n.name]::varchar(200)[]
        ) m
        JOIN {table} r ON r.id = m.id
        WHERE TRUE {rejected}
        ORDER BY m.wanted, {ordering}
        """,
        [names, names, *([Status.REJECTED] if exclude_rejected else [])],
    )
    return {row.wanted: row for row in rows}


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


# Recomputing ----------------------------------------------------------------------------


def _lesser(a, b):
    return b if a is None else a if b is None else min(a, b)


def _greater(a, b):
    return b if a is None else a if b is None else max(a, b)


@dataclass
class _Tally:
    """What an event's citations say about fatalities, dates and disputes, reduced to the
    few numbers the event's fields are computed from; tallies of two sets of citations
    combine, so the database sums up the stored ones and this extraction adds its own."""

    claims: int = 0
    min_low: int | None = None  # over claims, a missing bound standing in for the other
    max_low: int | None = None
    min_high: int | None = None
    max_high: int | None = None
    known_low: int | None = None  # the largest stated lower bound
    known_high: int | None = None  # the smallest stated upper bound
    days: int = 0
    day_earliest: date | None = None  # the latest first day of a day-precise claim
    day_latest: date | None = None  # the earliest last day of one
    disputes: int = 0

    def add(self, citation: Citation) -> None:
        low, high = citation.fatalities_low, citation.fatalities_high
        if low is not None or high is not None:
            self.merge(
                _Tally(
                    claims=1,
                    min_low=low if low is not None else high,
                    max_low=low if low is not None else high,
                    min_high=high if high is not None else low,
                    max_high=high if high is not None else low,
                    known_low=low,
                    known_high=high,
                )
            )
        if (
            citation.claimed_earliest
            and citation.claimed_latest
            and citation.claimed_precision == "day"
        ):
            self.merge(
                _Tally(
                    days=1,
                    day_earliest=citation.claimed_earliest,
                    day_latest=citation.claimed_latest,
                )
            )
        if citation.stance in CONTRADICTING_STANCES:
            self.disputes += 1

    def merge(self, other: _Tally | None) -> None:
        if other is None:
            return
        self.claims += other.claims
        self.min_low = _lesser(self.min_low, other.min_low)
        self.max_low = _greater(self.max_low, other.max_low)
        self.min_high = _lesser(self.min_high, other.min_high)
        self.max_high = _greater(self.max_high, other.max_high)
        self.known_low = _greater(self.known_low, other.known_low)
        self.known_high = _lesser(self.known_high, other.known_high)
        self.days += other.days
        self.day_earliest = _greater(self.day_earliest, other.day_earliest)
        self.day_latest = _lesser(self.day_latest, other.day_latest)
        self.disputes += other.disputes

    def apply(self, event: Event) -> None:
        """Fatalities and the disputed flag from every citation the event now holds: when
        sources cannot all be right, each keeps its claim and the event says so."""
        counts_disagree = bool(self.claims) and self.max_low > self.min_high
        if self.claims and counts_disagree:
            event.fatalities_low, event.fatalities_high = self.min_low, self.max_high
        elif self.claims:
            event.fatalities_low, event.fatalities_high = self.known_low, self.known_high
        dates_disagree = self.days >= 2 and self.day_earliest > self.day_latest
        event.disputed = counts_disagree or dates_disagree or bool(self.disputes)


def _tallies(event_ids: list[int]) -> dict:
    """The stored citations of these events, tallied in the database (one row per event,
    however many citations it has)."""
    if not event_ids:
        return {}
    low = Coalesce("fatalities_low", "fatalities_high")
    high = Coalesce("fatalities_high", "fatalities_low")
    claim = Q(fatalities_low__isnull=False) | Q(fatalities_high__isnull=False)
    day = Q(claimed_earliest__isnull=False, claimed_latest__isnull=False, claimed_precision="day")
    rows = (
        Citation.objects.filter(event_id__in=event_ids)
        .order_by()
        .values("event_id")
        .annotate(
            claims=Count("pk", filter=claim),
            min_low=Min(low),
            max_low=Max(low),
            min_high=Min(high),
            max_high=Max(high),
            known_low=Max("fatalities_low"),
            known_high=Min("fatalities_high"),
            days=Count("pk", filter=day),
            day_earliest=Max("claimed_earliest", filter=day),
            day_latest=Min("claimed_latest", filter=day),
            disputes=Count("pk", filter=Q(stance__in=CONTRADICTING_STANCES)),
        )
    )
    return {row.pop("event_id"): _Tally(**row) for row in rows}


def _update_events(existing: list[_Tracked], new: list[Event]) -> None:
    """One UPDATE for every event this extraction touched: the search vector of each, the
    recomputed fields of the existing ones and only those absorbed fields that changed on
    them (an editor's change to another field meanwhile survives); then the existing
    ones' history in one INSERT. (One UPDATE, not one per purpose: each row version costs
    its whole search vector again in the GIN index.)"""
    ids = [t.event.pk for t in existing] + [event.pk for event in new]
    if not ids:
        return
    now = timezone.now()
    for tracked in existing:
        tracked.event.updated = now
    values = {}
    for name in (*RECOMPUTED_FIELDS, *ABSORBED_FIELDS):
        rows = [t.event for t in existing if name in RECOMPUTED_FIELDS or name in t.changed]
        if rows:
            model_field = Event._meta.get_field(name)
            values[model_field.attname] = _by_id(model_field, rows)
    Event.objects.filter(pk__in=ids).update(search=search_vector(), **values)
    if existing:
        Event.history.bulk_history_create(
            [t.event for t in existing], update=True, default_change_reason=None
        )


def _by_id(model_field: models.Field, events: list[Event]) -> RawSQL:
    """The column set to each event's value (the column as it is for other rows); plain
    SQL, since a Case of many When(pk=...) costs more to compile than to run."""
    column = connection.ops.quote_name(model_field.column)
    pk = connection.ops.quote_name(Event._meta.pk.column)
    whens = " ".join(["WHEN %s THEN %s"] * len(events))
    params = []
    for event in events:
        params += [
            event.pk,
            model_field.get_db_prep_save(getattr(event, model_field.attname), connection),
        ]
    return RawSQL(f"CASE {pk} {whens} ELSE {column} END", params, output_field=model_field)
