"""Several sentences of one article about the same happening become one candidate with
several quotes: compatible types, dates that meet, places that do not contradict."""

from __future__ import annotations

import bisect

from . import lexicon as lx
from .entries import (
    DATE_RANK,
    MAX_CONFIDENCE,
    ActorRole,
    CandidateEvent,
    Mention,
    PlaceRef,
)
from .fatalities import Fatalities

# Each further sentence telling the same happening adds this much confidence.
CORROBORATION_BONUS = 0.05
# How many of the latest candidates a mention may be merged into.
MERGE_WINDOW = 40
# An actor named in a role by less than this share of the votes its strongest rival got
# in that role is dropped from it.
MINORITY_ROLE_SHARE = 0.5


def merge_mentions(mentions: list[Mention]) -> list[CandidateEvent]:
    groups: list[list[Mention]] = []
    references: list[Mention] = []
    for mention in mentions:
        if not mention.reports:
            references.append(mention)
            continue
        target = _merge_target(groups, mention)
        if target is not None:
            target.append(mention)
        else:
            groups.append([mention])
    # A bare "the attack", or a headline, confirms a happening told anywhere in the
    # article, before it as well as after it.
    first_sentence = [g[0].sentence for g in groups]
    for mention in references:
        i = bisect.bisect_right(first_sentence, mention.sentence)
        nearby = groups[i : i + MERGE_WINDOW][::-1] + groups[max(0, i - MERGE_WINDOW) : i]
        target = _merge_target(nearby, mention)
        if target is not None:
            target.append(mention)
    return [_candidate(sorted(g, key=lambda m: m.start)) for g in groups]


def _merge_target(groups: list[list[Mention]], mention: Mention) -> list[Mention] | None:
    if mention.type == lx.STATEMENT:
        return None  # each statement is its own claim
    # Only recent candidates: a happening is retold nearby, and the bound keeps a huge
    # text linear.
    for group in reversed(groups[-MERGE_WINDOW:]):
        head = group[0]
        if head.family != mention.family or not _types_compatible(group, mention.type):
            continue
        if not any(m.date.overlaps(mention.date) for m in group):
            continue
        if mention.place and any(
            m.place
            and m.place.name != mention.place.name
            and min(m.place.specificity, mention.place.specificity) >= 3
            and m.place.country == mention.place.country
            and not _same_area(m.place, mention.place)
            for m in group
        ):
            continue
        return group
    return None


def _same_area(a: PlaceRef, b: PlaceRef) -> bool:
    # "Deir ez-Zor" and "Deir ez-Zor airport" name one area.
    short, long = sorted((a.name.lower(), b.name.lower()), key=len)
    return long.startswith(short)


def _types_compatible(group: list[Mention], kind: str) -> bool:
    types = {m.type for m in group}
    if kind in types:
        return True
    specific = {t for t in types if t not in lx.GENERIC_TYPES}
    if kind in lx.GENERIC_TYPES:
        return not specific or bool(specific - {lx.GROUND_OFFENSIVE, lx.HUMANITARIAN})
    if not specific:
        return kind not in (lx.GROUND_OFFENSIVE, lx.HUMANITARIAN)
    return False


def _candidate(group: list[Mention]) -> CandidateEvent:
    primary = min(group, key=lambda m: (DATE_RANK[m.date.source], -m.confidence, m.start))
    kind = max((m.type for m in group), key=lambda t: lx.SPECIFICITY.get(t, 0))
    if lx.FAMILY.get(kind) != "violence":
        kind = primary.type
    # An actor named in several sentences takes the role most of them (and the dated ones
    # above all) give it.
    votes: dict[str, dict[str, float]] = {}
    first: dict[tuple[str, str], ActorRole] = {}
    for m in group:
        weight = 2.0 if m.date.source == "own" else 1.0
        for a in m.actors:
            votes.setdefault(a.name, {}).setdefault(a.role, 0.0)
            votes[a.name][a.role] += weight
            first.setdefault((a.name, a.role), a)
    roles = {
        name: first[(name, max(by_role, key=lambda r: by_role[r]))]
        for name, by_role in votes.items()
    }
    # A role most sentences give one actor and one sentence another ("targeting ISIS
    # terrorists" in a report of soldiers killed) keeps the actors most of them name.
    strongest: dict[str, float] = {}
    for name, actor in roles.items():
        strongest[actor.role] = max(strongest.get(actor.role, 0.0), votes[name][actor.role])
    roles = {
        name: actor
        for name, actor in roles.items()
        if votes[name][actor.role] >= MINORITY_ROLE_SHARE * strongest[actor.role]
    }
    places = [m.place for m in group if m.place]
    place = max(places, key=lambda p: p.specificity) if places else None
    low, high, disputed = _combine_fatalities([m.fatalities for m in group if m.fatalities])
    confidence = min(MAX_CONFIDENCE, primary.confidence + CORROBORATION_BONUS * (len(group) - 1))
    ordered = [primary, *(m for m in group if m is not primary)]
    actors = list(roles.values())
    return CandidateEvent(
        title=title_for(kind, actors, place, low, high),
        type=kind,
        date=primary.date,
        actors=actors,
        place=place,
        fatalities_low=low,
        fatalities_high=high,
        quote=primary.quote,
        start=primary.start,
        end=primary.end,
        confidence=confidence,
        disputed=disputed,
        mentions=ordered,
    )


def _combine_fatalities(
    figures: list[Fatalities],
) -> tuple[int | None, int | None, bool]:
    """The narrowest bounds all figures allow; disputed when they cannot all be true."""
    if not figures:
        return None, None, False
    lows = [f.low for f in figures if f.low is not None]
    highs = [f.high for f in figures if f.high is not None]
    low = max(lows) if lows else None
    high = min(highs) if highs else None
    if low is not None and high is not None and low > high:
        first = figures[0]
        return first.low, first.high, True
    return low, high, False


# Titles ----------------------------------------------------------------------------------

TYPE_TITLES = {
    lx.AIRSTRIKE: "Airstrike",
    lx.SHELLING: "Shelling",
    lx.GROUND_OFFENSIVE: "Offensive",
    lx.ATTACK: "Attack",
    lx.CASUALTY_REPORT: "Casualties reported",
    lx.CEASEFIRE_AGREED: "Ceasefire agreed",
    lx.CEASEFIRE_IN_FORCE: "Ceasefire takes effect",
    lx.CEASEFIRE_ENDED: "Ceasefire ends",
    lx.STATEMENT: "Statement",
    lx.MEETING: "Meeting",
    lx.INVESTIGATION: "Investigation",
    lx.HUMANITARIAN: "Humanitarian incident",
    lx.OTHER: "Event",
}


def title_for(
    kind: str,
    actors: list[ActorRole],
    place: PlaceRef | None,
    low: int | None = None,
    high: int | None = None,
) -> str:
    def names(role: str) -> str:
        return " and ".join(a.name for a in actors if a.role == role)

    parts = [TYPE_TITLES.get(kind, "Event")]
    if names("perpetrator"):
        parts.append(f"by {names('perpetrator')}")
    if names("speaker"):
        parts.append(f"by {names('speaker')}")
    if names("mediator"):
        parts.append(f"brokered by {names('mediator')}")
    if names("subject") and kind in (lx.CEASEFIRE_AGREED, lx.MEETING, lx.INVESTIGATION):
        parts.append(f"by {names('subject')}")
    if names("target"):
        parts.append(f"{'against' if kind == lx.STATEMENT else 'on'} {names('target')}")
    if place:
        parts.append(f"{'near' if place.specificity >= 3 else 'in'} {place.name}")
    if high is not None or low is not None:
        figure = f"up to {high}" if low is None else (f"at least {low}" if high is None else "")
        if not figure:
            figure = str(low) if low == high else f"{low}-{high}"
        parts.append(f"({figure} killed)")
    return " ".join(parts)[:300]
