"""Editors' decisions on the timeline: publish, reject and merge.

Each verb owns its transaction and records history (django-simple-history) with the acting
user and a reason, so the admin's history pages say who did what, and a merge can be
followed and undone by hand. The admin actions and any API endpoint call these functions;
there is no second path.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import TYPE_CHECKING, TypeVar

from django.contrib.postgres.aggregates import StringAgg
from django.contrib.postgres.search import SearchVector
from django.db import models, transaction
from django.db.models import OuterRef, Subquery
from django.db.models.expressions import CombinedExpression

from events.models import Actor, Citation, Event, Place, Precision, Status

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

    User = AbstractBaseUser

# Who may decide (Event.Meta.permissions; the Reviewer group holds both). Editing an event
# needs only events.change_event; changing its status or merging it needs these.
PUBLISH_PERMISSION = "events.publish_event"
MERGE_PERMISSION = "events.merge_event"
# Stances by which a citation contradicts the event it is attached to.
CONTRADICTING_STANCES = (Citation.Stance.DENIES, Citation.Stance.DISPUTES)
SEARCH_CONFIG = "english"

M = TypeVar("M", bound=models.Model)


class MergeError(ValueError):
    """A merge that makes no sense (merging a row into itself, an empty merge)."""


def _save(instance: M, *, by: User | None, reason: str, **kwargs) -> M:
    """Save with the acting user and reason on the history row. Outside a request (tasks,
    commands) the history middleware knows nobody, so the user must be passed along."""
    instance._history_user = by  # type: ignore[attr-defined]
    instance._change_reason = reason  # type: ignore[attr-defined]
    instance.save(**kwargs)
    return instance


def _delete(instance: models.Model, *, by: User | None, reason: str) -> None:
    instance._history_user = by  # type: ignore[attr-defined]
    instance._change_reason = reason  # type: ignore[attr-defined]
    instance.delete()


def _set_status(events: Iterable[Event], status: str, *, by: User | None, reason: str) -> int:
    changed = 0
    with transaction.atomic():
        for event in events:
            if event.status == status:
                continue
            event.status = status
            _save(event, by=by, reason=reason)
            changed += 1
    return changed


def can_publish(user: User | None) -> bool:
    return user is not None and user.has_perm(PUBLISH_PERMISSION)


def can_merge(user: User | None) -> bool:
    return user is not None and user.has_perm(MERGE_PERMISSION)


def publish_events(events: Iterable[Event], by: User | None) -> int:
    """Publish `events` (candidates or rejected ones); returns how many changed."""
    return _set_status(events, Status.PUBLISHED, by=by, reason="published")


def reject_events(events: Iterable[Event], by: User | None, reason: str = "rejected") -> int:
    """Reject `events`: they stay in the database and the admin, hidden from readers."""
    return _set_status(events, Status.REJECTED, by=by, reason=reason)


def search_vector() -> CombinedExpression:
    """What an event's full-text search covers, as an expression for UPDATE: its title and
    summary, and the wording of its citations' quotes, each distinct wording once (a quote
    repeated by a hundred wire copies adds nothing to what matches, and re-parsing it at
    every new citation is what made busy events slow to update)."""
    quotes = (
        Citation.objects.filter(event=OuterRef("pk"))
        .order_by()
        .values("event")
        .annotate(quotes=StringAgg("quote", " ", distinct=True, order_by="quote"))
        .values("quotes")
    )
    return SearchVector("title", "summary", config=SEARCH_CONFIG) + SearchVector(
        Subquery(quotes), config=SEARCH_CONFIG
    )


def refresh_search_vector(*events: Event | int) -> None:
    """Recompute the search vector of `events` (rows or ids) in one UPDATE. Every writer of
    events or citations (services, admin, API) calls this."""
    ids = [event if isinstance(event, int) else event.pk for event in events]
    Event.objects.filter(pk__in=ids).update(search=search_vector())


def merge_events(*, source_events: Sequence[Event], into: Event, by: User | None) -> Event:
    """Merge duplicates into `into`: their citations and actor roles move over, the target's
    disputed flag, fatality range and date bounds are recomputed from everything it now
    holds, and each merged event is rejected with a history entry naming the target.

    A citation the target already has (same source and span) is dropped rather than
    duplicated; its quote is on the target already, so nothing is lost.
    """
    sources = [event for event in source_events if event.pk != into.pk]
    if not sources:
        raise MergeError("choose at least one event other than the one merged into")

    with transaction.atomic():
        # Lock the rows so two editors merging at once cannot interleave.
        ids = [into.pk, *(event.pk for event in sources)]
        locked = {event.pk: event for event in Event.objects.select_for_update().filter(pk__in=ids)}
        into = locked[into.pk]
        sources = [locked[event.pk] for event in sources]
        reason = f"merged into event {into.pk} ({into.title})"

        held = set(into.citations.values_list("source_id", "start", "end"))
        roles = set(into.event_actors.values_list("actor_id", "role"))
        for event in sources:
            for citation in event.citations.order_by("id"):
                key = (citation.source_id, citation.start, citation.end)
                if key in held:
                    _delete(citation, by=by, reason=f"duplicate of a citation on event {into.pk}")
                    continue
                citation.event = into
                _save(citation, by=by, reason=reason)
                held.add(key)
            for event_actor in event.event_actors.all():
                key = (event_actor.actor_id, event_actor.role)
                if key in roles:
                    event_actor.delete()
                    continue
                event_actor.event = into
                event_actor.save(update_fields=["event"])
                roles.add(key)

        _recompute(into, merged=sources)
        if into.status == Status.CANDIDATE and any(e.status == Status.PUBLISHED for e in sources):
            # Readers saw the published duplicate; they should keep seeing the happening.
            into.status = Status.PUBLISHED
        names = ", ".join(f"{event.pk} ({event.title})" for event in sources)
        _save(into, by=by, reason=f"merged in event(s) {names}")
        for event in sources:
            event.status = Status.REJECTED
            _save(event, by=by, reason=reason)
        refresh_search_vector(into)
    return into


def _recompute(event: Event, *, merged: Sequence[Event]) -> None:
    """Disputed flag, fatality range and date bounds of `event` after `merged` joined it."""
    everything = [event, *merged]
    citations = list(event.citations.all())
    # What the target lacks, a merged event may know.
    for other in merged:
        if event.place_id is None and other.place_id is not None:
            event.place_id = other.place_id
        if not event.summary and other.summary:
            event.summary = other.summary

    stances = {citation.stance for citation in citations}
    claims = [
        (c.fatalities_low, c.fatalities_high)
        for c in [*citations, *everything]
        if c.fatalities_low is not None or c.fatalities_high is not None
    ]
    lows = [low if low is not None else high for low, high in claims]
    highs = [high if high is not None else low for low, high in claims]
    if claims:
        event.fatalities_low, event.fatalities_high = min(lows), max(highs)
    # Sources whose counts cannot both be right (no shared value) disagree.
    counts_disagree = bool(claims) and max(lows) > min(highs)
    dates_disagree = _recompute_dates(event, merged)
    event.disputed = (
        any(e.disputed for e in everything)
        or bool(stances & set(CONTRADICTING_STANCES))
        or counts_disagree
        or dates_disagree
    )


def _recompute_dates(event: Event, merged: Sequence[Event]) -> bool:
    """Narrow the target's date to what every merged event agrees on; when they do not
    overlap, widen it to cover them all and report the disagreement."""
    everything = [event, *merged]
    earliest = max(e.earliest for e in everything)
    latest = min(e.latest for e in everything)
    if earliest <= latest:
        if (earliest, latest) != (event.earliest, event.latest):
            # Take the wording of the most precise event whose interval is the agreement.
            exact = next(
                (e for e in everything if (e.earliest, e.latest) == (earliest, latest)), None
            )
            if exact is not None:
                event.edtf, event.precision = exact.edtf, exact.precision
            else:
                event.edtf, event.precision = _interval(earliest, latest)
            event.earliest, event.latest = earliest, latest
        return False
    earliest = min(e.earliest for e in everything)
    latest = max(e.latest for e in everything)
    event.earliest, event.latest = earliest, latest
    event.edtf, event.precision = _interval(earliest, latest)
    return True


def _interval(earliest: date, latest: date) -> tuple[str, str]:
    """An EDTF interval and the precision a reader should be shown for it."""
    if earliest == latest:
        return earliest.isoformat(), Precision.DAY
    days = (latest - earliest).days + 1
    if days <= 7:
        precision = Precision.WEEK
    elif days <= 31:
        precision = Precision.MONTH
    else:
        precision = Precision.YEAR
    return f"{earliest.isoformat()}/{latest.isoformat()}", precision


def _merged_aliases(keep: Actor | Place, remove: Actor | Place) -> list[str]:
    """Keep's aliases, then remove's name and aliases, without repeats (ignoring case) and
    without keep's own name."""
    seen = {keep.name.casefold()}
    aliases: list[str] = []
    for alias in [*keep.aliases, remove.name, *remove.aliases]:
        if alias and alias.casefold() not in seen:
            seen.add(alias.casefold())
            aliases.append(alias)
    return aliases


def merge_actors(*, keep: Actor, remove: Actor, by: User | None) -> Actor:
    """Fold `remove` into `keep`: its event roles, its children and its names move over
    (as aliases, so extraction finds `keep` by them), then `remove` is deleted; the
    deletion stays in its history."""
    if keep.pk == remove.pk:
        raise MergeError("an actor cannot be merged into itself")
    with transaction.atomic():
        locked = Actor.objects.select_for_update().in_bulk([keep.pk, remove.pk])
        keep, remove = locked[keep.pk], locked[remove.pk]
        reason = f"merged into actor {keep.pk} ({keep.name})"

        held = set(keep.event_roles.values_list("event_id", "role"))
        for event_actor in remove.event_roles.all():
            if (event_actor.event_id, event_actor.role) in held:
                # Both played the same role in one event: one row says it.
                event_actor.delete()
                continue
            event_actor.actor = keep
            event_actor.save(update_fields=["actor"])
            held.add((event_actor.event_id, event_actor.role))

        for child in remove.children.exclude(pk=keep.pk):
            child.parent = keep
            _save(child, by=by, reason=reason)

        if keep.parent_id == remove.pk:
            keep.parent_id = remove.parent_id if remove.parent_id != keep.pk else None
        elif keep.parent_id is None and remove.parent_id not in (None, keep.pk):
            keep.parent_id = remove.parent_id
        keep.aliases = _merged_aliases(keep, remove)
        if not keep.description:
            keep.description = remove.description
        if keep.kind == Actor.Kind.UNKNOWN:
            keep.kind = remove.kind
        if remove.status == Status.PUBLISHED:
            # A reviewed actor merged into a candidate one vouches for it.
            keep.status = Status.PUBLISHED
        _delete(remove, by=by, reason=reason)
        _save(keep, by=by, reason=f"merged in actor {remove.name}")
    return keep


def merge_places(*, keep: Place, remove: Place, by: User | None) -> Place:
    """Fold `remove` into `keep`: events located there move, names become aliases, missing
    coordinates and gazetteer id are taken over; then `remove` is deleted."""
    if keep.pk == remove.pk:
        raise MergeError("a place cannot be merged into itself")
    with transaction.atomic():
        locked = Place.objects.select_for_update().in_bulk([keep.pk, remove.pk])
        keep, remove = locked[keep.pk], locked[remove.pk]
        reason = f"place {remove.name} merged into {keep.pk} ({keep.name})"

        for event in remove.events.all():
            event.place = keep
            _save(event, by=by, reason=reason)

        keep.aliases = _merged_aliases(keep, remove)
        if keep.latitude is None and remove.latitude is not None:
            keep.latitude, keep.longitude = remove.latitude, remove.longitude
        for field in ("country", "kind", "gazetteer_id"):
            if not getattr(keep, field):
                setattr(keep, field, getattr(remove, field))
        if remove.status == Status.PUBLISHED:
            keep.status = Status.PUBLISHED
        _delete(remove, by=by, reason=reason)
        _save(keep, by=by, reason=f"merged in place {remove.name}")
    return keep


__all__ = [
    "MERGE_PERMISSION",
    "PUBLISH_PERMISSION",
    "MergeError",
    "can_merge",
    "can_publish",
    "merge_actors",
    "merge_events",
    "merge_places",
    "publish_events",
    "refresh_search_vector",
    "reject_events",
]
