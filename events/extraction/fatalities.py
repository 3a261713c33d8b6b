"""How many were killed, as honest bounds: "up to 80" says at most 80, "at least 90" at
least 90, "dozens" somewhere between 24 and 99, "62 soldiers" exactly 62."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass

# Vague quantities and the bounds they honestly allow.
VAGUE = {
    "a dozen": (12, 12),
    "dozens": (24, 99),
    "scores": (40, 199),
    "hundreds": (200, 999),
    "thousands": (2000, 9999),
    "several": (3, 9),
    "a few": (2, 5),
    "a handful": (2, 6),
    "tens": (20, 99),
}
WORD_NUMBERS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90, "a hundred": 100, "one hundred": 100,
}  # fmt: skip
# "about 80" is read as 80 give or take this fraction.
APPROXIMATE_MARGIN = 0.1
# Numbers this large next to "killed" are years ("killed in 2014"), not people.
MAX_PLAUSIBLE = 1_000_000

_QUALIFIER = (
    r"(?P<q>up to|as many as|at most|no more than|fewer than|less than|under"
    r"|at least|more than|over|no fewer than|no less than|upwards of|in excess of"
    r"|about|around|nearly|almost|approximately|roughly|some|an estimated|close to)"
)
_NUMBER = (
    r"(?P<n>\d{1,3}(?:,\d{3})+|\d+|a dozen|dozens|scores|hundreds|thousands|several|a few"
    r"|a handful|tens|" + "|".join(sorted(WORD_NUMBERS, key=len, reverse=True)) + ")"
)
_RANGE = r"(?:between\s+(?P<a>\d+)\s+and\s+(?P<b>\d+)|(?P<c>\d+)\s*(?:to|-|–)\s*(?P<d>\d+))"
_AMOUNT = rf"(?:{_RANGE}|(?:{_QUALIFIER}\s+)?{_NUMBER})"
# Words that may stand between the number and the verb: "62 Syrian soldiers have been
# reported killed", "80 Syrian service personnel".
_FILLER = r"(?:[\w’'-]+\s+){0,5}?"
_KILLED = (
    r"(?:killed|dead|died|deaths|lost their lives|perished|slain|fatalities|"
    r"were killed|have been killed|had been killed|have been reported killed)"
)
_PATTERNS = [
    # "killing at least 62 soldiers", "killed 80 Syrian service personnel", "killed more than 15"
    re.compile(rf"\b(?:kill(?:ed|ing|s)|left|leaving)\s+(?:the\s+)?{_AMOUNT}\b(?!\s*%)", re.I),
    # "up to 80 Syrian service men were killed", "62 soldiers killed", "dozens dead"
    re.compile(rf"\b{_AMOUNT}\s+{_FILLER}{_KILLED}\b", re.I),
    # "a death toll of 62", "the death toll rose to 80"
    re.compile(rf"\bdeath toll\s+(?:\w+\s+){{0,3}}?(?:of|at|to)\s+{_AMOUNT}\b", re.I),
]


# Cheap test that a span can hold a figure at all, before the three patterns run.
_HINT = re.compile(r"kill|dead|died|death|lives|perish|slain|fatalit", re.I)


@dataclass(frozen=True)
class Fatalities:
    low: int | None
    high: int | None
    text: str
    start: int
    end: int

    def to_dict(self) -> dict:
        return asdict(self)


def find_fatalities(text: str, start: int = 0, end: int | None = None) -> Fatalities | None:
    """The first fatality figure in text[start:end], or None."""
    end = len(text) if end is None else end
    if not _HINT.search(text, start, end):
        return None
    best: tuple[int, Fatalities] | None = None
    for pattern in _PATTERNS:
        for m in pattern.finditer(text, start, end):
            bounds = _bounds(m)
            if bounds is None:
                continue
            f = Fatalities(bounds[0], bounds[1], m.group(), m.start(), m.end())
            if best is None or m.start() < best[0]:
                best = (m.start(), f)
            break
    return best[1] if best else None


def _bounds(m: re.Match) -> tuple[int | None, int | None] | None:
    groups = m.groupdict()
    if groups.get("a") or groups.get("c"):
        lo = int(groups.get("a") or groups["c"])
        hi = int(groups.get("b") or groups["d"])
        return (lo, hi) if lo <= hi < MAX_PLAUSIBLE else None
    raw = (groups.get("n") or "").lower()
    if not raw:
        return None
    if raw in VAGUE:
        lo, hi = VAGUE[raw]
    elif raw in WORD_NUMBERS:
        lo = hi = WORD_NUMBERS[raw]
    else:
        value = int(raw.replace(",", ""))
        if value >= MAX_PLAUSIBLE or (1900 <= value <= 2100 and "," not in raw):
            return None
        lo = hi = value
    qualifier = (groups.get("q") or "").lower()
    if qualifier in {"up to", "as many as", "at most", "no more than"}:
        return None, hi
    if qualifier in {"fewer than", "less than", "under"}:
        return None, max(lo - 1, 0)
    if qualifier in {"at least", "no fewer than", "no less than"}:
        return lo, None
    if qualifier in {"more than", "over", "upwards of", "in excess of"}:
        return lo + 1, None
    if qualifier and lo == hi:
        margin = max(1, round(lo * APPROXIMATE_MARGIN))
        return max(lo - margin, 0), hi + margin
    return lo, hi
