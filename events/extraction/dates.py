"""Find temporal expressions (dates) in English news text and normalise them.

Pure Python, no Django. ``extract_dates(text, published)`` returns
:class:`TemporalExpression` objects with TimeML values (TempEval-3 conventions),
EDTF strings and day bounds.

How it works:

1. A fixed set of regular expressions (one per kind of expression: explicit
   dates, numeric dates, weekdays, relative words, "N units ago", quarters,
   seasons, decades, holidays, present/past/future references ...) is run over
   the text. Every regex is anchored on word boundaries and has bounded
   repetition, so the scan is linear in the length of the text. For speed, one
   scan of the case-folded text finds trigger words (month and weekday names,
   year-like numbers, unit words ...) and each rule runs only on windows around
   the triggers it needs (see ``_TRIGGER``).
2. Candidates are filtered by cheap guards (capitalised month and weekday
   names, "Resolution 2254", "$2016", "2016 troops" ...) and overlaps are
   resolved leftmost-longest.
3. The survivors are resolved in text order against the publication date
   (``anchor="publication"``), an explicit year (``"absolute"``) or the last
   date the text established (``"narrative"``: "two days later", "that year").
   Ambiguous references (weekdays, months without a year, quarters) use the
   tense of the surrounding clause: "will meet on Friday" -> the next Friday,
   "met on Friday" -> the previous one.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

__all__ = ["TemporalExpression", "extract_dates"]


@dataclass(frozen=True, slots=True)
class TemporalExpression:
    start: int
    end: int
    text: str
    value: str
    edtf: str
    earliest: date | None
    latest: date | None
    precision: str
    anchor: str

    def to_dict(self) -> dict:
        return {
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "value": self.value,
            "edtf": self.edtf,
            "earliest": self.earliest.isoformat() if self.earliest else None,
            "latest": self.latest.isoformat() if self.latest else None,
            "precision": self.precision,
            "anchor": self.anchor,
        }


# ---------------------------------------------------------------------------
# Vocabulary
# ---------------------------------------------------------------------------
_MONTHS = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4,
    "apr": 4, "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8,
    "september": 9, "sept": 9, "sep": 9, "october": 10, "oct": 10, "november": 11, "nov": 11,
    "december": 12, "dec": 12,
}  # fmt: skip
_WEEKDAYS = {
    "monday": 0, "mon": 0, "tuesday": 1, "tues": 1, "tue": 1, "wednesday": 2, "wed": 2,
    "thursday": 3, "thurs": 3, "thu": 3, "friday": 4, "fri": 4, "saturday": 5, "sat": 5,
    "sunday": 6, "sun": 6,
}  # fmt: skip
_NUMBERS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
    "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17,
    "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
    "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100,
    "a couple of": 2, "a couple": 2, "couple of": 2,
}  # fmt: skip
_ORDINALS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
    "eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13,
    "fourteenth": 14, "fifteenth": 15, "sixteenth": 16, "seventeenth": 17,
    "eighteenth": 18, "nineteenth": 19, "twentieth": 20, "twenty-first": 21,
    "twenty-second": 22, "twenty-third": 23, "twenty-fourth": 24, "twenty-fifth": 25,
    "twenty-sixth": 26, "twenty-seventh": 27, "twenty-eighth": 28, "twenty-ninth": 29,
    "thirtieth": 30, "thirty-first": 31,
    "1st": 1, "2nd": 2, "3rd": 3, "4th": 4, "last": 4,
}  # fmt: skip
_DECADE_WORDS = {
    "twenties": 2, "thirties": 3, "forties": 4, "fifties": 5, "sixties": 6,
    "seventies": 7, "eighties": 8, "nineties": 9,
}  # fmt: skip
_UNITS_TENS = {
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20,
    "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
    "ninety": 90,
}  # fmt: skip
_UNITS_ONES = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9,
}  # fmt: skip
_SEASONS = {"spring": "SP", "summer": "SU", "fall": "FA", "autumn": "FA", "winter": "WI"}
_SEASON_EDTF = {"SP": 21, "SU": 22, "FA": 23, "WI": 24}
_SEASON_MONTHS = {"SP": (3, 5), "SU": (6, 8), "FA": (9, 11), "WI": (12, 2)}

# ---------------------------------------------------------------------------
# Regex building blocks (used inside (?ix) patterns)
# ---------------------------------------------------------------------------
_MON = (
    r"(?:jan(?:uary|\.)?|feb(?:ruary|\.)?|mar(?:ch|\.)?|apr(?:il|\.)?|may|june?\.?|july?\.?"
    r"|aug(?:ust|\.)?|sep(?:t(?:ember)?)?\.?|oct(?:ober|\.)?|nov(?:ember|\.)?|dec(?:ember|\.)?)"
)
_WD = (
    r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday"
    r"|(?:mon|tues?|wed|thu(?:rs)?|fri|sat|sun)\.)"
)
_DAYNUM = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?(?![\d:.,]\d)"
_DAYORD = (
    r"(?:" + "|".join(sorted((k for k in _ORDINALS if k != "last"), key=len, reverse=True)) + ")"
)
_YEAR = r"(?:1[0-9]\d\d|20\d\d)"
_NUMW = (
    r"(?:\d{1,3}|a\s+couple\s+of|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven"
    r"|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty"
    r"(?:[- ](?:one|two|three|four|five|six|seven|eight|nine))?|thirty|forty|fifty|sixty"
    r"|seventy|eighty|ninety|hundred|several|a\s+few|few|some|many)"
)
_HEDGE = (
    r"(?:(?:about|around|some|nearly|almost|roughly|approximately|more\s+than|less\s+than"
    r"|over|under|just|only|at\s+least|barely|exactly|precisely)\s+)?"
)
_TOD = r"(?:\s+(?:morning|afternoon|evening|night))?"
_B = r"(?<![\w'])"  # left word boundary (no letter, digit, apostrophe)
_E = r"(?![\w])"  # right word boundary


def _c(pattern: str) -> str:
    """A rule's pattern, matched with IGNORECASE | VERBOSE (compiled on first use)."""
    return pattern


# Every rule: (name, compiled regex). The handler of the same name resolves a match.
_RULES: list[tuple[str, str]] = [
    # 2016-09-17
    (
        "iso",
        _c(r"(?<![\w./-])(?P<y>" + _YEAR + r")-(?P<m>[01]\d)-(?P<d>[0-3]\d)(?![\w/]|-\d|\.\d)"),
    ),
    # 17/09/2016, 09/17/2016, 17.09.2016, 9/17/16
    (
        "numeric",
        _c(
            r"(?<![\w./-])(?P<a>\d{1,2})(?P<sep>[/.])(?P<b>\d{1,2})(?P=sep)(?P<y>\d{4}|\d{2})"
            r"(?![\w/]|[.-]\d)"
        ),
    ),
    # [Saturday,] [the] 17[th] [of] September[,] [2016]  /  between 12 and 19 September
    (
        "dmy",
        _c(
            _B + r"(?:(?P<wd>" + _WD + r"),?\s+)?(?:the\s+)?"
            r"(?:(?P<d1>"
            + _DAYNUM
            + r"|"
            + _DAYORD
            + r")\s*(?P<rsep>-|–|\s+(?:to|and|until|till|through)\s+)"
            r"(?:the\s+)?)?"
            r"(?P<d>" + _DAYNUM + r"|" + _DAYORD + r")(?:\s+of)?\s+(?P<mon>" + _MON + r")"
            r"(?:,?\s+(?P<y>" + _YEAR + r")(?![\d-]))?" + _E
        ),
    ),
    # [Saturday,] September 17[th][,] [2016]  /  September 12-19 / September 12 to 19
    (
        "mdy",
        _c(
            _B + r"(?:(?P<wd>" + _WD + r"),?\s+)?(?P<mon>" + _MON + r")\s+(?:the\s+)?"
            r"(?P<d>" + _DAYNUM + r"|" + _DAYORD + r")"
            r"(?:\s*(?P<rsep>-|–|\s+(?:to|and|until|till|through)\s+)(?P<d2>" + _DAYNUM + r"))?"
            r"(?:,?\s+(?P<y>" + _YEAR + r")(?![\d-]))?" + _E
        ),
    ),
    # September 2016 / September of 2016 / Sept. '16
    (
        "my",
        _c(
            _B + r"(?:(?P<mod>early|mid|late|the\s+(?:end|beginning|start|middle)\s+of)[\s-]+)?"
            r"(?P<mon>" + _MON + r")(?:\s+of)?,?\s+(?P<y>" + _YEAR + r")(?![\d-])" + _E
        ),
    ),
    # (last|this|next|early|late|mid-...) September
    (
        "month",
        _c(
            _B + r"(?:(?P<rel>last|this|next|this\s+past|this\s+coming|that|the\s+same)\s+)?"
            r"(?:(?P<mod>early|mid|late|earlier|later|the\s+(?:end|beginning|start|middle)\s+of"
            r"|the\s+(?:first|last|second)\s+(?:half|week)\s+of)[\s-]+)?"
            r"(?:(?P<rel2>last|this|next)\s+)?"
            r"(?P<mon>january|february|march|april|may|june|july|august|september|october"
            r"|november|december|jan\.|feb\.|aug\.|sept?\.|oct\.|nov\.|dec\.)"
            r"(?:\s+(?P<yrel>last|this|next)\s+year)?" + _E
        ),
    ),
    # [last|next|this|early|late|earlier] Friday [morning|night]
    (
        "weekday",
        _c(
            _B + r"(?:(?P<rel>last|next|this(?:\s+(?:coming|past))?|coming|past|early|late|earlier"
            r"|later|(?:earlier|later)\s+on)\s+)?(?P<wd>" + _WD + r")" + _TOD + _E
        ),
    ),
    # today, yesterday, tomorrow, tonight, last night, the day before yesterday
    (
        "relday",
        _c(
            _B + r"(?:(?P<mod>early|late|earlier|later)\s+)?"
            r"(?P<w>today|yesterday|tomorrow|tonight|last\s+night|this\s+(?:morning|afternoon|evening)"
            r"|the\s+day\s+before\s+yesterday|the\s+day\s+after\s+tomorrow)" + _TOD + _E
        ),
    ),
    # N days ago, a week earlier, two years later, nearly four years ago
    (
        "ago",
        _c(
            _B + _HEDGE + r"(?P<n>" + _NUMW + r")\s+(?P<unit>days?|weeks?|months?|years?|decades?"
            r"|centuries|century|quarters?)(?:\s+or\s+(?:so|more|two|three))?"
            r"\s+(?P<dir>ago|earlier|later|before|after|from\s+now|hence|back|previously|prior)"
            + _E
        ),
    ),
    # the next day, the following week, the previous year, that day, the same day
    (
        "narrel",
        _c(
            _B + r"(?:(?P<mod>earlier|later|early|late)\s+)?"
            r"(?P<rel>the\s+(?:next|following|previous|preceding|prior|same)|that(?:\s+same)?"
            r"|the\s+day\s+(?:before|after)|a\s+day\s+(?:before|after|earlier|later))"
            r"(?:\s+(?P<unit>day|week|month|year|morning|afternoon|evening|night|weekend))?" + _E
        ),
    ),
    # last week, this month, next year, earlier this year, early next year, the past week
    (
        "deictic",
        _c(
            _B
            + r"(?:(?P<mod>earlier|later|early|late|mid|the\s+(?:end|beginning|start|middle)\s+of"
            r"|(?:by|until)\s+the\s+end\s+of)[\s-]+)?"
            r"(?P<rel>last|this|next|the\s+current|the\s+coming|the\s+latest|the\s+last|this\s+past"
            r"|the\s+past|the\s+previous|current|coming)\s+(?P<fiscal>fiscal\s+)?"
            r"(?P<unit>week|weekend|month|year|quarter|decade|century|spring|summer|fall|autumn"
            r"|winter)(?!-)" + _E
        ),
    ),
    # earlier in the year, later in the month
    (
        "inthe",
        _c(_B + r"(?P<mod>earlier|later)\s+(?:in|this)\s+the\s+(?P<unit>week|month|year|day)" + _E),
    ),
    # the end of the year, year-end, year's end, the weekend
    (
        "misc",
        _c(
            _B + r"(?P<w>(?:the\s+)?(?:end|beginning|start|middle|turn)\s+of\s+the\s+"
            r"(?:year|month|week)|year-end|year's\s+end|(?:the|this|last|next)\s+weekend|(?:the\s+)?new\s+year)"
            + _E
        ),
    ),
    # the third quarter [of 2016], third-quarter, the 1988 second quarter, the first half
    (
        "quarter",
        _c(
            _B + r"(?:(?P<the>the|this|last|next)\s+)?"
            r"(?:(?P<py>" + _YEAR + r"|year-earlier|year-ago|last\s+year's|this\s+year's"
            r"|next\s+year's|(?:" + _YEAR + r"|last\s+year|this\s+year|next\s+year)'s)\s+)?"
            r"(?:(?:fiscal|calendar|latest|current|same|flat|strong|weak)[\s-]+)?"
            r"(?P<ord>first|second|third|fourth|1st|2nd|3rd|4th|final|last)[\s-]+"
            r"(?P<unit>quarter|half|quarters)(?!-)"
            r"(?:\s+of\s+(?:(?P<y>"
            + _YEAR
            + r")|(?P<yrel>this|last|next)\s+year|fiscal\s+(?P<fy>"
            + _YEAR
            + r")))?"
            + _E
        ),
    ),
    # third-quarter (adjective), fourth-quarter
    (
        "qadj",
        _c(
            _B
            + r"(?:fiscal\s+)?(?P<ord>first|second|third|fourth)-(?P<unit>quarter|half)(?=[\s,.;])"
        ),
    ),
    # the quarter, the latest quarter, this quarter, the year-ago quarter, the same period last year
    (
        "thequarter",
        _c(
            _B + r"(?P<w>(?:the|this|that)\s+(?:latest\s+|current\s+|recent\s+|most\s+recent\s+"
            r"|year-earlier\s+|year-ago\s+|same\s+|comparable\s+|fiscal\s+)?(?:quarter|period)"
            r"(?:\s+(?:a\s+year\s+(?:ago|earlier)|last\s+year))?"
            r"|(?:the\s+)?year-(?:earlier|ago)(?:\s+(?:quarter|period))?)" + _E
        ),
    ),
    # 2016, fiscal 2016, mid-2016, early 2016, the end of 2016, the year 2016, 2015-16
    (
        "year",
        _c(
            r"(?<![\w$£€#./:'-])(?:(?P<mod>early|mid|late|pre|post|the\s+(?:end|beginning|start|middle|first\s+half"
            r"|second\s+half|spring|summer|fall|autumn|winter)\s+of|(?:spring|summer|fall|autumn"
            r"|winter)(?:\s+of)?|fiscal|calendar|the\s+year|(?:the\s+)?(?:fiscal|calendar)\s+year)"
            r"[\s-]+)?(?P<y>" + _YEAR + r")(?P<y2>[-–/](?:" + _YEAR + r"|\d\d))?(?![\w%-]|[.,:/]\d)"
        ),
    ),
    # the 1990s, the late 1970s, the '80s, the nineties, the mid-1990s
    (
        "decade",
        _c(
            r"(?<![\w$#])(?:the\s+)?(?:(?P<mod>early|mid|late)[\s-]+)?"
            r"(?:(?P<dec>1\d\d0|20\d0)'?s|'(?P<d2>\d)0'?s|(?:nineteen[\s-]+)?(?P<dw>twenties|thirties|forties"
            r"|fifties|sixties|seventies|eighties|nineties))" + _E
        ),
    ),
    # the 20th century, the eleventh century
    (
        "century",
        _c(
            _B + r"(?:the\s+)?(?:(?P<mod>early|mid|late)[\s-]+)?(?P<n>\d{1,2})(?:st|nd|rd|th)"
            r"[\s-]+century"
            + _E
            + r"|"
            + _B
            + r"(?:the\s+)?(?P<nw>eleventh|twelfth|thirteenth|fourteenth|fifteenth"
            r"|sixteenth|seventeenth|eighteenth|nineteenth|twentieth|twenty-first)[\s-]+century"
            + _E
        ),
    ),
    # seasons: this summer, last fall, the winter, in spring
    (
        "season",
        _c(
            _B + r"(?:(?P<rel>this\s+past|this\s+coming|this|last|next|the|early|late|mid|during|in"
            r"|since|until|by)[\s-]+)?(?:(?P<mod>early|late|mid)[\s-]+)?"
            r"(?P<s>spring|summer|fall|autumn|winter)(?!-)" + _E
        ),
    ),
    # now, currently, current, recently, the past, the future, soon ...
    (
        "ref",
        _c(
            _B + r"(?P<w>(?:right\s+|just\s+|even\s+)?now"
            r"|currently|at\s+present|nowadays|these\s+days"
            r"|(?:more\s+|most\s+|only\s+|very\s+)?recently"
            r"|(?:in\s+)?recent\s+(?:days|weeks|months|years|decades|times)"
            r"|the\s+past\s+(?:few|several)\s+(?:days|weeks|months|years|decades)"
            r"|the\s+past(?!\s+(?:\d|few|several|couple|two|three|four|five|six|seven|eight"
            r"|nine|ten|twelve|day|week|weekend|month|year|decade|century|quarter|spring|summer"
            r"|fall|autumn|winter|[a-z]+s\b))|the\s+(?:near\s+|distant\s+)?future"
            r"|(?:the\s+)?coming\s+(?:days|weeks|months|years|decades)"
            r"|current|recent)" + _E
        ),
    ),
    # spelled years: nineteen ninety-six, two thousand
    (
        "wyear",
        _c(
            _B + r"(?:the\s+year\s+)?(?P<c>nineteen|eighteen|twenty)[\s-]+(?P<t>ten|eleven|twelve"
            r"|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty"
            r"|fifty|sixty|seventy|eighty|ninety)(?:[\s-]+(?P<o>one|two|three|four|five|six|seven"
            r"|eight|nine))?" + _E + r"|" + _B + r"(?:the\s+year\s+)?two\s+thousand(?:\s+and\s+"
            r"(?P<o2>one|two|three|four|five|six|seven|eight|nine|ten))?" + _E
        ),
    ),
    # on the 17th
    (
        "theday",
        _c(
            _B + r"the\s+(?P<d>[12]\d|3[01]|0?[1-9])"
            r"(?:st|nd|rd|th)(?=\s*[,.;)]|\s+(?:and|to|or|when|at|in)\b)"
        ),
    ),
    # holidays: Thanksgiving Day, last Christmas, New Year's Eve, Election Day
    (
        "holiday",
        _c(
            _B + r"(?:(?P<rel>last|next|this)\s+)?(?P<h>christmas(?:\s+(?:day|eve))?"
            r"|new\s+year['’]s\s+(?:day|eve)|thanksgiving(?:\s+day)?|independence\s+day"
            r"|election\s+day|halloween|valentine['’]s\s+day|memorial\s+day|labou?r\s+day"
            r"|veterans['’]?\s+day|easter(?:\s+(?:sunday|week))?)" + _E
        ),
    ),
    # from Monday to Wednesday
    (
        "wdrange",
        _c(
            _B + r"(?:from|between)\s+(?P<wd1>" + _WD + r")\s+(?:to|and|until|till|through)\s+"
            r"(?P<wd2>" + _WD + r")" + _E
        ),
    ),
]

_RANGE_WORDS = ("from", "between")
_NUMBER_CONTEXT = re.compile(
    r"(?:resolution|no\.?|number|nos\.?|page|pages|flight|route|article|room|model|section"
    r"|code|highway|interstate|suite|unit|box|tel\.?|phone|fax|ext\.?|over|under|about|than|some"
    r"|nearly|almost|roughly|approximately|least|around|top|to|by|and|from|of|the|up|down|with"
    r"|zip|patent|bill|act|s\.|h\.r\.|motion|case|file|list|item|account|#)\s*$",
    re.IGNORECASE,
)
_YEAR_OK_BEFORE = re.compile(
    r"(?:in|since|of|by|until|till|from|to|and|before|after|during|early|late|mid|fiscal|year"
    r"|through|between|the|for|or|than|as|at|until|circa|c\.)\s*$",
    re.IGNORECASE,
)
_COUNT_NOUN_AFTER = re.compile(
    r"\s*(?:[a-z]+\s+){0,1}(?:people|persons|troops|soldiers|men|women|children|civilians|fighters"
    r"|killed|dead|deaths|casualties|refugees|police|officers|members|militants|rebels|workers"
    r"|employees|residents|votes|voters|seats|cases|units|vehicles|tanks|planes|aircraft|jets"
    r"|missiles|rockets|bombs|shares|barrels|tons|tonnes|km|kilometers|kilometres|miles|meters"
    r"|metres|feet|ft|kg|pounds|dollars|euros|yen|percent|per\s+cent|points|acres|hectares"
    r"|words|pages|times|rounds|strikes|airstrikes|sorties|hours|minutes|seconds|cars|homes"
    r"|houses|buildings|students|patients|jobs|sq|square|calories|degrees|yards|mph|kph|a\.m"
    r"|p\.m|am\b|pm\b|hrs|gmt|utc|edt|est|local\s+time|dead|injured|wounded)\b",
    re.IGNORECASE,
)
_FUTURE_RE = re.compile(
    r"\b(?:will|won't|shall|'ll|going\s+to|(?:is|are)\s+(?:due\s+)?to|plans?\s+to|planning\s+to"
    r"|scheduled|expected\s+to|expects?\s+to|due\s+to|intends?\s+to|aims?\s+to|set\s+to"
    r"|upcoming|next|would|planned\s+to|as\s+(?:soon|early)\s+as|hopes?\s+to|wants?\s+to|promised\s+to|would\s+be\s+held|to\s+be\s+held)\b",
    re.IGNORECASE,
)
_PAST_RE = re.compile(
    # a participle after "be" ("will be named", "is to be held") is no past tense
    r"\b(?<!\bbe )(?:was|were|had|did|said|told|ago|earlier|last|been|went|came|met|began|took|made"
    r"|gave|held|fell|rose|won|lost|left|saw|found|got|hit|struck|since"
    r"|(?-i:(?!(?:need|indeed|hundred|speed|proceed|succeed|exceed|embed|breed)\b)[a-z]{2,}ed))\b",
    re.IGNORECASE,
)
# "by February", "through January": a deadline or the end of a span; the clause's tense
# says little about its year ("extended the loans through January"), so the nearest one
_DEADLINE_BEFORE = re.compile(r"\b(?:by|until|till|through)\s+$", re.IGNORECASE)
# "compared with $3 million last year" in a paragraph about a quarter: that quarter a
# year before (TimeBank's reading of financial comparisons, like "a year ago")
_COMPARISON_BEFORE = re.compile(
    r"\b(?:compared\s+with|compared\s+to|from|than|versus|vs\.?)\s[^.;,]*$", re.IGNORECASE
)
_SENT_END = re.compile(r"[.!?\n;][\s\"')\]]*(?=\s|$)|\n")


# ---------------------------------------------------------------------------
# Resolved values
# ---------------------------------------------------------------------------
@dataclass(slots=True)
class _R:
    value: str
    edtf: str
    earliest: date | None
    latest: date | None
    precision: str
    anchor: str
    # narrative bookkeeping
    gran: str = ""  # day/week/month/quarter/half/season/year/decade/century/ref
    year: int = 0
    sub: int = 0  # month, quarter, week number ...
    derived: bool = False  # a comparison ("a year ago"): does not move the narrative


def _last_day(y: int, m: int) -> date:
    return date(y, m, calendar.monthrange(y, m)[1])


def _r_day(d: date, anchor: str, approx: int = 0) -> _R:
    if approx:
        return _R(
            d.isoformat(),
            d.isoformat() + "~",
            d - timedelta(days=approx),
            d + timedelta(days=approx),
            "approximate",
            anchor,
            "day",
            d.year,
            d.month,
        )
    return _R(d.isoformat(), d.isoformat(), d, d, "day", anchor, "day", d.year, d.month)


def _r_month(y: int, m: int, anchor: str) -> _R:
    v = f"{y:04d}-{m:02d}"
    return _R(v, v, date(y, m, 1), _last_day(y, m), "month", anchor, "month", y, m)


def _r_year(y: int, anchor: str) -> _R:
    return _R(f"{y:04d}", f"{y:04d}", date(y, 1, 1), date(y, 12, 31), "year", anchor, "year", y)


def _r_week(d: date, anchor: str) -> _R:
    iy, iw, _ = d.isocalendar()
    mon = date.fromisocalendar(iy, iw, 1)
    sun = mon + timedelta(days=6)
    return _R(
        f"{iy:04d}-W{iw:02d}",
        f"{mon.isoformat()}/{sun.isoformat()}",
        mon,
        sun,
        "week",
        anchor,
        "week",
        iy,
        iw,
    )


def _r_weekend(d: date, anchor: str) -> _R:
    iy, iw, _ = d.isocalendar()
    sat = date.fromisocalendar(iy, iw, 6)
    sun = sat + timedelta(days=1)
    return _R(
        f"{iy:04d}-W{iw:02d}-WE",
        f"{sat.isoformat()}/{sun.isoformat()}",
        sat,
        sun,
        "week",
        anchor,
        "week",
        iy,
        iw,
    )


def _r_part_of_year(y: int, n: int, anchor: str, *, months: int, letter: str, kind: str) -> _R:
    """The n-th quarter (3 months, "Q") or half (6 months, "H") of year y."""
    m1 = months * (n - 1) + 1
    last = m1 + months - 1
    return _R(
        f"{y:04d}-{letter}{n}",
        f"{y:04d}-{m1:02d}/{y:04d}-{last:02d}",
        date(y, m1, 1),
        _last_day(y, last),
        "quarter",
        anchor,
        kind,
        y,
        n,
    )


def _r_quarter(y: int, q: int, anchor: str) -> _R:
    return _r_part_of_year(y, q, anchor, months=3, letter="Q", kind="quarter")


def _r_half(y: int, h: int, anchor: str) -> _R:
    return _r_part_of_year(y, h, anchor, months=6, letter="H", kind="half")


def _r_season(y: int, code: str, anchor: str) -> _R:
    a, b = _SEASON_MONTHS[code]
    if code == "WI":  # winter of y: December y .. February y+1
        first, last = date(y, 12, 1), _last_day(y + 1, 2)
    else:
        first, last = date(y, a, 1), _last_day(y, b)
    return _R(
        f"{y:04d}-{code}",
        f"{y:04d}-{_SEASON_EDTF[code]}",
        first,
        last,
        "season",
        anchor,
        "season",
        y,
    )


def _r_decade(d3: int, anchor: str) -> _R:
    y = d3 * 10
    return _R(
        f"{d3:03d}", f"{d3:03d}X", date(y, 1, 1), date(y + 9, 12, 31), "decade", anchor, "decade", y
    )


def _r_century(c2: int, anchor: str) -> _R:
    y = max(c2 * 100, 1)
    return _R(
        f"{c2:02d}", f"{c2:02d}XX", date(y, 1, 1), date(c2 * 100 + 99, 12, 31), "decade", anchor,
        "century", y,
    )  # fmt: skip


def _r_ref(kind: str, ref: date | None) -> _R:
    if kind == "PRESENT_REF":
        edtf = ref.isoformat() if ref else ""
        return _R(kind, edtf, ref, ref, "day", "publication", "ref")
    if kind == "PAST_REF":
        edtf = f"../{ref.isoformat()}" if ref else ".."
        return _R(kind, edtf, None, ref, "approximate", "publication", "ref")
    edtf = f"{ref.isoformat()}/.." if ref else ".."
    return _R(kind, edtf, ref, None, "approximate", "publication", "ref")


# ---------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------
def _month_num(word: str) -> int | None:
    w = word.lower().rstrip(".")
    return _MONTHS.get(w) or _MONTHS.get(w[:3]) if w else None


def _weekday_num(word: str) -> int | None:
    w = word.lower().rstrip(".")
    return _WEEKDAYS.get(w)


def _day_num(word: str) -> int | None:
    w = word.lower()
    if w in _ORDINALS and w != "last":
        return _ORDINALS[w]
    digits = re.match(r"\d+", w)
    return int(digits.group()) if digits else None


def _number(word: str) -> int | None:
    w = " ".join(word.lower().split())
    if w.isdigit():
        return int(w)
    if w in _NUMBERS:
        return _NUMBERS[w]
    parts = re.split(r"[- ]", w)
    if len(parts) == 2 and parts[0] in _NUMBERS and parts[1] in _NUMBERS:
        return _NUMBERS[parts[0]] + _NUMBERS[parts[1]]
    return None


def _safe_date(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


def _add_months(y: int, m: int, n: int) -> tuple[int, int]:
    total = y * 12 + (m - 1) + n
    return total // 12, total % 12 + 1


def _shift_years(d: date, n: int) -> date:
    y = d.year + n
    if not 1 <= y <= 9999:
        raise ValueError("year out of range")
    return d.replace(year=y, day=min(d.day, calendar.monthrange(y, d.month)[1]))


def _is_cap(word: str) -> bool:
    return bool(word) and word[0].isupper()


class _Context:
    """Per-call state: text, reference date, narrative date, sentence bounds."""

    __slots__ = ("day_first", "last", "narr", "published", "quarter", "quarter_pos", "text")

    def __init__(self, text: str, published: date | None, day_first: bool) -> None:
        self.text = text
        self.published = published
        self.day_first = day_first
        self.narr: date | None = None  # last day-or-coarser date established in the text
        self.last: _R | None = None  # last resolved expression with a calendar value
        self.quarter: _R | None = None  # the quarter the text is talking about
        self.quarter_pos = -(10**9)

    def topic_quarter(self, pos: int) -> _R | None:
        return self.quarter if pos - self.quarter_pos < 2000 else None

    @property
    def ref(self) -> date | None:
        return self.published or self.narr

    @property
    def ref_anchor(self) -> str:
        return "publication" if self.published else "narrative"

    def tense(self, start: int, end: int) -> str | None:
        """'past' / 'future' / None from the nearest tense marker in the clause."""
        text = self.text
        lo = max(0, start - 150)
        left = text[lo:start]
        cut = max(left.rfind(". "), left.rfind("\n"), left.rfind("? "), left.rfind("! "))
        if cut >= 0:
            left = left[cut + 1 :]
        right = text[end : end + 100]
        m = _SENT_END.search(right)
        if m:
            right = right[: m.start()]
        best: tuple[int, str] | None = None
        # the nearest marker: the last one on the left, the first one on the right
        # (a marker on the right counts as 5 characters further away)
        for rx, label in ((_FUTURE_RE, "future"), (_PAST_RE, "past")):
            found = list(rx.finditer(left))
            if found:
                dist = len(left) - found[-1].end()
                if best is None or dist < best[0]:
                    best = (dist, label)
        for rx, label in ((_FUTURE_RE, "future"), (_PAST_RE, "past")):
            first = rx.search(right)
            if first is not None:
                dist = first.start() + 5
                if best is None or dist < best[0]:
                    best = (dist, label)
        return best[1] if best else None


# ---------------------------------------------------------------------------
# Resolution of partial references against the reference date
# ---------------------------------------------------------------------------
def _pick_year_for_month_day(ref: date, m: int, d: int, tense: str | None) -> date | None:
    """The nearest such day; a clear tense may move it a year when the day is not close."""
    options = [x for x in (_safe_date(ref.year + k, m, d) for k in (-1, 0, 1)) if x]
    if not options:
        return None
    best = min(options, key=lambda x: abs((x - ref).days))
    if tense == "past" and (best - ref).days > 7:
        alt = [x for x in options if x <= ref and (ref - x).days <= 300]
        if alt:
            return max(alt)
    elif tense == "future" and (ref - best).days > 7:
        alt = [x for x in options if x >= ref and (x - ref).days <= 300]
        if alt:
            return min(alt)
    return best


def _pick_year_for_month(ref: date, m: int, tense: str | None) -> int:
    """The nearest such month; a clear tense may move it a year."""
    diff = m - ref.month
    if diff > 6:
        y = ref.year - 1
    elif diff < -6:
        y = ref.year + 1
    else:
        y = ref.year
    months_ahead = (y - ref.year) * 12 + diff
    if tense == "past" and months_ahead > 0 and months_ahead < 12:
        return y - 1 if months_ahead >= 2 else y
    if tense == "future" and months_ahead < 0 and months_ahead > -12:
        return y + 1 if months_ahead <= -2 else y
    return y


def _weekday_date(ref: date, wd: int, rel: str, tense: str | None) -> date:
    delta = (wd - ref.weekday()) % 7  # days forward to next such weekday (0 = same day)
    rel = " ".join(rel.lower().split())
    if rel in ("last", "past", "this past"):
        return ref - timedelta(days=(7 - delta) if delta else 7)
    if rel in ("next", "coming", "this coming"):
        return ref + timedelta(days=delta or 7)
    if delta == 0:
        return ref
    if rel == "this":
        tense = tense or "future"
    if tense == "future":
        return ref + timedelta(days=delta)
    return ref - timedelta(days=7 - delta)


def _season_year(ref: date, code: str, tense: str | None) -> int:
    cur = {12: "WI", 1: "WI", 2: "WI", 3: "SP", 4: "SP", 5: "SP", 6: "SU", 7: "SU", 8: "SU"}.get(
        ref.month, "FA"
    )
    order = ["WI", "SP", "SU", "FA"]
    ci, si = order.index(cur), order.index(code)
    base = ref.year - 1 if code == "WI" and ref.month in (1, 2) else ref.year
    if si == ci:
        return base if code == "WI" else ref.year
    if tense == "future" and si < ci:
        return ref.year + (0 if code == "WI" else 1)
    if tense == "past" and si > ci:
        return ref.year - 1
    return ref.year if code != "WI" else base


# ---------------------------------------------------------------------------
# Handlers: (match, ctx) -> _R | None
# ---------------------------------------------------------------------------
class _Impossible(Exception):
    """A well-formed date that does not exist (31 February): the span is no date at all."""


def _h_iso(m: re.Match[str], ctx: _Context) -> _R | None:
    d = _safe_date(int(m["y"]), int(m["m"]), int(m["d"]))
    if d is None:
        raise _Impossible
    return _r_day(d, "absolute")


def _h_numeric(m: re.Match[str], ctx: _Context) -> _R | None:
    a, b, ys = int(m["a"]), int(m["b"]), m["y"]
    if m["sep"] == "." and len(ys) != 4:
        return None
    y = int(ys)
    if len(ys) == 2:
        y += 2000 if y < 50 else 1900
    if not 1000 <= y <= 2199:
        return None
    day, mon = (a, b) if ctx.day_first else (b, a)
    if mon > 12 and day <= 12:  # unambiguous the other way round
        day, mon = mon, day
    d = _safe_date(y, mon, day)
    return _r_day(d, "absolute") if d else None


def _resolve_month_day(
    ctx: _Context, mon: int, day: int, year: str | None, start: int, end: int
) -> tuple[date, str] | None:
    if year:
        d = _safe_date(int(year), mon, day)
        if d is None:
            raise _Impossible
        return d, "absolute"
    if day > (29 if mon == 2 else calendar.monthrange(2016, mon)[1]):
        raise _Impossible
    ref = ctx.ref
    if ref is None:
        return None
    d = _pick_year_for_month_day(ref, mon, day, ctx.tense(start, end))
    return (d, ctx.ref_anchor) if d else None


def _h_dm(m: re.Match[str], ctx: _Context) -> _R | None:
    mon = _month_num(m["mon"])
    day = _day_num(m["d"])
    if mon is None or day is None:
        return None
    text_mon = m["mon"]
    if not _is_cap(text_mon):
        return None
    # bare day number with a short month word ("3 mar") is too weak without a year
    short = text_mon.lower().rstrip(".") in ("mar", "jun", "jul", "sep")
    if short and not text_mon.endswith(".") and not m["y"]:
        return None
    res = _resolve_month_day(ctx, mon, day, m["y"], m.start(), m.end())
    if res is None:
        return None
    d, anchor = res
    first = m["d1"] if "d1" in m.re.groupindex else None
    second = m["d2"] if "d2" in m.re.groupindex else None
    other = first or second
    if other:
        n = _day_num(other)
        od = _safe_date(d.year, mon, n) if n else None
        if od is None:
            return None
        lo, hi = (od, d) if first else (d, od)
        if hi < lo:
            return None
        return _R(
            lo.isoformat(),
            f"{lo.isoformat()}/{hi.isoformat()}",
            lo,
            hi,
            "day",
            anchor,
            "day",
            lo.year,
            lo.month,
        )
    return _r_day(d, anchor)


def _h_my(m: re.Match[str], ctx: _Context) -> _R | None:
    mon = _month_num(m["mon"])
    if mon is None or not _is_cap(m["mon"]):
        return None
    return _r_month(int(m["y"]), mon, "absolute")


def _h_month(m: re.Match[str], ctx: _Context) -> _R | None:
    word = m["mon"]
    mon = _month_num(word)
    if mon is None or not _is_cap(word):
        return None
    rel = (m["rel"] or m["rel2"] or "").lower()
    rel = " ".join(rel.split())
    if word.lower() == "may" and not (rel or m["mod"] or m["yrel"]):
        # "May" alone: only after a preposition that takes a date
        before = ctx.text[max(0, m.start() - 12) : m.start()].lower()
        if not re.search(
            r"\b(?:in|since|until|till|by|during|from|of|through|before|after)\s+$", before
        ):
            return None
    if word.lower() == "march" and not (rel or m["mod"] or m["yrel"]):
        before = ctx.text[max(0, m.start() - 12) : m.start()].lower()
        if not re.search(
            r"\b(?:in|since|until|till|by|during|from|of|through|before|after|and|or|to)\s+$",
            before,
        ):
            return None
    ref = ctx.ref
    if ref is None:
        return None
    yrel = (m["yrel"] or "").lower()
    if yrel:
        y = ref.year + {"last": -1, "this": 0, "next": 1}[yrel]
    elif rel in ("last", "this past"):
        y = ref.year - 1 if mon >= ref.month else ref.year
    elif rel in ("next", "this coming"):
        y = ref.year + 1 if mon <= ref.month else ref.year
    elif rel in ("that", "the same") and ctx.narr:
        y = ctx.narr.year
        return _r_month(y, mon, "narrative")
    elif rel == "this":
        y = ref.year
    else:
        tense = ctx.tense(m.start(), m.end())
        if _DEADLINE_BEFORE.search(ctx.text, max(0, m.start() - 10), m.start()):
            tense = None
        y = _pick_year_for_month(ref, mon, tense)
    return _r_month(y, mon, ctx.ref_anchor)


def _h_weekday(m: re.Match[str], ctx: _Context) -> _R | None:
    word = m["wd"]
    if not _is_cap(word):
        return None
    wd = _weekday_num(word)
    ref = ctx.ref
    if wd is None or ref is None:
        return None
    rel = (m["rel"] or "").lower()
    if rel in ("early", "late", "earlier", "later", "earlier on", "later on"):
        rel = ""
    # "Wednesday's ruling": an event already reported
    possessive = ctx.text.startswith("'s", m.end())
    tense = "past" if possessive else ctx.tense(m.start(), m.end())
    d = _weekday_date(ref, wd, rel, tense)
    return _r_day(d, ctx.ref_anchor)


def _h_wdrange(m: re.Match[str], ctx: _Context) -> _R | None:
    ref = ctx.ref
    if ref is None or not (_is_cap(m["wd1"]) and _is_cap(m["wd2"])):
        return None
    w1, w2 = _weekday_num(m["wd1"]), _weekday_num(m["wd2"])
    if w1 is None or w2 is None:
        return None
    lo = _weekday_date(ref, w1, "", ctx.tense(m.start(), m.end()))
    hi = lo + timedelta(days=(w2 - w1) % 7)
    return _R(
        lo.isoformat(),
        f"{lo.isoformat()}/{hi.isoformat()}",
        lo,
        hi,
        "day",
        ctx.ref_anchor,
        "day",
        lo.year,
        lo.month,
    )


def _h_relday(m: re.Match[str], ctx: _Context) -> _R | None:
    ref = ctx.ref
    if ref is None:
        return None
    w = " ".join(m["w"].lower().split())
    shift = {
        "yesterday": -1,
        "tomorrow": 1,
        "last night": -1,
        "the day before yesterday": -2,
        "the day after tomorrow": 2,
    }.get(w, 0)
    return _r_day(ref + timedelta(days=shift), ctx.ref_anchor)


def _unit_shift(ctx: _Context, base: date, unit: str, n: int, sign: int, anchor: str) -> _R | None:
    unit = unit.lower().rstrip("s")
    if unit == "centurie":
        unit = "century"
    try:
        if unit == "day":
            return _r_day(base + timedelta(days=sign * n), anchor)
        if unit == "week":
            return _r_day(base + timedelta(weeks=sign * n), anchor, approx=min(max(n, 1), 3))
        if unit == "month":
            y, mo = _add_months(base.year, base.month, sign * n)
            return _r_month(y, mo, anchor)
        if unit == "quarter":
            q = (base.month - 1) // 3
            total = base.year * 4 + q + sign * n
            return _r_quarter(total // 4, total % 4 + 1, anchor)
        if unit == "year":
            return _r_year(base.year + sign * n, anchor)
        if unit == "decade":
            return _r_year(base.year + sign * 10 * n, anchor)
        if unit == "century":
            return _r_century((base.year + sign * 100 * n) // 100, anchor)
    except (ValueError, OverflowError):
        return None
    return None


def _h_ago(m: re.Match[str], ctx: _Context) -> _R | None:
    nword = " ".join(m["n"].lower().split())
    direction = " ".join(m["dir"].lower().split())
    if direction in ("before", "after", "prior") and not re.match(
        r"\s*(?:[,.;:!?)\"']|--|$|and\b|but\b|when\b)", ctx.text[m.end() : m.end() + 8]
    ):
        return None  # "two days after the truce began": a duration before an event
    sign = 1 if direction in ("later", "after", "from now", "hence") else -1
    if nword in ("several", "a few", "few", "some", "many"):
        return _r_ref("FUTURE_REF" if sign > 0 else "PAST_REF", ctx.ref)
    n = _number(nword)
    if n is None or n > 5000:
        return None
    if direction in ("ago", "from now", "hence", "back"):
        base, anchor = ctx.ref, ctx.ref_anchor
        if ctx.published is None:
            anchor = "narrative"
    else:
        base, anchor = (ctx.narr, "narrative") if ctx.narr else (ctx.ref, ctx.ref_anchor)
    if base is None:
        return None
    # "a year ago" in a paragraph about quarters: the same quarter a year before
    topic = ctx.topic_quarter(m.start())
    if n == 1 and m["unit"].lower() == "year" and topic is not None:
        res = _r_quarter(topic.year - 1, topic.sub, anchor)
    elif direction not in ("ago", "from now", "hence", "back"):
        res = _unit_shift(ctx, base, m["unit"], n, sign, "narrative")
    else:
        res = _unit_shift(ctx, base, m["unit"], n, sign, anchor)
    if res is not None and m["unit"].lower().startswith(("year", "quarter")):
        res.derived = True
    return res


def _h_narrel(m: re.Match[str], ctx: _Context) -> _R | None:
    rel = " ".join(m["rel"].lower().split())
    unit = (m["unit"] or "").lower()
    if rel.startswith(("the day ", "a day ")):
        if unit:
            return None
        unit = "day"
        shift = -1 if rel.endswith(("before", "earlier")) else 1
    elif not unit:
        return None
    elif rel in ("the next", "the following"):
        shift = 1
    elif rel in ("the previous", "the preceding", "the prior"):
        shift = -1
    else:  # that, the same, that same
        shift = 0
    if unit in ("morning", "afternoon", "evening", "night"):
        unit = "day"
    base = ctx.narr
    anchor = "narrative"
    if base is None:
        if shift == 0 or ctx.ref is None:
            return None
        base, anchor = ctx.ref, ctx.ref_anchor
    try:
        if unit == "day":
            return _r_day(base + timedelta(days=shift), anchor)
        if unit in ("week", "weekend"):
            d = base + timedelta(weeks=shift)
            return _r_weekend(d, anchor) if unit == "weekend" else _r_week(d, anchor)
        if unit == "month":
            y, mo = _add_months(base.year, base.month, shift)
            return _r_month(y, mo, anchor)
        if unit == "year":
            return _r_year(base.year + shift, anchor)
    except (ValueError, OverflowError):
        return None
    return None


def _h_deictic(m: re.Match[str], ctx: _Context) -> _R | None:
    ref = ctx.ref
    if ref is None:
        return None
    rel = " ".join(m["rel"].lower().split())
    unit = m["unit"].lower()
    anchor = ctx.ref_anchor
    if rel in ("the past", "the last", "this past") and unit not in _SEASONS:
        if unit in ("decade",) and rel in ("the last", "the past"):
            return _r_decade((ref.year - 10) // 10, anchor)
        return None  # "the past year": a duration, not a date
    if rel == "last" and unit == "year" and not m["mod"]:
        topic = ctx.topic_quarter(m.start())
        if topic is not None and _COMPARISON_BEFORE.search(
            ctx.text, max(0, m.start() - 60), m.start()
        ):
            res = _r_quarter(topic.year - 1, topic.sub, anchor)
            res.derived = True
            return res
    if rel in ("last", "the previous"):
        shift = -1
    elif rel in ("next", "the coming"):
        shift = 1
    else:  # this, the current, current, the latest
        shift = 0
    if rel == "the latest" and unit not in ("quarter",):
        return None
    if rel == "coming" and unit != "week":
        return None
    try:
        if unit == "week":
            return _r_week(ref + timedelta(weeks=shift), anchor)
        if unit == "weekend":
            base = ref + timedelta(weeks=shift)
            return _r_weekend(base, anchor)
        if unit == "month":
            y, mo = _add_months(ref.year, ref.month, shift)
            return _r_month(y, mo, anchor)
        if unit == "year":
            return _r_year(ref.year + shift, anchor)
        if unit == "quarter":
            q = (ref.month - 1) // 3
            if rel == "the latest":
                q -= 1
            total = ref.year * 4 + q + shift
            return _r_quarter(total // 4, total % 4 + 1, anchor)
        if unit == "decade":
            return _r_decade(ref.year // 10 + shift, anchor)
        if unit == "century":
            return _r_century(ref.year // 100 + shift, anchor)
        if unit in _SEASONS:
            code = _SEASONS[unit]
            if rel in ("last", "this past", "the past", "the last", "the previous"):
                y = ref.year - 1 if rel == "last" else _season_year(ref, code, "past")
            elif rel in ("next", "the coming"):
                y = _season_year(ref, code, "future")
            else:
                y = ref.year if code != "WI" or ref.month == 12 else ref.year - (ref.month <= 2)
            return _r_season(y, code, anchor)
    except (ValueError, OverflowError):
        return None
    return None


def _h_inthe(m: re.Match[str], ctx: _Context) -> _R | None:
    ref = ctx.ref
    if ref is None:
        return None
    unit = m["unit"].lower()
    if unit == "year":
        return _r_year(ref.year, ctx.ref_anchor)
    if unit == "month":
        return _r_month(ref.year, ref.month, ctx.ref_anchor)
    if unit == "week":
        return _r_week(ref, ctx.ref_anchor)
    return _r_day(ref, ctx.ref_anchor)


def _h_misc(m: re.Match[str], ctx: _Context) -> _R | None:
    ref = ctx.ref
    if ref is None:
        return None
    w = " ".join(m["w"].lower().split())
    anchor = ctx.ref_anchor
    if "weekend" in w:
        tense = ctx.tense(m.start(), m.end())
        if w.startswith("last"):
            base = ref - timedelta(days=ref.weekday() + 1)
        elif w.startswith("next"):
            base = ref + timedelta(days=7 - ref.weekday() + 5)
        elif ref.weekday() >= 5:
            base = ref
        elif tense == "future" or w.startswith("this"):
            base = ref + timedelta(days=5 - ref.weekday())
        else:
            base = ref - timedelta(days=ref.weekday() + 1)
        return _r_weekend(base, anchor)
    if "new year" in w:
        return None
    if w.endswith("month"):
        return _r_month(ref.year, ref.month, anchor)
    if w.endswith("week"):
        return _r_week(ref, anchor)
    return _r_year(ref.year, anchor)


def _quarter_year(ctx: _Context, q: int, unit: str, start: int, end: int) -> int | None:
    ref = ctx.ref
    if ref is None:
        return None
    cur = (ref.month - 1) // 3 + 1 if unit == "quarter" else (ref.month - 1) // 6 + 1
    if q <= cur:
        return ref.year
    return ref.year if ctx.tense(start, end) == "future" else ref.year - 1


def _h_quarter(m: re.Match[str], ctx: _Context) -> _R | None:
    unit = m["unit"].lower()
    if unit == "quarters":
        return None
    ordw = m["ord"].lower()
    q = (4 if unit == "quarter" else 2) if ordw in ("final", "last") else _ORDINALS.get(ordw, 0)
    if (unit == "half" and q > 2) or q < 1 or q > 4:
        return None
    py = (m["py"] or "").lower()
    anchor = "absolute"
    y: int | None
    if m["y"] or m["fy"]:
        y = int(m["y"] or m["fy"])
    elif re.match(r"\d{4}", py):
        y = int(py[:4])
    elif m["yrel"] or py:
        ref = ctx.ref
        if ref is None:
            return None
        key = (m["yrel"] or py).split()[0].split("-")[0].replace("'s", "")
        shift = {"last": -1, "this": 0, "next": 1, "year": -1}.get(key, 0)
        y, anchor = ref.year + shift, ctx.ref_anchor
    else:
        y, anchor = _quarter_year(ctx, q, unit, m.start(), m.end()), ctx.ref_anchor
        if y is None:
            return None
        the = (m["the"] or "").lower()
        if the == "last":
            y -= 1
        elif the == "next":
            y += 1
    return _r_quarter(y, q, anchor) if unit == "quarter" else _r_half(y, q, anchor)


def _h_qadj(m: re.Match[str], ctx: _Context) -> _R | None:
    unit = m["unit"].lower()
    q = _ORDINALS.get(m["ord"].lower(), 0)
    if unit == "half" and q > 2:
        return None
    y = _quarter_year(ctx, q, unit, m.start(), m.end())
    if y is None:
        return None
    return _r_quarter(y, q, ctx.ref_anchor) if unit == "quarter" else _r_half(y, q, ctx.ref_anchor)


def _h_thequarter(m: re.Match[str], ctx: _Context) -> _R | None:
    w = " ".join(m["w"].lower().split())
    topic = ctx.topic_quarter(m.start())
    ref = ctx.ref
    year_back = "year-" in w or "a year" in w or "last year" in w
    if topic is not None:
        res = _r_quarter(topic.year - (1 if year_back else 0), topic.sub, topic.anchor)
        res.derived = year_back
        return res
    if ref is None:
        return None
    if w.endswith("year-earlier") or w.endswith("year-ago"):
        res = _r_year(ref.year - 1, ctx.ref_anchor)
        res.derived = True
        return res
    if "period" in w:
        return None
    # the latest / the quarter: the last completed quarter
    q = (ref.month - 1) // 3
    if w.startswith("this") or "current" in w:
        q += 1
    total = ref.year * 4 + q - 1 - (4 if year_back else 0)
    res = _r_quarter(total // 4, total % 4 + 1, ctx.ref_anchor)
    res.derived = year_back
    return res


def _h_year(m: re.Match[str], ctx: _Context) -> _R | None:
    y = int(m["y"])
    text = ctx.text
    s = m.start("y")
    mod = m["mod"]
    if not mod:
        before = text[max(0, s - 24) : s]
        if _NUMBER_CONTEXT.search(before) and not _YEAR_OK_BEFORE.search(before):
            return None
        if re.search(
            r"(?:resolution|no\.|number|flight|route|article|page|room)\s+$", before, re.I
        ):
            return None
        if not 1600 <= y <= 2099 and not re.search(
            r"\b(?:in|since|of|until|by|year|from|before|after)\s+$", before, re.I
        ):
            return None
        after = text[m.end() : m.end() + 40]
        if _COUNT_NOUN_AFTER.match(after):
            return None
        # a bare number in a list of numbers (1998, 2000 and 2500 troops) is left alone
        if ctx.published and y > ctx.published.year + 30:
            return None
    y2 = m["y2"]
    if y2:
        tail = y2[1:]
        hi = int(tail) if len(tail) == 4 else (y // 100) * 100 + int(tail)
        if hi <= y:
            return None
        return _R(
            f"{y:04d}",
            f"{y:04d}/{hi:04d}",
            date(y, 1, 1),
            date(hi, 12, 31),
            "year",
            "absolute",
            "year",
            y,
        )
    if mod:
        ml = " ".join(mod.lower().split())
        for name, code in _SEASONS.items():
            if name in ml:
                return _r_season(y, code, "absolute")
        if "half" in ml:
            return _r_half(y, 1 if "first" in ml else 2, "absolute")
    return _r_year(y, "absolute")


def _h_decade(m: re.Match[str], ctx: _Context) -> _R | None:
    if m["dec"]:
        d3 = int(m["dec"][:3])
    elif m["d2"]:
        digit = int(m["d2"])
        ref = ctx.ref
        cent = (ref.year // 100) if ref else 19
        d3 = cent * 10 + digit
        if ref and d3 * 10 > ref.year:
            d3 -= 10
    else:
        word = m["dw"].lower()
        ref = ctx.ref
        d3 = 190 + _DECADE_WORDS[word]
        if ref and ref.year >= 2030 and "nineteen" not in m.group(0).lower():
            d3 = 200 + _DECADE_WORDS[word]
    return _r_decade(d3, "absolute" if m["dec"] else "publication")


def _h_century(m: re.Match[str], ctx: _Context) -> _R | None:
    n = int(m["n"]) if m["n"] else _ORDINALS.get(m["nw"].lower(), 0)
    if not 1 <= n <= 30:
        return None
    return _r_century(n - 1, "absolute")


def _h_season(m: re.Match[str], ctx: _Context) -> _R | None:
    ref = ctx.ref
    word = m["s"].lower()
    rel = " ".join((m["rel"] or "").lower().split())
    if not rel and word in ("fall", "spring"):
        return None
    if rel in ("early", "late", "mid") and word in ("fall", "spring"):
        return None
    if ref is None:
        return None
    code = _SEASONS[word]
    tense = ctx.tense(m.start(), m.end())
    if rel in ("last", "this past"):
        y = ref.year - 1 if rel == "last" else _season_year(ref, code, "past")
    elif rel in ("next", "this coming"):
        y = _season_year(ref, code, "future")
    elif rel == "this":
        y = ref.year
    else:
        y = _season_year(ref, code, tense)
    # a leading preposition is not part of the expression
    res = _r_season(y, code, ctx.ref_anchor)
    return res


def _h_ref(m: re.Match[str], ctx: _Context) -> _R | None:
    w = " ".join(m["w"].lower().split())
    text = ctx.text
    after = text[m.end() : m.end() + 20]
    if w in ("current", "recent", "future", "once"):
        if w == "once":
            return None
        # only as an adjective of a time-ish or state noun; "future" also stands alone
        if w == "future" and re.match(r"\s*(?:tense|generations?|of\b)", after):
            return None
        if w == "recent" and not re.match(
            r"\s+(?:days|weeks|months|years|decades|times|history|memory|past|period|"
            r"quarters?|weeks|sessions|fighting|attacks?|clashes|violence|talks|events)\b",
            after,
        ):
            return None
        if w == "current" and not re.match(
            r"\s+(?:\w+\s+)?(?:year|month|week|quarter|period|session|term|situation|crisis|"
            r"government|administration|leaders?|leadership|president|season|round|ceasefire|"
            r"truce|conflict|war|level|levels|state|status|regime|policy|plan|talks|conditions|"
            r"rate|rates|account|fiscal|environment|system|law|economic|political|security)\b",
            after,
        ):
            return None
        if w == "future" and ctx.text[max(0, m.start() - 4) : m.start()].lower().endswith("the "):
            return None
    if w in ("so far", "the present") and w == "so far":
        return None
    if w.endswith("now") or w in (
        "currently",
        "at present",
        "presently",
        "nowadays",
        "these days",
        "at the moment",
        "at this time",
        "the present",
        "current",
    ):
        if w.startswith(("until", "by", "from", "as of", "even")):
            pass
        return _r_ref("PRESENT_REF", ctx.published or ctx.narr)
    if "future" in w or "coming" in w or w in ("soon", "shortly"):
        return _r_ref("FUTURE_REF", ctx.published or ctx.narr)
    return _r_ref("PAST_REF", ctx.published or ctx.narr)


def _h_wyear(m: re.Match[str], ctx: _Context) -> _R | None:
    if m["c"]:
        cent = {"eighteen": 18, "nineteen": 19, "twenty": 20}[m["c"].lower()]
        t = _UNITS_TENS[m["t"].lower()]
        o = _UNITS_ONES.get((m["o"] or "").lower(), 0)
        if t < 20 and o:
            return None
        if cent == 20 and t < 10:
            return None
        y = cent * 100 + t + o
    else:
        y = 2000 + {**_UNITS_ONES, "ten": 10}.get((m["o2"] or "").lower(), 0)
    return _r_year(y, "absolute")


def _h_theday(m: re.Match[str], ctx: _Context) -> _R | None:
    before = ctx.text[max(0, m.start() - 8) : m.start()].lower()
    if not re.search(r"\b(?:on|by|until|till|since|from|before|after|and|to)\s+$", before):
        return None
    base = ctx.narr or ctx.ref
    if base is None:
        return None
    d = _safe_date(base.year, base.month, int(m["d"]))
    return _r_day(d, "narrative" if ctx.narr else ctx.ref_anchor) if d else None


def _nth_weekday(y: int, m: int, wd: int, n: int) -> date:
    """The n-th (1-based; -1 = last) weekday ``wd`` of month ``m``."""
    if n < 0:
        last = _last_day(y, m)
        return last - timedelta(days=(last.weekday() - wd) % 7)
    first = date(y, m, 1)
    return first + timedelta(days=(wd - first.weekday()) % 7 + 7 * (n - 1))


def _easter(y: int) -> date:
    """Western Easter Sunday (anonymous Gregorian computus)."""
    a, b, c = y % 19, y // 100, y % 100
    d, e = divmod(b, 4)
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    l_ = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * l_) // 451
    month, day = divmod(h + l_ - 7 * m + 114, 31)
    return date(y, month, day + 1)


def _holiday(name: str, y: int) -> date:
    if name.startswith("christmas"):
        return date(y, 12, 24 if name.endswith("eve") else 25)
    if name.startswith("new year"):
        return date(y, 12, 31) if name.endswith("eve") else date(y, 1, 1)
    if name.startswith("thanksgiving"):
        return _nth_weekday(y, 11, 3, 4)
    if name.startswith("election"):  # the Tuesday after the first Monday of November
        return _nth_weekday(y, 11, 0, 1) + timedelta(days=1)
    if name.startswith("memorial"):
        return _nth_weekday(y, 5, 0, -1)
    if name.startswith("labo"):
        return _nth_weekday(y, 9, 0, 1)
    if name.startswith("easter"):
        return _easter(y)
    fixed = {"independence": (7, 4), "halloween": (10, 31), "valentine": (2, 14)}
    m, d = fixed.get(name.split()[0].rstrip("s'’"), (11, 11))  # veterans day
    return date(y, m, d)


def _h_holiday(m: re.Match[str], ctx: _Context) -> _R | None:
    ref = ctx.ref
    if ref is None or not _is_cap(m["h"]):
        return None
    name = " ".join(m["h"].lower().split())
    rel = (m["rel"] or "").lower()
    # "Easter week": the (ISO) week that ends on Easter Sunday, from its Monday
    week = name.endswith(" week")
    options = [_holiday(name, ref.year + k) - timedelta(days=6 * week) for k in (-1, 0, 1)]
    if rel == "last":
        d = max(x for x in options if x < ref)
    elif rel == "next":
        d = min(x for x in options if x > ref)
    elif rel == "this":
        d = options[1]
    else:
        d = min(options, key=lambda x: abs((x - ref).days))
        tense = ctx.tense(m.start(), m.end())
        if tense == "past" and d > ref:
            d = max(x for x in options if x <= ref)
        elif tense == "future" and d < ref:
            d = min(x for x in options if x >= ref)
    return _r_week(d, ctx.ref_anchor) if week else _r_day(d, ctx.ref_anchor)


_HANDLERS = {
    "iso": _h_iso,
    "numeric": _h_numeric,
    "dmy": _h_dm,
    "mdy": _h_dm,
    "my": _h_my,
    "month": _h_month,
    "weekday": _h_weekday,
    "wdrange": _h_wdrange,
    "relday": _h_relday,
    "ago": _h_ago,
    "narrel": _h_narrel,
    "deictic": _h_deictic,
    "inthe": _h_inthe,
    "misc": _h_misc,
    "quarter": _h_quarter,
    "qadj": _h_qadj,
    "thequarter": _h_thequarter,
    "year": _h_year,
    "decade": _h_decade,
    "century": _h_century,
    "season": _h_season,
    "ref": _h_ref,
    "wyear": _h_wyear,
    "theday": _h_theday,
    "holiday": _h_holiday,
}
_PRIORITY = {name: i for i, (name, _) in enumerate(_RULES)}

# Speed: every expression contains a trigger token of its rule (a month or weekday name,
# a year-like number, a unit word, a direction word ...). One scan of the case-folded
# text finds the triggers and classifies them; each rule then runs only on windows
# around the triggers it needs, on the case-folded text without IGNORECASE (about twice
# as fast in ``re``), and a kept candidate is matched again on the original text so the
# handlers see its real spelling ("May" vs "may").
# Trigger classes: NUM 12/.., Y4 a year-like number, DS 80s / 1990s, ORD 17th, MON a month
# name, WD a weekday name, T today / night / morning ..., DIR ago / later / before ...,
# NOW, DY day(s), WK week(s) / weekend, MO month(s), Y year(s), QU quarter(s) / half,
# PER period, DEC decade(s), CEN century, S a season, REF current / recent / past ...,
# NUMW spelled years and decades. The alternatives are grouped by their first character
# (``re`` skips a branch whose first literal does not match); a group's name is its class
# and a suffix that keeps the names unique.
_TRIGGER = re.compile(
    r"(?<![a-z])(?:"
    r"(?P<Y4>(?:1\d|20)\d\d)"
    r"|\d(?:(?P<NUM>\d?(?=[/.]\d))|(?P<DS>0'?s(?![a-z]))|(?P<ORD>\d?(?:st|nd|rd|th)))"
    r"|a(?:(?P<DIR_a>go)|(?P<T_a>fternoon)|(?P<DIR_a2>fter)"
    r"|(?P<MON_a>(?:pr(?:il)?|ug(?:ust)?)(?![a-z]))|(?P<S_a>utumn))"
    r"|b(?P<DIR_b>efore|ack)"
    r"|c(?:(?P<CEN>entur)|(?P<REF_c>urrent|oming)|(?P<HOL_c>hristmas))"
    r"|d(?:(?P<DY>ays?)|(?P<DEC>ecades?)|(?P<MON_d>ec(?:ember)?(?![a-z])))"
    r"|e(?:(?P<DIR_e>arlier)|(?P<T_e>vening)|(?P<NUMW_e>ighteen|ighties)|(?P<HOL_e>aster|lection))"
    r"|f(?:(?P<MON_f>eb(?:ruary)?(?![a-z]))|(?P<WD_f>ri(?:day|\.))|(?P<S_f>all)"
    r"|(?P<REF_f>uture)|(?P<NUMW_f>orties|ifties))"
    r"|h(?:(?P<DIR_h>ence)|(?P<QU_h>alf)|(?P<HOL_h>alloween))|(?P<HOL_i>independence)"
    r"|j(?P<MON_j>(?:an(?:uary)?|une?|uly?)(?![a-z]))"
    r"|l(?:(?P<DIR_l>ater)|(?P<HOL_l>abou?r))"
    r"|m(?:(?P<MON_m>(?:ar(?:ch)?|ay)(?![a-z]))|(?P<WD_m>on(?:day|\.))|(?P<MO>onths?)"
    r"|(?P<T_m>orning)|(?P<HOL_m>emorial))"
    r"|n(?:(?P<MON_n>ov(?:ember)?(?![a-z]))|(?P<T_n>ight)|(?P<NOW>ow)|(?P<NUMW_n>ineteen|ineties)"
    r"|(?P<HOL_n>ew(?=\s+year['’]s)))"
    r"|o(?P<MON_o>ct(?:ober)?(?![a-z]))"
    r"|p(?:(?P<DIR_p>rior|reviously)|(?P<PER>eriod)|(?P<REF_p>resent|ast))"
    r"|q(?P<QU_q>uarters?)"
    r"|r(?P<REF_r>ecent)"
    r"|s(?:(?P<MON_s>ep(?:t(?:ember)?)?(?![a-z]))|(?P<WD_s>(?:atur|un)day|(?:at|un)\.)"
    r"|(?P<S_s>pring|ummer)|(?P<NUMW_s>ixties|eventies))"
    r"|t(?:(?P<WD_t>(?:ues|hurs)day|(?:ues?|hu(?:rs)?)\.)|(?P<T_t>o(?:day|morrow|night))"
    r"|(?P<NUMW_t>wenty|wenties|hirties|housand)|(?P<HOL_t>hanksgiving))"
    r"|(?P<HOL_v>valentine|veterans)"
    r"|w(?:(?P<WD_w>ednesday|ed\.)|(?P<WK>eeks?|eekend)|(?P<S_w>inter))"
    r"|y(?:(?P<T_y>esterday)|(?P<Y>ears?))"
    r")"
)
_TRIGGER_CLASS = {name: name.split("_")[0] for name in _TRIGGER.groupindex}
_RULE_TRIGGERS: dict[str, tuple[str, ...]] = {
    "iso": ("Y4",), "numeric": ("NUM",), "dmy": ("MON",), "mdy": ("MON",), "my": ("MON",),
    "month": ("MON",), "weekday": ("WD",), "wdrange": ("WD",), "relday": ("T",),
    "ago": ("DIR", "NOW"), "narrel": ("DY", "WK", "MO", "Y", "T"),
    "deictic": ("WK", "MO", "Y", "QU", "DEC", "CEN", "S"), "inthe": ("DY", "WK", "MO", "Y"),
    "misc": ("Y", "MO", "WK"), "quarter": ("QU",), "qadj": ("QU",),
    "thequarter": ("QU", "PER", "Y"), "year": ("Y4",), "decade": ("Y4", "DS", "NUMW"),
    "century": ("CEN",), "season": ("S",), "ref": ("NOW", "REF", "DY"), "wyear": ("NUMW",),
    "theday": ("ORD",), "holiday": ("HOL",),
}  # fmt: skip
# characters before / after a trigger that an expression can reach ("Saturday, the 17th
# of September, 2016"; "nearly two weeks ago"; "the first half of 2016")
_BEFORE, _AFTER = 55, 45
_WORD_END = re.compile(r"\W|$")
# the same rules, compiled for the case-folded text
_FOLDED_RULES = [(name, _PRIORITY[name], _RULE_TRIGGERS[name]) for name, _ in _RULES]
_PATTERNS = dict(_RULES)
# Compiling the rules is most of the import time; a process that reads one short text
# (the management command) needs only some of them, so each is compiled on first use.
_COMPILED: dict[tuple[str, bool], re.Pattern[str]] = {}


def _rule_rx(name: str, folded: bool) -> re.Pattern[str]:
    rx = _COMPILED.get((name, folded))
    if rx is None:
        flags = re.VERBOSE if folded else re.IGNORECASE | re.VERBOSE
        rx = _COMPILED[name, folded] = re.compile(_PATTERNS[name], flags)
    return rx


# characters that IGNORECASE matches to an ASCII letter of the patterns: folding them
# keeps one character per character, so offsets stay the same
_FOLD = {**{c: c + 32 for c in range(65, 91)}, 0x130: "i", 0x131: "i", 0x17F: "s", 0x212A: "k"}


def _fold(text: str) -> str:
    return text.lower() if text.isascii() else text.translate(_FOLD)


def _triggers(low: str) -> dict[str, list[tuple[int, int]]]:
    """(start, end) of the triggers of each class, in text order."""
    found: dict[str, list[tuple[int, int]]] = {}
    classes = _TRIGGER_CLASS
    for m in _TRIGGER.finditer(low):
        cls = classes[m.lastgroup]
        lst = found.get(cls)
        if lst is None:
            found[cls] = [m.span()]
        else:
            lst.append(m.span())
    return found


def _rule_windows(
    low: str, found: dict[str, list[tuple[int, int]]], classes: tuple[str, ...]
) -> list[tuple[int, int]]:
    """Merged (start, end) windows around the triggers of the given classes."""
    if len(classes) == 1:
        pairs = found.get(classes[0])
    else:
        pairs = [p for c in classes for p in found.get(c, ())]
        pairs.sort()
    if not pairs:
        return []
    n = len(low)
    search = _WORD_END.search
    out: list[tuple[int, int]] = []
    cur_lo = cur_hi = -1
    for s, e in pairs:
        lo, hi = s - _BEFORE, e + _AFTER
        if lo <= cur_hi:
            if hi > cur_hi:
                cur_hi = hi
            continue
        if cur_hi >= 0:
            # never cut a word at a window's end ("May" in "Mayor")
            cur_hi = search(low, cur_hi).start() if cur_hi < n else n
            if lo <= cur_hi:
                cur_hi = max(cur_hi, hi)
                continue
            out.append((cur_lo, cur_hi))
        cur_lo, cur_hi = (lo if lo > 0 else 0), hi
    out.append((cur_lo, search(low, cur_hi).start() if cur_hi < n else n))
    return out


_LEADING_PREP = re.compile(r"(?:during|in|since|until|by)\s+", re.IGNORECASE)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _trim(text: str, start: int, end: int, kind: str) -> tuple[int, int]:
    """Drop a leading preposition the grammar needed for context and trailing dots."""
    if kind == "season":
        m = _LEADING_PREP.match(text, start, end)
        if m:
            start = m.end()
    while end > start and text[end - 1] in ".,- " and not _ends_abbrev(text, start, end):
        end -= 1
    return start, end


def _ends_abbrev(text: str, start: int, end: int) -> bool:
    """True when the final '.' belongs to a month/weekday abbreviation ("Sept.")."""
    if text[end - 1] != ".":
        return False
    word = re.search(r"[A-Za-z]+\.$", text[max(start, end - 8) : end])
    if not word:
        return False
    w = word.group()[:-1].lower()
    return w in _MONTHS or w in _WEEKDAYS or w in ("c", "a.m", "p.m")


def extract_dates(
    text: str, published: date | None = None, *, day_first: bool = True
) -> list[TemporalExpression]:
    """Temporal expressions in ``text``, in text order, without overlaps.

    ``published`` is the article's date (the reference for "yesterday", "Friday",
    "last week" ...). Without it, relative expressions are resolved against the
    last explicit date in the text, or skipped when there is none.
    ``day_first`` decides how "05/09/2016" is read (5 September vs May 9).
    """
    if not text or not isinstance(text, str):
        return []
    ctx = _Context(text, published, day_first)
    low = _fold(text)
    found = _triggers(low)
    cands: list[tuple[int, int, int, str, int]] = []
    window_cache: dict[tuple[str, ...], list[tuple[int, int]]] = {}
    for name, pr, classes in _FOLDED_RULES:
        spans = window_cache.get(classes)
        if spans is None:
            spans = window_cache[classes] = _rule_windows(low, found, classes)
        if not spans:
            continue
        finditer = _rule_rx(name, True).finditer
        seen_end = -1
        for lo, hi in spans:
            for m in finditer(low, max(lo, seen_end), hi):
                s, e = m.span()
                if e > s:
                    cands.append((s, s - e, pr, name, hi))
                    seen_end = e
    cands.sort(key=lambda c: (c[0], c[1], c[2]))
    out: list[TemporalExpression] = []
    last_end = 0
    # candidates are leftmost-longest; a rejected candidate lets a shorter one through
    for start, _neg, _pr, name, hi in cands:
        if start < last_end:
            continue
        m = _rule_rx(name, False).match(text, start, hi)  # the same, on the original spelling
        if m is None:  # cannot happen: folding keeps what IGNORECASE matches
            continue
        try:
            res = _HANDLERS[name](m, ctx)
        except _Impossible:
            last_end = m.end()
            continue
        except (ValueError, OverflowError, KeyError):
            res = None
        if res is None:
            continue
        s, e = _trim(text, m.start(), m.end(), name)
        if e <= s:
            continue
        if _CONTROL.search(text, s, e):
            continue
        out.append(
            TemporalExpression(
                s, e, text[s:e], res.value, res.edtf, res.earliest, res.latest, res.precision,
                res.anchor,
            )
        )  # fmt: skip
        last_end = m.end()
        if res.gran in ("ref", "") or res.earliest is None or res.derived:
            continue
        ctx.last = res
        if res.gran == "quarter":
            ctx.quarter, ctx.quarter_pos = res, m.start()
        if res.gran == "day":
            ctx.narr = res.earliest
        elif ctx.narr is None or not (res.earliest <= ctx.narr <= (res.latest or ctx.narr)):
            # a coarser date moves the narrative only when it leaves the current one
            ctx.narr = res.earliest
    return out
