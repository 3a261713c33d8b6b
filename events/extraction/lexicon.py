"""Trigger vocabulary: the words of general English news that report something happening,
mapped to the controlled event types of the timeline (events.models.EventType values).

Kept as data so it can be read, reviewed and extended without touching the parser.
Each trigger is (regular expression, event type, part of speech, strength). Patterns are
matched case-insensitively on word boundaries.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

AIRSTRIKE = "airstrike"
SHELLING = "shelling"
GROUND_OFFENSIVE = "ground_offensive"
ATTACK = "attack"
CEASEFIRE_AGREED = "ceasefire_agreed"
CEASEFIRE_IN_FORCE = "ceasefire_in_force"
CEASEFIRE_ENDED = "ceasefire_ended"
STATEMENT = "statement"
CASUALTY_REPORT = "casualty_report"
MEETING = "meeting"
INVESTIGATION = "investigation"
HUMANITARIAN = "humanitarian"
OTHER = "other"

# Marker type for the nouns that name a truce; the verbs around them decide which of the
# three ceasefire types the clause reports.
CEASEFIRE = "ceasefire"
DEAL = "deal"

VERB = "verb"
NOUN = "noun"

# Families: happenings of one family in one article may be one happening told twice; a
# clause's date is inherited from the last date told of the same family.
FAMILY = {
    AIRSTRIKE: "violence",
    SHELLING: "violence",
    GROUND_OFFENSIVE: "violence",
    ATTACK: "violence",
    CASUALTY_REPORT: "violence",
    HUMANITARIAN: "violence",
    CEASEFIRE_AGREED: "ceasefire",
    CEASEFIRE_IN_FORCE: "ceasefire",
    CEASEFIRE_ENDED: "ceasefire",
    STATEMENT: "talk",
    MEETING: "talk",
    INVESTIGATION: "talk",
    OTHER: "other",
}
# Generic types merge into a specific one of the same family (a "killed" clause into the
# airstrike that killed).
GENERIC_TYPES = frozenset({ATTACK, CASUALTY_REPORT})
# When one clause holds several violent triggers, the most specific names the happening.
SPECIFICITY = {
    AIRSTRIKE: 5,
    SHELLING: 4,
    GROUND_OFFENSIVE: 4,
    ATTACK: 2,
    HUMANITARIAN: 1,
    CASUALTY_REPORT: 1,
}
# Types that form their own group within a clause (a bombing "that paved the way for a
# major offensive" reports two happenings).
SEPARATE_GROUPS = {GROUND_OFFENSIVE: "ground", HUMANITARIAN: "humanitarian"}


@dataclass(frozen=True)
class Trigger:
    pattern: str
    type: str
    pos: str
    strength: float


def _t(kind: str, pos: str, strength: float, *words: str) -> Trigger:
    return Trigger("|".join(words), kind, pos, strength)


TRIGGERS: tuple[Trigger, ...] = (
    # Air war
    _t(
        AIRSTRIKE,
        NOUN,
        0.8,
        r"air[\s-]?strikes?",
        r"air[\s-]?raids?",
        r"drone strikes?",
        r"bombing raids?",
    ),
    _t(
        AIRSTRIKE,
        NOUN,
        0.8,
        r"aerial (?:bombardments?|attacks?|bombings?|strikes?|campaign)",
    ),
    _t(
        AIRSTRIKE,
        NOUN,
        0.7,
        r"bombings?",
    ),
    _t(
        AIRSTRIKE,
        VERB,
        0.75,
        r"(?:carpet-)?bomb(?:ed|s|ing)",
    ),
    # Artillery and rockets
    _t(
        SHELLING,
        VERB,
        0.7,
        r"shell(?:ed|ing|s)",
        r"bombard(?:ed|s|ing)",
        r"pounded",
        r"pounding",
    ),
    _t(
        SHELLING,
        NOUN,
        0.7,
        r"bombardments?",
        r"artillery (?:fire|barrages?|strikes?)",
        r"barrel bombs?",
    ),
    _t(
        SHELLING,
        NOUN,
        0.7,
        r"(?:rocket|mortar|missile)s? (?:attacks?|fire)",
        r"(?:rockets?|mortars?|shells?|missiles?) (?:was|were) fired",
    ),
    _t(
        SHELLING,
        VERB,
        0.7,
        r"fired (?:\w+ )?(?:rockets?|mortars?|shells?|missiles?)",
    ),
    # Ground war
    _t(
        GROUND_OFFENSIVE,
        NOUN,
        0.65,
        r"(?:counter-?)?offensives?",
        r"ground (?:assault|operation|offensive)s?",
        r"incursions?",
    ),
    _t(
        GROUND_OFFENSIVE,
        VERB,
        0.65,
        r"(?:re)?captured",
        r"seized",
        r"retook",
        r"overran",
        r"stormed",
        r"advanced on",
        r"pushed into",
        r"took control of",
        r"(?:re)?gained control of",
    ),
    _t(
        GROUND_OFFENSIVE,
        NOUN,
        0.6,
        r"assaults?",
    ),
    _t(
        GROUND_OFFENSIVE,
        NOUN,
        0.55,
        r"clashes",
        r"heavy fighting",
        r"fierce fighting",
        r"fighting (?:erupted|broke out)",
    ),
    # Violence in general; made an airstrike when aircraft are named beside it
    _t(
        ATTACK,
        VERB,
        0.55,
        r"attack(?:ed|s|ing)?",
        r"struck",
        r"strik(?:e|es|ing)",
        r"hit(?:s|ting)?",
        r"target(?:ed|s|ing)",
        r"ambush(?:ed|es)?",
        r"raid(?:ed|s)?",
    ),
    _t(
        ATTACK,
        NOUN,
        0.6,
        r"explosions?",
        r"car bombs?",
        r"suicide (?:bombings?|attacks?|bombers?)",
        r"massacres?",
    ),
    _t(
        ATTACK,
        VERB,
        0.55,
        r"kill(?:ed|ing|s)",
    ),
    # Counting the dead
    _t(
        CASUALTY_REPORT,
        NOUN,
        0.5,
        r"death toll",
        r"casualt(?:y|ies)",
        r"lost their lives",
        r"died",
        r"deaths",
    ),
    # Truces: the noun, then the verbs that say what became of it
    _t(
        CEASEFIRE,
        NOUN,
        0.7,
        r"cease-?fires?",
        r"truces?",
        r"cessation of hostilities",
        r"armistice",
    ),
    _t(
        DEAL,
        NOUN,
        0.55,
        r"deals?",
        r"agreements?",
        r"accords?",
        r"protocols?",
        r"peace plans?",
    ),
    # Words and accusations
    _t(
        STATEMENT,
        VERB,
        0.6,
        r"sa(?:id|ys|y)",
        r"stated",
        r"told",
        r"announc(?:ed|es)",
        r"claim(?:ed|s)",
        r"accus(?:ed|es|ing)",
        r"blam(?:ed|es|ing)",
    ),
    _t(
        STATEMENT,
        VERB,
        0.6,
        r"condemn(?:ed|s|ing)",
        r"denounc(?:ed|es)",
        r"den(?:ied|ies)",
        r"blasted",
        r"slammed",
        r"critici[sz](?:ed|es)",
        r"hit out at",
    ),
    _t(
        STATEMENT,
        VERB,
        0.6,
        r"warn(?:ed|s)",
        r"acknowledg(?:e|ed|es|ing)",
        r"admit(?:ted|s|ting)?",
        r"confirm(?:ed|s)",
        r"insist(?:ed|s)",
        r"emphasi[sz](?:ed|es)",
        r"stress(?:ed|es)",
        r"vow(?:ed|s)",
        r"pledg(?:ed|es)",
        r"threaten(?:ed|s)",
        r"alleg(?:ed|es)",
        r"assert(?:ed|s)",
        r"apologi[sz](?:ed|es)",
        r"described",
        r"noted",
        r"argued",
    ),
    _t(
        ATTACK,
        VERB,
        0.6,
        r"opened fire",
        r"shot (?:dead|down)",
        r"gunned down",
    ),
    _t(
        MEETING,
        VERB,
        0.55,
        r"(?:spoke|talked) by (?:tele)?phone",
        r"(?:tele)?phone (?:call|conversation)s?",
    ),
    _t(
        STATEMENT,
        VERB,
        0.5,
        r"declared",
        r"urged",
        r"demand(?:ed|s)",
        r"called (?:on|for)",
        r"regrett?(?:ed|s)?",
        r"rejected",
        r"dismissed",
        r"reported",
        r"added",
    ),
    _t(
        STATEMENT,
        VERB,
        0.65,
        r"(?:released|issued|published) (?:a|an) (?:\w+ )?statement",
        r"in a statement",
    ),
    # Diplomacy
    _t(
        MEETING,
        VERB,
        0.6,
        r"met",
        r"meet(?:s|ing)?",
        r"convened?",
        r"summit",
        r"talks",
        r"negotiations?",
        r"(?:emergency|closed-door|urgent) (?:session|meeting)s?",
    ),
    # Inquiries
    _t(
        INVESTIGATION,
        NOUN,
        0.6,
        r"investigat(?:e|ed|es|ing|ion|ions)",
        r"probes?",
        r"inquir(?:y|ies)",
        r"enquir(?:y|ies)",
        r"looking into",
        r"gathering information",
    ),
    # Civilians and aid
    _t(
        HUMANITARIAN,
        NOUN,
        0.55,
        r"aid (?:convoys?|trucks?|deliver(?:y|ies)|workers?)",
        r"humanitarian (?:convoys?|aid|access)",
        r"convoys?",
        r"evacuat(?:ed|ion)",
        r"besieged",
    ),
)

# What became of a truce, by the verbs beside its noun. Checked in this order: a clause
# saying a truce "brokered" last week "ended" on Monday reports the end.
CEASEFIRE_STATES: tuple[tuple[str, str], ...] = (
    (
        CEASEFIRE_ENDED,
        r"ended|ends|end of|collapsed|collapse|expired|broke down|breakdown|is over|was over"
        r"|fell apart|unravell?ed|crumbled"
        r"|declared (?:[\w-]+ ){0,3}over|terminated|came to an end",
    ),
    (
        CEASEFIRE_IN_FORCE,
        r"t(?:ook|akes?|aking) effect|c(?:ame|omes?|oming) into (?:force|effect)|went into effect"
        r"|goes into effect|implemented|began|begins?|started|starts|in (?:force|effect|place)"
        r"|extended|renewed|prolonged"
        r"|(?:largely |mostly |broadly )?held|holding|kicked in|entered into force",
    ),
    (
        CEASEFIRE_AGREED,
        r"agree(?:d|s)?(?: up)?(?:on|to)?|reached|brokered|signed|struck|clinched|sealed"
        r"|announced|unveiled|negotiated|hammered out|concluded",
    ),
)

# A trigger with one of these just before it reports something that did not happen, or
# has not yet: "would be striking", "threatens to undermine", "did not admit".
_MODAL_WORDS = """
    will would could may might should must can cannot won't wouldn't couldn't if unless
    not never didn't doesn't don't no believed thought intended meant
"""
MODALS = frozenset(_MODAL_WORDS.split())
# "to" before a verb is an intention ("efforts to revive") except after these, which
# schedule a happening ("was due to meet on Saturday evening").
SCHEDULED = frozenset(["due", "scheduled", "set", "expected", "poised"])
# A verb-looking trigger right after one of these is a noun: "the strike", "his attacks".
_DETERMINER_WORDS = """
    the a an his her their its our your my this that these those such any no more further
    new fresh first second last latest
"""
DETERMINERS = frozenset(_DETERMINER_WORDS.split())
# A plural after one of these is a noun: "stepping up attacks", "a wave of strikes".
_PREPOSITION_WORDS = """
    up of for on in with against by from into over about after before during amid
"""
PREPOSITIONS = frozenset(_PREPOSITION_WORDS.split())
# After "to", these make what follows an intention: "to plan strikes", "to launch attacks".
_PLAN_WORDS = """
    plan prepare launch carry conduct coordinate stage mount resume halt stop prevent avoid
    investigate discuss
"""
PLANS = frozenset(_PLAN_WORDS.split())
PASSIVE_AUXILIARIES = frozenset(["was", "were", "been", "being", "is", "are", "be"])
# Aircraft named in a clause make its "struck", "hit" or "attack" an airstrike.
AIRCRAFT = re.compile(
    r"\b(?:warplanes?|jets?|aircraft|planes?|F-\d+s?|A-10s?|F/A-18s?|drones?|helicopters?"
    r"|bombers?|air force|sorties|pilots?|airspace|coalition)\b",
    re.IGNORECASE,
)
# Phrases that look like triggers but are not happenings.
FALSE_TRIGGERS = re.compile(
    r"\b(?:str(?:uck|ike) (?:a|an|the) (?:deal|agreement|bargain|balance|chord|note|tone)"
    r"|hit back|fighting positions?|strike (?:location|area|zone|package)s?"
    r"|target(?:s|ed)? (?:area|list)s?|(?:civilian|military|legitimate|intended|possible"
    r"|potential|terrorist|high-value|soft|hard) targets?"
    r"|(?:the )?attack(?:s)? (?:helicopter|aircraft|plane)s?"
    r"|ground attack aircraft|investigating officer|talks? about)\b",
    re.IGNORECASE,
)
# Words a speaker is named with: "Pentagon press secretary Peter Cook said".
_TITLE_WORDS = """
    spokesman spokeswoman spokesperson press secretary minister foreign defence defense
    envoy ambassador official officials general gen maj brig lt col president prime
    commander chief head director secretary deputy senior military army spokespeople
"""
TITLE_WORDS = frozenset(_TITLE_WORDS.split())


def compiled(*, ignore_case: bool = True) -> re.Pattern:
    """All triggers as one alternation with a named group per trigger (one pass). The
    patterns are lower case, so on lower-cased text ignore_case=False matches the same,
    about twice as fast."""
    parts = [f"(?P<t{i}>{t.pattern})" for i, t in enumerate(TRIGGERS)]
    flags = re.IGNORECASE if ignore_case else 0
    return re.compile(r"\b(?:" + "|".join(parts) + r")\b", flags)


def compiled_states() -> list[tuple[str, re.Pattern]]:
    return [(kind, re.compile(rf"\b(?:{p})\b", re.IGNORECASE)) for kind, p in CEASEFIRE_STATES]
