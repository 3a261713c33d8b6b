"""Sentences, clauses and word tokens, each with character offsets into the original text.

Everything here is a single left-to-right regular-expression pass, so the cost grows with
the length of the text and never with the square of it, whatever the input looks like
(one million characters without a full stop, control characters, another script).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

# A sentence longer than this is cut at the last comma or space before it: a text without
# sentence ends must not become one huge clause that every later step scans repeatedly.
MAX_SENTENCE_CHARS = 1200

# Words after which a full stop does not end a sentence.
ABBREVIATIONS = frozenset(
    [
        "mr",
        "mrs",
        "ms",
        "dr",
        "prof",
        "gen",
        "lt",
        "col",
        "maj",
        "capt",
        "sgt",
        "cpl",
        "adm",
        "brig",
        "cmdr",
        "gov",
        "sen",
        "rep",
        "rev",
        "st",
        "jr",
        "sr",
        "no",
        "vs",
        "etc",
        "inc",
        "corp",
        "ltd",
        "co",
        "dept",
        "est",
        "approx",
        "fig",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
        "mon",
        "tue",
        "tues",
        "wed",
        "thu",
        "thur",
        "thurs",
        "fri",
        "sat",
        "sun",
    ]
)

# Capitalised words that start sentences or name things other than actors and places.
COMMON_WORDS = frozenset(
    [
        "the",
        "a",
        "an",
        "this",
        "that",
        "these",
        "those",
        "it",
        "its",
        "he",
        "she",
        "they",
        "we",
        "i",
        "you",
        "his",
        "her",
        "their",
        "our",
        "my",
        "your",
        "in",
        "on",
        "at",
        "by",
        "for",
        "from",
        "with",
        "without",
        "after",
        "before",
        "during",
        "under",
        "over",
        "into",
        "onto",
        "upon",
        "of",
        "to",
        "but",
        "and",
        "or",
        "so",
        "yet",
        "still",
        "however",
        "meanwhile",
        "nonetheless",
        "nevertheless",
        "also",
        "another",
        "one",
        "two",
        "three",
        "last",
        "earlier",
        "later",
        "both",
        "each",
        "every",
        "some",
        "many",
        "most",
        "if",
        "when",
        "while",
        "as",
        "since",
        "despite",
        "although",
        "though",
        "because",
        "officials",
        "residents",
        "what",
        "who",
        "where",
        "why",
        "how",
        "there",
        "here",
        "then",
        "now",
        "today",
        "yesterday",
        "tomorrow",
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
        "mr",
        "mrs",
        "ms",
        "dr",
        "sept",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "oct",
        "nov",
        "dec",
        "mon",
        "tue",
        "wed",
        "thu",
        "fri",
        "sat",
        "sun",
        "not",
        "no",
        "yes",
        "all",
        "any",
        "such",
        "other",
        "according",
        "first",
        "second",
        "third",
        "under",
        "amid",
        "among",
        "against",
        "around",
        "about",
        "please",
        "read",
        "more",
        "photo",
        "video",
        "watch",
        "update",
        "editor",
        "note",
        "reporting",
        "writing",
        "additional",
    ]
)
# Sentence end: terminal punctuation (and closing quotes or brackets) followed by space and
# something that can start a sentence; or a line break. The look-behind keeps the word
# before the stop available to the abbreviation check.
_SENTENCE_END = re.compile(r"[.!?]+[\"'”’)\]]*(?=\s+[\"“‘'(\[]?[A-Z0-9])|\n+")
_WORD_BEFORE = re.compile(r"([A-Za-z]+)\.?$")

# Clause boundaries inside a sentence: the places where a second happening usually starts.
_CLAUSE_BREAK = re.compile(
    r";|:\s+(?=[\"“])|,?\s+but\s+|,\s*while\s+|,\s*whereas\s+|,?\s+and\s+(?:that|which)\s+"
    r"|,?\s+after\s+(?=(?:the\s+|a\s+|an\s+)?[\w-]+\s+(?:\w+\s+)?(?:had|has|have|was|were|is|are"
    r"|\w+ed)\b)|,\s*before\s+|,?\s+when\s+|,\s*as\s+(?=\w+\s+\w+ed\b)",
    re.IGNORECASE,
)

# Words: acronyms with dots (U.S., U.N.), words with inner apostrophes (Da'esh), numbers.
TOKEN = re.compile(r"[A-Za-z]\.(?:[A-Za-z]\.)+|[^\W\d_]+(?:['’ʼ`][^\W\d_]+)*|\d+(?:[.,]\d+)*")
_APOSTROPHES = re.compile(r"['’ʼ`ʿʾ.]")


@dataclass(frozen=True)
class Span:
    start: int
    end: int


@dataclass(frozen=True)
class Sentence(Span):
    index: int
    paragraph: int


@dataclass(frozen=True)
class Clause(Span):
    sentence: int


class Token(NamedTuple):
    # A tuple, not a dataclass: an article has thousands and each costs its construction.
    start: int
    end: int
    text: str
    folded: str
    # "-" when a hyphen joins it to the next token (ez-Zor), so articles can be recognised.
    joiner: str


@lru_cache(maxsize=65536)
def fold(word: str) -> str:
    """Case, diacritics and apostrophes folded away: Da’esh and DAESH both become daesh."""
    decomposed = unicodedata.normalize("NFKD", word)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _APOSTROPHES.sub("", bare).casefold()


def sentences(text: str) -> list[Sentence]:
    """Sentences with offsets; blank lines start a new paragraph."""
    out: list[Sentence] = []
    paragraph = 0
    start = 0
    pending_paragraph = False

    def emit(s: int, e: int) -> None:
        nonlocal pending_paragraph, paragraph
        # Trim whitespace and control characters so quotes start and end on words.
        while s < e and (text[s].isspace() or unicodedata.category(text[s]) == "Cc"):
            s += 1
        while e > s and (text[e - 1].isspace() or unicodedata.category(text[e - 1]) == "Cc"):
            e -= 1
        if e <= s:
            return
        if pending_paragraph and out:
            paragraph += 1
        pending_paragraph = False
        for cs, ce in _cut_long(text, s, e):
            out.append(Sentence(cs, ce, len(out), paragraph))

    for m in _SENTENCE_END.finditer(text):
        if m.group().startswith("\n"):
            emit(start, m.start())
            start = m.end()
            if m.group().count("\n") > 1:
                pending_paragraph = True
            continue
        if m.group().startswith(".") and _is_abbreviation(text, m.start()):
            continue
        emit(start, m.end())
        start = m.end()
    emit(start, len(text))
    return out


def _is_abbreviation(text: str, stop: int) -> bool:
    word = _WORD_BEFORE.search(text, max(0, stop - 12), stop)
    if not word:
        return False
    w = word.group(1)
    # Single capitals are initials (John F. Kennedy, U.S.).
    return (len(w) == 1 and w.isupper()) or w.lower() in ABBREVIATIONS


def _cut_long(text: str, start: int, end: int) -> list[tuple[int, int]]:
    pieces = []
    while end - start > MAX_SENTENCE_CHARS:
        limit = start + MAX_SENTENCE_CHARS
        cut = max(text.rfind(",", start, limit), text.rfind(" ", start, limit))
        if cut <= start + MAX_SENTENCE_CHARS // 2:
            cut = limit
        pieces.append((start, cut))
        start = cut
        while start < end and (text[start].isspace() or text[start] == ","):
            start += 1
    if start < end:
        pieces.append((start, end))
    return pieces


def clauses(text: str, sentence: Sentence) -> list[Clause]:
    """The sentence cut at conjunctions and subordinators that usually open a new clause."""
    out: list[Clause] = []
    start = sentence.start
    for m in _CLAUSE_BREAK.finditer(text, sentence.start, sentence.end):
        if m.start() > start:
            out.append(Clause(start, m.start(), sentence.index))
        start = m.end()
    if start < sentence.end:
        out.append(Clause(start, sentence.end, sentence.index))
    return out or [Clause(sentence.start, sentence.end, sentence.index)]


def tokens(text: str, start: int = 0, end: int | None = None) -> list[Token]:
    """Word tokens in text[start:end]; a possessive 's is left outside the token."""
    end = len(text) if end is None else end
    out: list[Token] = []
    for m in TOKEN.finditer(text, start, end):
        s, e = m.span()
        word = m.group()
        if len(word) > 2 and word[-1] in "sS" and word[-2] in "'’ʼ`":
            e -= 2
            word = word[:-2]
        joiner = "-" if e < end and text[e] in "-‐‑–" and m.end() == e else ""
        out.append(Token(s, e, word, fold(word), joiner))
    return out
