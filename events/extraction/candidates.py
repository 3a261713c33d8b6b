"""Candidate timeline entries from one article: who did what to whom, where, when, how many.

`parse_text(text, published)` reads the text clause by clause. A clause that holds a
trigger word (lexicon.TRIGGERS) reporting something that happened, not something that
might, becomes a mention: its type, its date (the clause's own expression, else one
inherited from the context, with a lower confidence), its actors with roles, its place,
its fatality figure and the sentence that says so. Mentions of the same happening within
the article are then merged into one CandidateEvent with several quotes.

Pure Python: no Django, no database. Offsets always point into the text as given.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from datetime import date, timedelta

from . import lexicon as lx
from .articles import split_header
from .dates import TemporalExpression, extract_dates
from .entries import (
    DATE_CONFIDENCE,
    MAX_CONFIDENCE,
    ActorRole,
    CandidateEvent,
    DateClaim,
    Mention,
    PlaceRef,
)
from .fatalities import find_fatalities
from .gazetteer import Gazetteer, GazetteerEntry, NameMatch, default_gazetteer
from .merging import merge_mentions
from .text import COMMON_WORDS as NAME_STOPWORDS
from .text import Sentence, clauses, sentences

LEAD_PRECISIONS = frozenset({"day", "approximate"})
# The article's first date is the lead's date only if it is this close to publication.
LEAD_MAX_AGE = timedelta(days=7)
# Year-or-coarser dates ending this long before publication are background ("in 2014").
BACKGROUND_AGE = timedelta(days=180)
COARSE_PRECISIONS = frozenset({"year", "decade", "quarter", "season"})
# Characters before a date that make it a duration's start, i.e. background ("since 2011").
_SINCE = re.compile(r"\b(?:since|from|until|till|by)\s+(?:the\s+)?$", re.IGNORECASE)
# Characters looked at before a trigger for modal verbs and the passive voice.
LOOKBEHIND_CHARS = 40
PERSONAL_PRONOUNS = frozenset({"he", "she"})
# How far back a "he said" looks for the person it means.
PRONOUN_REACH = 600
# A line ending in one of these is a sentence; without, a headline or caption.
HEADLINE_END_MARKS = ".!?…\"”’'):;"
# Marks that end the phrase a trigger's modal verbs are looked for in.
PHRASE_MARKS = (",", ";", ":", '"', "“", "”", "(", ")")
# Characters allowed between a date and the "said" it dates, and the cost of more.
ATTRIBUTION_GAP = 3
ATTRIBUTION_PENALTY = 1000
# How far after its trigger a "by X" phrase may name the perpetrator.
AGENT_REACH = 40
_WORD = re.compile(r"[A-Za-z']+")
_BY = re.compile(r"\bby\s+(?:the\s+|a\s+|an\s+)?(?:[\w.'’-]+\s+){0,3}$", re.IGNORECASE)
_BETWEEN = re.compile(r"\bbetween\s+(?:the\s+)?$", re.IGNORECASE)
_TARGET_LEAD = re.compile(
    r"^\W*(?:the\s+|a\s+|an\s+)?(?:\w+\s+){0,2}?(?:on|against|of|at|targeting|hitting|into)\s+"
    r"(?:the\s+|a\s+|an\s+)?(?:[\w-]+\s+){0,2}$"
    r"|^\s*(?:the\s+|a\s+|an\s+)?(?:(?:at least|more than|up to|about|some|dozens of)\s+)?"
    r"(?:\d[\d,]*\s+)?$",
    re.IGNORECASE,
)
# What may stand between an actor and the noun it does: "US-led coalition airstrike",
# "Russia's new offensive", "a major Daesh offensive".
_MODIFIER_GAP = re.compile(
    r"^(?:['’]s)?[\s\-–]*(?:(?:led|backed|major|new|fresh|deadly|lethal|joint|massive|heavy"
    r"|overnight|latest|apparent|suspected|alleged|reported|renewed|air|ground|aerial)"
    r"[\s\-–]+){0,2}$"
)
# Quoted words, straight or curly; bounded so an unclosed quote cannot run on.
_QUOTED = re.compile(r"“[^”\n]{0,600}”|\"[^\"\n]{0,600}\"")
_BROKER = re.compile(r"\b(?:brokered|mediated|sponsored|backed)\b", re.IGNORECASE)


def _wordset(words: str) -> frozenset[str]:
    return frozenset(words.split())


# Words that may stand between an actor and its verb, or between two names of one group.
_AGENT_WORDS = _wordset(
    """
    and or the a an 's also immediately has have had on in earlier later last this that
    morning evening night afternoon monday tuesday wednesday thursday friday saturday sunday
    its their his her of state affairs adviser advisor national security interior government
    forces office command ministry
    """
)
# Words that are never a name on their own, though written with a capital.
SOLO_NON_NAMES = _wordset(
    """
    state government army forces ministry minister president officials military council
    department command secretary spokesman general police coalition regime rebels islamic
    up down out air eid muslim christian sunni shia kurdish arab
    """
)
_NAME = re.compile(
    r"\b[A-Z][\w’'-]*[a-z][\w’'-]*(?:[ \t]+(?:(?:al|el|bin|ibn|de|du|van|von|la|le)[ \t-]+)?"
    r"[A-Z][\w’'-]*[a-z][\w’'-]*)*"
)
# What follows a dateline's place: an optional country or date, an optional agency, then a
# dash or colon.
_DATELINE_END = re.compile(
    r"[ \t]*(?:,[ \t]*[A-Z][\w.]*(?:[ \t]+[A-Z\d][\w.]*){0,2})?"  # ", Syria" or ", Sept 19"
    r"[ \t]*(?:\([^()\n]{1,40}\))?[ \t]*[—–:-]"
)
_AGE_AFTER_NAME = re.compile(r",\s*(?:an?\s+)?\d{1,3}(?:-year-old\b|\s*,|\b)")
_LOWER_WORD = re.compile(r"\b[a-z][a-z'-]+\b")
_ORG_WORDS = re.compile(
    r"\b(?:Ministry|Council|Department|Command|Agency|Committee|Organi[sz]ation|Observatory"
    r"|Front|Army|Forces|Group|Brigade|Party|Union|Office|Center|Centre|Court|House|Agency"
    r"|News|Times|Post|Press|Service|Movement|Coalition|Commission)\b"
)
_POSSESSIVE = re.compile(r"['’]s$")
# "Qaeda-linked", "Iran-backed": the name without its suffix.
_ATTRIBUTIVE_SUFFIX = re.compile(r"-(?:linked|backed|led|based|allied|affiliated|held|run)$")
LOCATIVES = frozenset({"of", "in", "near", "at", "outside", "around", "into", "from", "to"})
NAME_CONNECTORS = frozenset({"al", "el", "bin", "ibn", "de", "du", "van", "von", "la", "le"})


@dataclass(frozen=True)
class _Name:
    """A name found in the text: a gazetteer actor, or an unknown proper name."""

    start: int
    end: int
    actor: ActorRole
    place: PlaceRef | None = None


@dataclass
class _Scan:
    start: int
    end: int
    groups: dict[str, list[_Hit]]
    own: dict[str, TemporalExpression]


@dataclass
class _Hit:
    type: str
    start: int
    end: int
    pos: str
    strength: float
    passive: bool


_TRIGGERS = lx.compiled()
_TRIGGERS_LOWER = lx.compiled(ignore_case=False)
_STATES = lx.compiled_states()
_TRIGGER_BY_GROUP = {f"t{i}": t for i, t in enumerate(lx.TRIGGERS)}


# Entry point ------------------------------------------------------------------------------


def parse_text(
    text: str,
    published: date | None = None,
    gazetteer: Gazetteer | None = None,
    *,
    day_first: bool = True,
) -> list[CandidateEvent]:
    """Candidate timeline entries of one article, in text order of their first quote.
    `day_first` reads "05/09/2016" as 5 September (off: as May 9)."""
    return _Article(text, published, gazetteer or default_gazetteer(), day_first).parse()


def unknown_names(text: str, gazetteer: Gazetteer | None = None) -> list[dict]:
    """Capitalised proper names the gazetteer does not know: candidates for editors."""
    article = _Article(text, None, gazetteer or default_gazetteer())
    seen: dict[str, dict] = {}
    for name in article.names:
        if not name.actor.known and name.actor.name not in seen:
            seen[name.actor.name] = {"name": name.actor.name, "kind": name.actor.kind}
    return list(seen.values())


class _Article:
    def __init__(
        self, text: str, published: date | None, gazetteer: Gazetteer, day_first: bool = True
    ) -> None:
        self.raw = text
        self.day_first = day_first
        self.text, header_date = _mask_header(text)
        self.published = published or header_date
        self.gazetteer = gazetteer
        self.sentences = sentences(self.text)
        self.sentence_starts = [s.start for s in self.sentences]
        self.names = self._find_names()
        self.name_starts = [n.start for n in self.names]
        self.mentions_ceasefire = bool(
            re.search(r"\b(?:cease-?fire|truce|cessation of hostilities)", self.text, re.I)
        )

    # Names -------------------------------------------------------------------------------

    def _find_names(self) -> list[_Name]:
        out: list[_Name] = []
        known_spans: list[tuple[int, int]] = []
        for m in self.gazetteer.match(self.text):
            known_spans.append((m.start, m.end))
            actor = m.actor
            place = m.place
            out.append(
                _Name(
                    m.start,
                    m.end,
                    _actor_role(actor, "subject") if actor else _place_actor(m),
                    PlaceRef.of(place) if place else None,
                )
            )
        out.extend(self._unknown_names(known_spans, [n for n in out if n.actor.kind == "person"]))
        out.sort(key=lambda n: n.start)
        return out

    def _unknown_names(self, known: list[tuple[int, int]], persons: list[_Name]) -> list[_Name]:
        starts = [s for s, _ in known]
        full_names: dict[str, str] = {}
        out: list[_Name] = []
        sentence_starts = {sentence.start for sentence in self.sentences}
        lowercase_words: set[str] | None = None
        for m in _NAME.finditer(self.text):
            for s, e, words in _name_runs(self.text, m.start(), m.end(), known, starts):
                if len(words) == 1 and words[0].lower() in SOLO_NON_NAMES:
                    continue
                if any(c.isdigit() for word in words for c in word):
                    continue  # "F-16s", "A-10s": aircraft, not actors
                if len(words) == 1 and s in sentence_starts:
                    # "Warplanes bombed ...": a capital only because the sentence starts.
                    if lowercase_words is None:
                        lowercase_words = set(_LOWER_WORD.findall(self.text))
                    if words[0].lower() in lowercase_words or words[0].endswith("s"):
                        continue
                # "Power said" after "Samantha Power": the known person by surname.
                person = next(
                    (
                        p
                        for p in reversed(persons)
                        if p.start < s and p.actor.name.split()[-1] == words[0]
                    ),
                    None,
                )
                if len(words) == 1 and person is not None:
                    out.append(_Name(s, e, person.actor))
                    continue
                name = " ".join(words)
                if len(words) == 1 and name in full_names:
                    name = full_names[name]  # "Cook" after "Peter Cook"
                elif len(words) >= 2 and not _ORG_WORDS.search(name):
                    full_names.setdefault(words[-1], name)
                    # "al-Muraweh" is later just "Muraweh".
                    full_names.setdefault(words[-1].partition("-")[2] or words[-1], name)
                kind = _guess_kind(self.text, s, name)
                actor = ActorRole(name, "subject", kind, False)
                out.append(_Name(s, e, actor))
        return out

    def _names_in(self, start: int, end: int) -> list[_Name]:
        i = bisect.bisect_left(self.name_starts, start)
        out = []
        while i < len(self.names) and self.names[i].start < end:
            if self.names[i].end <= end:
                out.append(self.names[i])
            i += 1
        return out

    # Reading ----------------------------------------------------------------------------

    def parse(self) -> list[CandidateEvent]:
        if not self.sentences:
            return []
        dates = self._dates()
        date_starts = [d.start for d in dates]
        # One pass of the trigger vocabulary over the whole text; clauses take slices.
        lowered = self.text.lower()
        # Lower-casing keeps offsets unless a rare letter lower-cases to two (İ).
        scan = (
            _TRIGGERS_LOWER.finditer(lowered)
            if len(lowered) == len(self.text)
            else _TRIGGERS.finditer(self.text)
        )
        self.triggers = [(m.start(), m.end(), _TRIGGER_BY_GROUP[m.lastgroup or ""]) for m in scan]
        self.trigger_starts = [t[0] for t in self.triggers]
        mentions: list[Mention] = []
        narrative: dict[str, DateClaim] = {}
        # The lead's date: the article's first day-precise date, known before reading on, so
        # a clause of the first sentence may already inherit it.
        quoted = [m.span() for m in _QUOTED.finditer(self.text)]
        lead = next(
            (
                DateClaim.of(d, "lead")
                for d in _outside(dates, quoted)  # a speaker's "a week ago" is not the lead's
                if d.precision in LEAD_PRECISIONS and not self._is_background(d)
            ),
            None,
        )
        for sentence in self.sentences:
            in_sentence = _slice(dates, date_starts, sentence.start, sentence.end)
            truce_nouns = self._truce_nouns(sentence)
            # First every clause's triggers and own dates, so that no clause inherits a
            # date that a later clause of the sentence claims for itself.
            scans = [
                self._scan_clause(c.start, c.end, in_sentence, truce_nouns)
                for c in clauses(self.text, sentence)
            ]
            claimed = {expr.start for scan in scans for expr in scan.own.values()}
            free = [d for d in in_sentence if d.start not in claimed and not self._is_background(d)]
            for scan in scans:
                for mention in self._mentions(sentence, scan, free, narrative, lead):
                    if mention.date.source == "own":
                        narrative[mention.family] = mention.date.inherited("narrative")
                    mentions.append(mention)
        return merge_mentions(mentions)

    def _truce_nouns(self, sentence: Sentence) -> list[tuple[int, int]]:
        out = []
        for s, e, trigger in _slice(
            self.triggers, self.trigger_starts, sentence.start, sentence.end
        ):
            kind = trigger.type
            if kind == lx.CEASEFIRE or (kind == lx.DEAL and self.mentions_ceasefire):
                out.append((s, e))
        return out

    def _dates(self) -> list[TemporalExpression]:
        out = []
        for expr in extract_dates(self.text, self.published, day_first=self.day_first):
            if expr.earliest is None or expr.latest is None:
                continue
            out.append(expr)
        return out

    def _is_background(self, expr: TemporalExpression) -> bool:
        if _SINCE.search(self.text, max(0, expr.start - 20), expr.start):
            return True
        if expr.precision in COARSE_PRECISIONS and self.published and expr.latest:
            return expr.latest < self.published - BACKGROUND_AGE
        return False

    def _scan_clause(
        self,
        start: int,
        end: int,
        sentence_dates: list[TemporalExpression],
        truce_nouns: list[tuple[int, int]],
    ) -> _Scan:
        text = self.text
        false_spans = [m.span() for m in lx.FALSE_TRIGGERS.finditer(text, start, end)]
        groups: dict[str, list[_Hit]] = {}
        for s, e, trigger in _slice(self.triggers, self.trigger_starts, start, end):
            if e > end:
                continue
            if any(fs <= s < fe for fs, fe in false_spans):
                continue
            if trigger.type in (lx.CEASEFIRE, lx.DEAL):
                continue
            before = _words_before(
                text, _phrase_start(text, max(start, s - LOOKBEHIND_CHARS), s), s
            )
            pos = trigger.pos
            if pos == lx.VERB and before and _reads_as_noun(before[-1], text[e - 1 : e] == "s"):
                # "the strike", "his strikes", "coordinated strikes", "stepping up attacks"
                pos = lx.NOUN
            if _is_hypothetical(before, pos):
                continue
            passive = bool(before) and before[-1] in lx.PASSIVE_AUXILIARIES
            if passive and trigger.type == lx.STATEMENT:
                continue  # "were told": someone else spoke
            kind = trigger.type
            if kind == lx.ATTACK and passive and text[s:e].lower().startswith("kill"):
                kind = lx.CASUALTY_REPORT
            group = _group_of(kind)
            groups.setdefault(group, []).append(_Hit(kind, s, e, pos, trigger.strength, passive))
        nouns_so_far = [n for n in truce_nouns if n[0] < end]
        if nouns_so_far:
            hit = self._ceasefire_state(start, end, nouns_so_far)
            if hit:
                groups["ceasefire"] = [hit]
        if "strike" in groups and "humanitarian" in groups:
            del groups["humanitarian"]  # "warplanes bombed aid trucks": one happening
        in_clause = [d for d in sentence_dates if start <= d.start < end]
        quoted = [m.span() for m in _QUOTED.finditer(text, start, end)]
        own = _assign_dates(in_clause, groups, quoted) if groups else {}
        return _Scan(start, end, groups, own)

    def _mentions(
        self,
        sentence: Sentence,
        scan: _Scan,
        free_dates: list[TemporalExpression],
        narrative: dict[str, DateClaim],
        lead: DateClaim | None,
    ) -> list[Mention]:
        text = self.text
        start, end, groups, own = scan.start, scan.end, scan.groups, scan.own
        if not groups:
            return []
        in_clause = [d for d in free_dates if start <= d.start < end]
        names = self._names_in(start, end)
        sentence_names = self._names_in(sentence.start, sentence.end)
        quote = text[sentence.start : sentence.end]
        out: list[Mention] = []
        for group, hits in groups.items():
            expr = own.get(group)
            if expr is not None and self._is_background(expr):
                continue  # "have been carrying out airstrikes since last year"
            # The most specific trigger leads; between equals, a verb says more than a noun.
            main = max(
                hits,
                key=lambda h: (lx.SPECIFICITY.get(h.type, 0), h.pos == lx.VERB, h.strength),
            )
            kind = main.type
            if kind == lx.ATTACK and lx.AIRCRAFT.search(text, sentence.start, sentence.end):
                kind = lx.AIRSTRIKE
            if expr is not None:
                when = DateClaim.of(expr, "own")
            else:
                usable_clause, usable_sentence = in_clause, free_dates
                if kind == lx.STATEMENT:
                    # Dates inside the quoted words are the speaker's, not the day of speaking.
                    quoted = [
                        m.span() for m in _QUOTED.finditer(text, sentence.start, sentence.end)
                    ]
                    usable_clause = _outside(in_clause, quoted)
                    usable_sentence = _outside(free_dates, quoted)
                when = self._inherit(
                    usable_clause, usable_sentence, lx.FAMILY.get(kind), narrative, lead
                )
            if when is None:
                continue
            actors = _roles(text, kind, main, hits, names, start, end)
            if kind == lx.STATEMENT and not any(a.role == "speaker" for a in actors):
                person = self._pronoun_speaker(start, main.start)
                if person is not None:
                    actors = [*actors, person]
            places = [n for n in names if not self._is_dateline(n)]
            place = _best_place(places) or _best_place(
                [n for n in sentence_names if not self._is_dateline(n)]
            )
            fatalities = None
            if lx.FAMILY.get(kind) == "violence":
                fatalities = find_fatalities(text, start, end)
                if fatalities is None and group == "strike":
                    fatalities = find_fatalities(text, sentence.start, sentence.end)
            reports = (
                any(h.pos == lx.VERB for h in hits)
                or expr is not None
                or fatalities is not None
                or any(a.role in ("perpetrator", "target", "speaker", "mediator") for a in actors)
            )
            speakers = [a for a in actors if a.role == "speaker"]
            if kind == lx.STATEMENT and all(a.kind == "media" for a in speakers):
                continue  # "..., a spokesman said", "Xinhua reported": no one to attribute to
            if kind == lx.STATEMENT and all(self._is_passer_by(a, names) for a in speakers):
                continue  # "said Shadi Saber, 26": a voice from the street, not news
            if kind in (lx.MEETING, lx.INVESTIGATION):
                # "an investigation by CENTCOM": the noun and who holds it are news enough.
                reports = reports or bool(actors)
            elif kind == lx.HUMANITARIAN and expr is None:
                reports = reports and bool(actors)
            if self._is_headline(sentence) and not (expr is not None and expr.precision == "day"):
                # A headline or caption sums up the article in the present tense: it can
                # confirm what the body tells, not date a happening of its own.
                if kind == lx.STATEMENT:
                    continue
                reports = False
            confidence = (
                max(h.strength for h in hits)
                + DATE_CONFIDENCE[when.source]
                + 0.03 * min(len(actors), 3)
                + (0.03 if place else 0.0)
            )
            out.append(
                Mention(
                    type=kind,
                    start=sentence.start,
                    end=sentence.end,
                    quote=quote,
                    date=when,
                    actors=actors,
                    place=place,
                    fatalities=fatalities,
                    confidence=max(0.05, min(MAX_CONFIDENCE, confidence)),
                    reports=reports,
                    sentence=sentence.index,
                )
            )
        return out

    def _is_passer_by(self, actor: ActorRole, names: list[_Name]) -> bool:
        """An unknown person introduced by age ("Shadi Saber, 26", "X, a 38-year-old
        shopkeeper"): quoted for colour, not an actor of the timeline."""
        if actor.known or actor.kind != "person":
            return False
        return any(
            n.actor.name == actor.name and _AGE_AFTER_NAME.match(self.text, n.end, n.end + 30)
            for n in names
        )

    def _is_dateline(self, name: _Name) -> bool:
        """'BEIRUT, Sept 19 (Reuters) -', 'Damascus:': where the reporter filed from, not
        where it happened."""
        line_start = self.text.rfind("\n", 0, name.start) + 1
        if self.text[line_start : name.start].strip():
            return False
        return bool(_DATELINE_END.match(self.text, name.end, name.end + 60))

    def _pronoun_speaker(self, clause_start: int, verb_start: int) -> ActorRole | None:
        """'he said' / 'she told': the last person named before, if close enough."""
        before = _words_before(self.text, max(clause_start, verb_start - 20), verb_start)
        if not before or before[-1] not in PERSONAL_PRONOUNS:
            return None
        i = bisect.bisect_left(self.name_starts, clause_start) - 1
        while i >= 0 and clause_start - self.names[i].start <= PRONOUN_REACH:
            actor = self.names[i].actor
            if actor.kind == "person":
                return ActorRole(
                    actor.name, "speaker", actor.kind, actor.known, actor.slug, actor.parent
                )
            i -= 1
        return None

    def _is_headline(self, sentence: Sentence) -> bool:
        """A whole line without a full stop: the headline, a subheading or a caption."""
        text = self.text
        line_start = text.rfind("\n", 0, sentence.start) + 1
        line_end = text.find("\n", sentence.end)
        line_end = len(text) if line_end < 0 else line_end
        if text[line_start : sentence.start].strip() or text[sentence.end : line_end].strip():
            return False
        return text[sentence.end - 1] not in HEADLINE_END_MARKS

    def _ceasefire_state(self, start: int, end: int, nouns: list[tuple[int, int]]) -> _Hit | None:
        text = self.text
        noun_starts = {s for s, _ in nouns}
        for kind, pattern in _STATES:
            for m in pattern.finditer(text, start, end):
                s, e = m.span()
                if any(ns <= s < ne for ns, ne in nouns):
                    continue
                # "a US-brokered truce", "the agreed ceasefire": a description, not news.
                nxt = e
                while nxt < end and text[nxt] in " \t":
                    nxt += 1
                if nxt in noun_starts:
                    continue
                before = _words_before(text, max(start, s - LOOKBEHIND_CHARS), s)
                if _is_hypothetical(before, lx.VERB):
                    continue
                return _Hit(kind, s, e, lx.VERB, 0.75, False)
        return None

    def _inherit(
        self,
        clause_dates: list[TemporalExpression],
        sentence_dates: list[TemporalExpression],
        family: str | None,
        narrative: dict[str, DateClaim],
        lead: DateClaim | None,
    ) -> DateClaim | None:
        if clause_dates:
            return DateClaim.of(clause_dates[0], "clause")
        if sentence_dates:
            return DateClaim.of(sentence_dates[0], "sentence")
        if family and family in narrative:
            return narrative[family]
        if lead and (
            self.published is None or timedelta(0) <= self.published - lead.latest <= LEAD_MAX_AGE
        ):
            return lead
        if self.published:
            return DateClaim.of_day(self.published, "publication")
        return None


# Clause helpers ---------------------------------------------------------------------------


def _mask_header(text: str) -> tuple[str, date | None]:
    """Blank the seed format's `date YYYY-MM-DD` prefix, keeping every offset in place."""
    # A byte-order mark from a Windows editor is not text; it must not hide the header.
    bom = 1 if text.startswith("\ufeff") else 0
    try:
        published, headline, _body, offset = split_header(text[bom:])
    except ValueError:
        return text, None
    if published is None:
        return text, None
    offset += bom
    head_start = text.find(headline, 0, offset) if headline else offset
    if head_start < 0:
        head_start = offset
    return " " * head_start + text[head_start:], published


def _slice(items: list, starts: list[int], start: int, end: int) -> list:
    i = bisect.bisect_left(starts, start)
    j = bisect.bisect_left(starts, end)
    return items[i:j]


def _outside(
    dates: list[TemporalExpression], spans: list[tuple[int, int]]
) -> list[TemporalExpression]:
    """The dates not inside any of the (sorted, disjoint) spans; linear in both."""
    starts = [s for s, _ in spans]
    out = []
    for d in dates:
        i = bisect.bisect_right(starts, d.start) - 1
        if i < 0 or d.start >= spans[i][1]:
            out.append(d)
    return out


def _phrase_start(text: str, start: int, end: int) -> int:
    """Where the phrase ending at `end` begins: after the last comma or quotation mark,
    so the "will" of '"We will respond," said X' does not make the saying hypothetical."""
    cut = max(text.rfind(mark, start, end) for mark in PHRASE_MARKS)
    return start if cut < 0 else cut + 1


def _words_before(text: str, start: int, end: int) -> list[str]:
    return [w.lower() for w in _WORD.findall(text, start, end)][-3:]


def _reads_as_noun(previous: str, plural: bool) -> bool:
    return previous in lx.DETERMINERS or (
        plural and (previous in lx.PREPOSITIONS or previous.endswith(("ed", "ing")))
    )


def _is_hypothetical(before: list[str], pos: str) -> bool:
    for i, word in enumerate(before):
        if word in lx.MODALS:
            return True
        if word == "to" and pos == lx.VERB and i == len(before) - 1:
            return not (i > 0 and before[i - 1] in lx.SCHEDULED)
        if word == "to" and pos == lx.NOUN and i + 1 < len(before) and before[i + 1] in lx.PLANS:
            return True  # "to plan coordinated strikes", "to carry out attacks"
    return False


def _group_of(kind: str) -> str:
    if kind in lx.SEPARATE_GROUPS:
        return lx.SEPARATE_GROUPS[kind]
    if lx.FAMILY.get(kind) == "violence":
        return "strike"
    return kind


def _assign_dates(
    dates: list[TemporalExpression],
    groups: dict[str, list[_Hit]],
    quoted: list[tuple[int, int]] = (),  # type: ignore[assignment]
) -> dict[str, TemporalExpression]:
    """Each date expression goes to the nearest trigger group of its clause; a group keeps
    the nearest of the dates it received ("a general on Tuesday said ... the bombing ...
    on Sept. 17": Tuesday is the saying's, Sept. 17 the bombing's)."""
    best: dict[str, tuple[int, TemporalExpression]] = {}
    for expr in dates:
        # A date inside quoted words is the speaker's, not the day they spoke.
        in_quote = any(qs <= expr.start < qe for qs, qe in quoted)
        choices = [
            (g, min(_distance(expr, h) + _attribution_penalty(expr, h) for h in hits))
            for g, hits in groups.items()
            if not (in_quote and g == lx.STATEMENT)
        ]
        if not choices:
            continue
        group, distance = min(choices, key=lambda item: item[1])
        if group not in best or distance < best[group][0]:
            best[group] = (distance, expr)
    return {g: expr for g, (_, expr) in best.items()}


def _attribution_penalty(expr: TemporalExpression, hit: _Hit) -> int:
    """A date well before "said" belongs to what was said ("bombed the town on Monday,
    monitors said"); only one right before it ("a general on Tuesday said") or after it
    is the day of speaking."""
    if hit.type == lx.STATEMENT and expr.end <= hit.start - ATTRIBUTION_GAP:
        return ATTRIBUTION_PENALTY
    return 0


def _distance(expr: TemporalExpression, hit: _Hit) -> int:
    if expr.end <= hit.start:
        return hit.start - expr.end
    if hit.end <= expr.start:
        return expr.start - hit.end
    return 0


def _best_place(names: list[_Name]) -> PlaceRef | None:
    places = [n.place for n in names if n.place is not None]
    if not places:
        return None
    return max(places, key=lambda p: p.specificity)


def _actor_role(entry: GazetteerEntry, role: str) -> ActorRole:
    return ActorRole(entry.name, role, entry.kind, True, entry.slug, entry.parent)


def _place_actor(match: NameMatch) -> ActorRole:
    # Only a place: it never takes an actor's role (see _actors).
    entry = match.entries[0]
    return ActorRole(entry.name, "place", entry.kind, True, entry.slug)


def _actors(names: list[_Name]) -> list[_Name]:
    return [n for n in names if n.actor.role != "place"]


def _roles(
    text: str,
    kind: str,
    main: _Hit,
    hits: list[_Hit],
    names: list[_Name],
    start: int,
    end: int,
) -> list[ActorRole]:
    # A news agency is a speaker at most: it reports, it does not strike or agree.
    actors = [n for n in _actors(names) if n.actor.kind != "media" or kind == lx.STATEMENT]
    if not actors:
        return []
    roles: dict[tuple[str, str], ActorRole] = {}

    def give(group: list[_Name], role: str) -> None:
        for n in group:
            key = (n.actor.name, role)
            if key not in roles and not any(k[0] == n.actor.name for k in roles):
                roles[key] = ActorRole(
                    n.actor.name, role, n.actor.kind, n.actor.known, n.actor.slug, n.actor.parent
                )

    before = [n for n in actors if n.end <= main.start]
    after = [n for n in actors if n.start >= main.end]
    agents = [n for n in actors if _BY.search(text, max(start, n.start - 40), n.start)]
    agents = _with_coordinated(text, agents, actors)
    family = lx.FAMILY.get(kind)

    if family == "violence":
        # "air strikes by the US-led coalition", "was carried out by two F-16s"
        perpetrators = [n for n in agents if 0 <= n.start - main.end <= AGENT_REACH]
        if main.pos == lx.NOUN or kind == lx.CASUALTY_REPORT:
            modifier = [n for n in before if _MODIFIER_GAP.match(text[n.end : main.start])]
            perpetrators = perpetrators or _with_coordinated(text, modifier[-1:], actors)
        elif not main.passive and before:
            perpetrators = perpetrators or _subject(text, before, main.start)
        give(perpetrators, "perpetrator")
        # The object of any violent verb of the clause, or what the noun was "on/against".
        targets = [
            n
            for hit in sorted(hits, key=lambda h: h is not main)
            for n in actors
            if n.start >= hit.end
            and n not in perpetrators
            and _TARGET_LEAD.match(text[hit.end : n.start])
        ]
        if main.passive or kind == lx.CASUALTY_REPORT:
            targets = targets or [
                n for n in _subject(text, before, main.start) if n not in perpetrators
            ]
        give(_with_coordinated(text, targets[:1], actors), "target")
    elif kind == lx.STATEMENT:
        speakers = _subject(text, before, main.start)
        if not speakers and after and after[0].start - main.end <= 3:
            speakers = [after[0]]  # "said Khaled al-Muraweh"
        give(speakers, "speaker")
        rest = [n for n in after if n not in speakers]
        if rest and re.match(
            r"^\s*(?:the\s+)?$", text[main.end : rest[0].start]
        ):  # "blasted the United States", "accused Russia of"
            give(_with_coordinated(text, rest[:1], actors), "target")
    elif family == "ceasefire":
        brokered = _BROKER.search(text, start, end)
        mediators = []
        if brokered:
            mediators = [n for n in agents if n.start >= brokered.end()] or [
                n
                for n in actors
                if n.end <= brokered.start() and _MODIFIER_GAP.match(text[n.end : brokered.start()])
            ]
            mediators = _with_coordinated(text, mediators, actors)
            give(mediators, "mediator")
        parties = [n for n in agents if n not in mediators]
        parties += [
            n
            for n in actors
            if _BETWEEN.search(text, max(start, n.start - 12), n.start) and n not in mediators
        ]
        if kind == lx.CEASEFIRE_AGREED and not parties and not brokered:
            parties = _subject(text, before, main.start)
        give(_with_coordinated(text, parties, actors), "subject")
    else:
        give(_subject(text, before, main.start) or actors[:2], "subject")
    return list(roles.values())


def _subject(text: str, before: list[_Name], verb_start: int) -> list[_Name]:
    """The actor(s) just before a verb, with titles and adverbs allowed in between:
    'Pentagon press secretary Peter Cook said', 'The Russian Ministry of Defense
    immediately blasted'."""
    out: list[_Name] = []
    limit = verb_start
    for n in reversed(before):
        gap = text[n.end : limit]
        if not _gap_is_apposition(gap):
            break
        out.insert(0, n)
        limit = n.start
    return out


def _gap_is_apposition(gap: str) -> bool:
    if any(c in gap for c in ',;:()“”"') and gap.strip() not in {",", ""}:
        return False
    words = _WORD.findall(gap.lower())
    return len(words) <= 6 and all(
        w in lx.TITLE_WORDS or w in _AGENT_WORDS or w.endswith("ly") or w in {"s", "'s"}
        for w in words
    )


def _with_coordinated(text: str, group: list[_Name], actors: list[_Name]) -> list[_Name]:
    """Extend a group by actors joined to it with 'and', 'or' or a comma."""
    if not group:
        return group
    out = list(group)
    for n in actors:
        if n in out:
            continue
        for g in list(out):
            gap = text[g.end : n.start] if n.start >= g.end else text[n.end : g.start]
            joined = re.fullmatch(r"\s*(?:,|and|or|&|/|-|–)\s*(?:the\s+)?(?:\w+\s+){0,4}?", gap)
            # Coordinated ("Lavrov and US ...") or in apposition ("US Secretary of State
            # John Kerry"): either way one group.
            if len(gap) < 60 and (
                (joined and _gap_is_apposition(gap.replace(",", " ")))
                or (gap.strip() and _gap_is_apposition(gap))
            ):
                out.append(n)
                break
    return sorted(out, key=lambda n: n.start)


def _name_runs(
    text: str, start: int, end: int, known: list[tuple[int, int]], known_starts: list[int]
) -> list[tuple[int, int, list[str]]]:
    """Runs of capitalised words in text[start:end] not covered by known names, without
    stopwords or titles: 'White House Press Secretary Josh Earnest' -> White House, Josh
    Earnest."""
    runs: list[list[tuple[int, int, str]]] = []
    current: list[tuple[int, int, str]] = []

    def close() -> None:
        while current and current[-1][2].lower() in NAME_CONNECTORS:
            current.pop()  # "Deir al" is not a name; "Deir al-Zor" is
        if current:
            runs.append(list(current))
        current.clear()

    for m in re.finditer(r"[\w’'-]+", text[start:end]):
        s = start + m.start()
        word = _ATTRIBUTIVE_SUFFIX.sub("", _POSSESSIVE.sub("", m.group()))
        e = s + len(word)
        i = bisect.bisect_right(known_starts, s) - 1
        covered = i >= 0 and known[i][0] <= s < known[i][1]
        lower = word.lower()
        if lower in NAME_CONNECTORS and current:
            current.append((s, e, word))
            continue
        prefix, _, rest = word.partition("-")
        if current and prefix.lower() in NAME_CONNECTORS and rest[:1].isupper():
            current.append((s, e, word))  # "Khaled al-Muraweh"
            continue
        if covered or lower in NAME_STOPWORDS or lower in lx.TITLE_WORDS or not word[:1].isupper():
            close()
            continue
        current.append((s, e, word))
        if m.group() != word:
            close()  # a possessive ends the name: "Assad's government"
    close()
    return [(run[0][0], run[-1][1], [w for _, _, w in run]) for run in runs]


def _guess_kind(text: str, start: int, name: str) -> str:
    if _ORG_WORDS.search(name):
        return "organisation"
    before = _words_before(text, max(0, start - 30), start)
    if before and before[-1] in lx.TITLE_WORDS:
        return "person"
    if before and before[-1] in LOCATIVES:
        return "unknown"  # "near the town of Urm al-Kubra": a place, most likely
    if 2 <= len(name.split()) <= 3:
        return "person"
    return "unknown"
