"""What the extraction library hands out: candidate timeline entries and their parts,
plain dataclasses with `to_dict()` for JSON."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from . import lexicon as lx
from .dates import TemporalExpression
from .fatalities import Fatalities
from .gazetteer import PLACE_SPECIFICITY, GazetteerEntry

# How much a date inherited from the context is trusted, by where it came from.
DATE_CONFIDENCE = {
    "own": 0.15,
    "clause": 0.05,
    "sentence": 0.0,
    "narrative": -0.05,
    "lead": -0.1,
    "publication": -0.15,
}
DATE_RANK = {name: i for i, name in enumerate(DATE_CONFIDENCE)}
# No machine-made entry is ever certain.
MAX_CONFIDENCE = 0.95


@dataclass(frozen=True)
class DateClaim:
    value: str
    edtf: str
    earliest: date
    latest: date
    precision: str
    text: str
    # own, clause, sentence, narrative, lead or publication: where the date was found.
    source: str

    @classmethod
    def of(cls, expr: TemporalExpression, source: str) -> DateClaim:
        return cls(
            expr.value,
            expr.edtf,
            expr.earliest,  # type: ignore[arg-type]
            expr.latest,  # type: ignore[arg-type]
            expr.precision,
            expr.text,
            source,
        )

    @classmethod
    def of_day(cls, day: date, source: str) -> DateClaim:
        return cls(day.isoformat(), day.isoformat(), day, day, "day", "", source)

    def inherited(self, source: str) -> DateClaim:
        return DateClaim(
            self.value, self.edtf, self.earliest, self.latest, self.precision, self.text, source
        )

    def overlaps(self, other: DateClaim) -> bool:
        return self.earliest <= other.latest and other.earliest <= self.latest

    def to_dict(self) -> dict:
        return {
            "value": self.value,
            "edtf": self.edtf,
            "earliest": self.earliest.isoformat(),
            "latest": self.latest.isoformat(),
            "precision": self.precision,
            "text": self.text,
            "source": self.source,
        }


@dataclass(frozen=True)
class ActorRole:
    name: str
    role: str
    kind: str
    known: bool
    slug: str = ""
    parent: str = ""

    def to_dict(self) -> dict:
        return {
            "name": self.name,
            "role": self.role,
            "kind": self.kind,
            "known": self.known,
            "slug": self.slug,
        }


@dataclass(frozen=True)
class PlaceRef:
    name: str
    kind: str
    latitude: float | None
    longitude: float | None
    country: str
    slug: str
    gazetteer_id: str
    aliases: tuple[str, ...] = ()

    @classmethod
    def of(cls, entry: GazetteerEntry) -> PlaceRef:
        return cls(
            entry.name,
            entry.kind,
            entry.latitude,
            entry.longitude,
            entry.country,
            entry.slug,
            entry.gazetteer_id,
            entry.aliases,
        )

    @property
    def specificity(self) -> int:
        return PLACE_SPECIFICITY.get(self.kind, 3)

    def to_dict(self) -> dict:
        return {
            "name": self.name,
            "kind": self.kind,
            "latitude": self.latitude,
            "longitude": self.longitude,
            "country": self.country,
            "slug": self.slug,
            "gazetteer_id": self.gazetteer_id,
        }


@dataclass
class Mention:
    """One clause's report of a happening, with the sentence that carries it."""

    type: str
    start: int
    end: int
    quote: str
    date: DateClaim
    actors: list[ActorRole]
    place: PlaceRef | None
    fatalities: Fatalities | None
    confidence: float
    # False for a bare noun ("the attack") that can only confirm a happening told elsewhere.
    reports: bool = True
    sentence: int = 0

    @property
    def family(self) -> str:
        return lx.FAMILY.get(self.type, "other")

    def to_dict(self) -> dict:
        return {
            "quote": self.quote,
            "start": self.start,
            "end": self.end,
            "type": self.type,
            "date": self.date.to_dict(),
            "fatalities": _fatalities_dict(self.fatalities),
            "confidence": round(self.confidence, 3),
        }


@dataclass
class CandidateEvent:
    title: str
    type: str
    date: DateClaim
    actors: list[ActorRole]
    place: PlaceRef | None
    fatalities_low: int | None
    fatalities_high: int | None
    quote: str
    start: int
    end: int
    confidence: float
    disputed: bool = False
    mentions: list[Mention] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {
            "title": self.title,
            "type": self.type,
            "date": self.date.to_dict(),
            "actors": [a.to_dict() for a in self.actors],
            "place": self.place.to_dict() if self.place else None,
            "fatalities": (
                {"low": self.fatalities_low, "high": self.fatalities_high}
                if self.fatalities_low is not None or self.fatalities_high is not None
                else None
            ),
            "quote": self.quote,
            "start": self.start,
            "end": self.end,
            "confidence": round(self.confidence, 3),
            "disputed": self.disputed,
            "quotes": [m.to_dict() for m in self.mentions],
        }


def _fatalities_dict(f: Fatalities | None) -> dict | None:
    return {"low": f.low, "high": f.high, "text": f.text} if f else None
