"""Unit tests for events.extraction.dates (pure library: no database)."""

from __future__ import annotations

import time
from datetime import date

import pytest

from events.extraction.articles import split_header
from events.extraction.dates import TemporalExpression, extract_dates

SAT = date(2016, 9, 17)  # Saturday, the day of the Deir ez-Zor airstrike


def values(text: str, published: date | None = SAT, **kw) -> list[tuple[str, str]]:
    return [(e.text, e.value) for e in extract_dates(text, published, **kw)]


def one(text: str, published: date | None = SAT, **kw) -> TemporalExpression:
    found = extract_dates(text, published, **kw)
    assert len(found) == 1, found
    return found[0]


# --- full and partial dates -------------------------------------------------


@pytest.mark.parametrize(
    "text",
    ["September 17, 2016", "Sept. 17, 2016", "17 September 2016", "2016-09-17", "17/09/2016"],
)
def test_full_dates_normalise_to_the_day(text):
    e = one(f"The strike happened on {text} near Deir ez-Zor.")
    assert (e.text, e.value, e.edtf, e.precision, e.anchor) == (
        text,
        "2016-09-17",
        "2016-09-17",
        "day",
        "absolute",
    )
    assert e.earliest == e.latest == SAT


def test_partial_dates_take_the_publication_year():
    assert values("The truce began on Sept. 12 and collapsed on 19 September.") == [
        ("Sept. 12", "2016-09-12"),
        ("19 September", "2016-09-19"),
    ]


def test_numeric_date_month_first_flag():
    assert one("on 05/09/2016", day_first=True).value == "2016-09-05"
    assert one("on 05/09/2016", day_first=False).value == "2016-05-09"


def test_ordinal_day_uses_the_narrative_month():
    found = extract_dates("The talks opened on 9 September. On the 12th, the truce began.", SAT)
    assert [e.value for e in found] == ["2016-09-09", "2016-09-12"]
    assert found[1].anchor == "narrative"


def test_span_is_the_text_slice():
    text = "Officials said on Saturday, September 17, 2016, that the strike was a mistake."
    for e in extract_dates(text, SAT):
        assert text[e.start : e.end] == e.text


def test_year_boundary_month_day_in_january_article_is_previous_december():
    assert one("Talks were held on December 28.", date(2017, 1, 3)).value == "2016-12-28"


def test_year_boundary_january_in_december_article_is_next_year():
    assert one("Talks will resume on January 5.", date(2016, 12, 30)).value == "2017-01-05"


def test_participle_after_be_is_not_past_tense():
    # "will be named ... in December" (March article): the coming December
    e = one("He will be named commander for a mission in December.", date(1998, 3, 4))
    assert e.value == "1998-12"
    e = one("The summit would still be held on April 24.", date(1999, 2, 10))
    assert e.value == "1999-04-24"


def test_month_after_by_or_through_is_the_nearest_one_whatever_the_tense():
    # an October article: a deadline or the end of a span is the nearest such month
    oct30 = date(1989, 10, 30)
    assert one("The bank extended the loans through January.", oct30).value == "1990-01"
    assert one("The program was to pay down the loan by February.", oct30).value == "1990-02"
    assert one("Sales changed little through August.", oct30).value == "1989-08"


@pytest.mark.parametrize(
    ("text", "published", "value"),
    [
        ("Elian was found Thanksgiving Day clinging to a tube.", date(2000, 1, 7), "1999-11-25"),
        ("He was found last Thanksgiving off Florida.", date(2000, 2, 10), "1999-11-25"),
        ("It will be a theme from here to Election Day.", date(1998, 10, 26), "1998-11-03"),
        ("Shops open on Christmas Eve this year.", date(2016, 12, 1), "2016-12-24"),
        ("Crowds gathered on New Year's Day.", date(2017, 1, 3), "2017-01-01"),
        ("Crowds gathered on New Year\u2019s Eve.", date(2017, 1, 3), "2016-12-31"),
        ("Services were held on Easter Sunday.", SAT, "2016-03-27"),
        ("The parade is on Memorial Day.", date(2016, 5, 1), "2016-05-30"),
    ],
)
def test_holidays_are_their_day(text, published, value):
    found = [(e.value, e.precision) for e in extract_dates(text, published)]
    assert (value, "day") in found


def test_holiday_names_need_their_capital_and_whole_word():
    assert values("Eastern Europe and an easter egg hunt, labor day laws.") == []


def test_last_year_in_a_quarterly_comparison_is_that_quarter_a_year_before():
    text = (
        "Third-quarter profit rose to $24 million, compared with a loss of $3 million "
        "last year. The company was founded last year."
    )
    found = values(text, date(1989, 11, 2))
    assert found == [
        ("Third-quarter", "1989-Q3"),
        ("last year", "1988-Q3"),
        ("last year", "1988"),
    ]


def test_pre_and_post_year():
    assert values("the post-1959 politics and pre-1990 borders") == [
        ("post-1959", "1959"),
        ("pre-1990", "1990"),
    ]


def test_easter_week_is_the_week_ending_on_easter_sunday():
    e = one("Protesters prayed as Easter week began.", date(2000, 4, 17))
    assert (e.value, e.precision) == ("2000-W16", "week")


def test_impossible_date_is_not_a_date():
    assert extract_dates("It was signed on 31 February 2016.", SAT) == []


# --- weekdays ---------------------------------------------------------------


def test_weekday_on_the_publication_day_is_that_day():
    assert one("The strike on Saturday killed dozens.").value == "2016-09-17"


def test_weekday_in_past_tense_is_previous_one():
    assert one("Lavrov met Kerry on Friday.").value == "2016-09-16"


def test_weekday_in_future_tense_is_next_one():
    assert one("The Security Council will meet on Friday.").value == "2016-09-23"


def test_weekday_span_excludes_on():
    e = one("The strike on Monday killed 62 soldiers.")
    assert e.text == "Monday"
    assert e.value == "2016-09-12"


def test_last_and_next_weekday():
    assert values("He left last Monday and returns next Monday.") == [
        ("last Monday", "2016-09-12"),
        ("next Monday", "2016-09-19"),
    ]


# --- relative days ----------------------------------------------------------


@pytest.mark.parametrize(
    ("word", "value"),
    [("yesterday", "2016-09-16"), ("today", "2016-09-17"), ("tomorrow", "2016-09-18")],
)
def test_relative_days(word, value):
    assert one(f"It was announced {word} in Geneva.").value == value


def test_tonight_and_last_night():
    assert values("Strikes last night; talks tonight.") == [
        ("last night", "2016-09-16"),
        ("tonight", "2016-09-17"),
    ]


def test_days_ago_is_relative_to_publication():
    e = one("The ceasefire began 10 days ago.", SAT)
    assert (e.value, e.anchor) == ("2016-09-07", "publication")


def test_days_later_is_relative_to_the_narrative_date():
    found = extract_dates("The truce began on 12 September. Two days later, aid moved.", SAT)
    assert [(e.text, e.value, e.anchor) for e in found] == [
        ("12 September", "2016-09-12", "publication"),
        ("Two days later", "2016-09-14", "narrative"),
    ]


def test_week_earlier_is_approximate():
    found = extract_dates(
        "The strike came on September 17. One week earlier, a deal was made.", SAT
    )
    e = found[1]
    assert (e.value, e.edtf, e.precision) == ("2016-09-10", "2016-09-10~", "approximate")
    assert e.earliest == date(2016, 9, 9)
    assert e.latest == date(2016, 9, 11)


def test_days_after_an_event_is_not_a_date():
    assert values("Two days after the truce began, strikes resumed.") == []


# --- coarser expressions ----------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value", "precision"),
    [
        ("in September", "2016-09", "month"),
        ("in early September", "2016-09", "month"),
        ("last week", "2016-W36", "week"),
        ("this week", "2016-W37", "week"),
        ("last month", "2016-08", "month"),
        ("earlier this month", "2016-09", "month"),
        ("last year", "2015", "year"),
        ("a year ago", "2015", "year"),
        ("next year", "2017", "year"),
        ("in 2014", "2014", "year"),
        ("mid-2016", "2016", "year"),
        ("the third quarter", "2016-Q3", "quarter"),
        ("the 1990s", "199", "decade"),
        ("this summer", "2016-SU", "season"),
        ("the 20th century", "19", "decade"),
    ],
)
def test_coarse_expressions(text, value, precision):
    found = extract_dates(f"Fighting was heavy {text}, officials said.", SAT)
    assert [(e.value, e.precision) for e in found] == [(value, precision)]


def test_decade_and_season_edtf():
    assert one("in the 2010s").edtf == "201X"
    assert one("this summer").edtf == "2016-22"


def test_week_has_day_bounds():
    e = one("Talks failed last week.")
    assert (e.earliest, e.latest) == (date(2016, 9, 5), date(2016, 9, 11))


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("now", "PRESENT_REF"),
        ("currently", "PRESENT_REF"),
        ("in recent years", "PAST_REF"),
        ("the future", "FUTURE_REF"),
        ("recently", "PAST_REF"),
    ],
)
def test_present_past_future_refs(text, value):
    e = one(f"The army is {text} at risk.")
    assert e.value == value


def test_durations_are_not_dates():
    assert values("The war has lasted three years and the siege five months.") == []
    assert values("Over the past year, the siege tightened.") == []


# --- ranges -----------------------------------------------------------------


def test_day_range_with_shared_month():
    e = one("Aid moved between 12 and 19 September.")
    assert e.edtf == "2016-09-12/2016-09-19"
    assert (e.earliest, e.latest) == (date(2016, 9, 12), date(2016, 9, 19))


def test_weekday_range():
    e = one("Talks ran from Monday to Wednesday.")
    assert (e.earliest, e.latest) == (date(2016, 9, 12), date(2016, 9, 14))


# --- non-dates ----------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "F-16 jets and A10 aircraft struck the hill.",
        "The strike killed 80 Syrian service men.",
        "UN Resolution 2254 sets out a political process.",
        "Monitoring runs 24/7 at the base.",
        "After 9/11, the rules changed.",
        "Call +41 22 917 1234 or 555-2016 for details.",
        "The match ended 3-2.",
        "Fuel costs $2016 a tonne.",
        "The convoy left at 10:30 and arrived at 4 p.m.",
        "Some 2000 troops and 1500 militants were deployed.",
        "You may march if the army will not fall back.",
    ],
)
def test_non_dates_stay_out(text):
    assert values(text) == []


# --- bad input ----------------------------------------------------------------


def test_empty_text():
    assert extract_dates("", SAT) == []


def test_no_publication_date_skips_relative_expressions():
    assert values("It happened yesterday.", None) == []
    assert values("On 17 September 2016 jets struck.", None) == [
        ("17 September 2016", "2016-09-17")
    ]


def test_control_characters_and_other_languages_do_not_crash():
    text = "\x00\x01\x1b[31m Бомбардировка 17 сентября \u202e غارة \ufffd on 17 September\x7f"
    assert values(text) == [("17 September", "2016-09-17")]


def test_a_million_characters_without_sentence_ends_is_fast():
    text = ("word " * 200_000)[:1_000_000]
    t0 = time.perf_counter()
    assert extract_dates(text, SAT) == []
    assert time.perf_counter() - t0 < 5


def test_case_and_non_ascii_text_keep_offsets_and_matches():
    text = "Le 17 septembre — “SEPTEMBER 17, 2016”, résumé on saturday and on SATURDAY."
    found = extract_dates(text, SAT)
    assert [(e.text, e.value) for e in found] == [
        ("SEPTEMBER 17, 2016", "2016-09-17"),
        ("SATURDAY", "2016-09-17"),
    ]
    for e in found:
        assert text[e.start : e.end] == e.text
    # characters that IGNORECASE folds to ASCII letters (dotless i, long s, Kelvin sign)
    text = "İstanbul ſays Kiev talks: the strike on Monday, September 12, 2016."
    found = extract_dates(text, SAT)
    assert [(e.text, e.value) for e in found] == [("Monday, September 12, 2016", "2016-09-12")]
    assert text[found[0].start : found[0].end] == found[0].text


def test_same_expressions_in_any_letter_case():
    text = "Two days later, in mid-September 2016 and the third quarter, aid moved."
    expected = [(e.start, e.end, e.value) for e in extract_dates(text, SAT)]
    assert len(expected) == 3
    assert [(e.start, e.end, e.value) for e in extract_dates(text.upper(), SAT)] == expected


def test_to_dict_uses_iso_strings():
    assert one("on 17 September 2016").to_dict() == {
        "start": 3,
        "end": 20,
        "text": "17 September 2016",
        "value": "2016-09-17",
        "edtf": "2016-09-17",
        "earliest": "2016-09-17",
        "latest": "2016-09-17",
        "precision": "day",
        "anchor": "absolute",
    }


# --- split_header ---------------------------------------------------------------


def test_split_header_reads_date_and_headline():
    raw = "  date 2016-09-17 Coalition strike hits Syrian army\nBody text."
    published, headline, body, offset = split_header(raw)
    assert published == SAT
    assert headline == "Coalition strike hits Syrian army"
    assert body == "Body text."
    assert raw[offset:] == body


def test_split_header_without_header_returns_text():
    assert split_header("Just text.") == (None, None, "Just text.", 0)


def test_split_header_rejects_impossible_date():
    with pytest.raises(ValueError, match="impossible date"):
        split_header("date 2016-02-31 Headline\nBody")
