"""The extraction library: text in, candidate timeline entries out (no database)."""

from __future__ import annotations

import time
from datetime import date

import pytest

from events.extraction.candidates import CandidateEvent, parse_text, unknown_names
from events.extraction.fatalities import find_fatalities
from events.extraction.gazetteer import Gazetteer, GazetteerEntry, fold_name
from events.extraction.text import clauses, sentences

PUBLISHED = date(2016, 9, 17)  # a Saturday


def _parse(text: str, published: date | None = PUBLISHED, gazetteer=None) -> list[CandidateEvent]:
    return parse_text(text, published, gazetteer)


def _of_type(entries: list[CandidateEvent], kind: str) -> list[CandidateEvent]:
    return [e for e in entries if e.type == kind]


def _roles(entry: CandidateEvent, role: str) -> set[str]:
    return {a.name for a in entry.actors if a.role == role}


# Gazetteer ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "spelling",
    ["Deir ez-Zor", "Deir al-Zor", "Deir Ezzor", "Dayr az-Zawr", "Deir el-Zour", "DEIR EZ-ZOR"],
)
def test_gazetteer_folds_transliterations_of_a_place(gazetteer: Gazetteer, spelling: str) -> None:
    matches = gazetteer.match(f"Fighting near {spelling} continued.")
    assert [m.place.name for m in matches if m.place] == ["Deir ez-Zor"], spelling


@pytest.mark.parametrize("spelling", ["Daesh", "Da'esh", "Da’esh", "ISIS", "ISIL", "Islamic State"])
def test_gazetteer_folds_apostrophes_and_aliases_of_an_actor(
    gazetteer: Gazetteer, spelling: str
) -> None:
    matches = gazetteer.match(f"They said {spelling} fighters withdrew.")
    assert [m.actor.name for m in matches if m.actor] == ["Islamic State"]


def test_gazetteer_keeps_acronyms_apart_from_words(gazetteer: Gazetteer) -> None:
    text = "It is what IS wanted, said one of us in the US."
    names = [(m.text, m.actor.name) for m in gazetteer.match(text) if m.actor]
    assert names == [("IS", "Islamic State"), ("US", "United States")]


def test_gazetteer_prefers_the_longest_name(gazetteer: Gazetteer) -> None:
    text = "near Deir al-Zor military airport on Saturday"
    (match,) = gazetteer.match(text)
    assert match.place.name == "Deir ez-Zor airport"
    assert text[match.start : match.end] == "Deir al-Zor military airport"


def test_gazetteer_folds_diacritics_case_and_hyphens() -> None:
    g = Gazetteer(
        [GazetteerEntry("Genève", "city", aliases=("Al-Qa'ida Front",))], use_geonames=False
    )
    assert [m.text for m in g.match("in Geneve and geneva, near AL QAIDA front")] == [
        "Geneve",
        "AL QAIDA front",
    ]
    assert fold_name("Da’esh") == fold_name("DAESH")


def test_places_beyond_the_list_come_from_geonames(gazetteer: Gazetteer) -> None:
    (match,) = [m for m in gazetteer.match("Troops entered Mosul on Monday.") if m.place]
    place = match.place
    assert place.name == "Mosul"
    assert place.country == "Iraq"
    assert 35 < place.latitude < 37 and 42 < place.longitude < 44


def test_unknown_proper_names_are_proposed_not_dropped(gazetteer: Gazetteer) -> None:
    text = "Maj. Gen. Igor Konashenkov said the jets came from Iraq. Konashenkov spoke in Moscow."
    names = {n["name"]: n["kind"] for n in unknown_names(text, gazetteer)}
    assert names == {"Igor Konashenkov": "person"}


# Sentences and clauses ----------------------------------------------------------------------


def test_sentences_keep_offsets_and_skip_abbreviations() -> None:
    text = (
        "The U.S. military said on Sept. 17 it struck. "
        "Maj. Gen. Igor Konashenkov disagreed.\n\nA third"
    )
    found = [text[s.start : s.end] for s in sentences(text)]
    assert found == [
        "The U.S. military said on Sept. 17 it struck.",
        "Maj. Gen. Igor Konashenkov disagreed.",
        "A third",
    ]


def test_clauses_split_where_a_second_happening_starts() -> None:
    text = "A truce came into effect on September 12 but it collapsed within a week."
    (sentence,) = sentences(text)
    assert [text[c.start : c.end] for c in clauses(text, sentence)] == [
        "A truce came into effect on September 12",
        "it collapsed within a week.",
    ]


# Fatalities ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("phrase", "low", "high"),
    [
        ("Up to 80 Syrian service men were killed", None, 80),
        ("the strike killed at least 90 people", 90, None),
        ("62 soldiers were killed", 62, 62),
        ("killing 62 Syrian soldiers", 62, 62),
        ("dozens of civilians were killed", 24, 99),
        ("the attack, which killed more than 15, was", 16, None),
        ("15 people died", 15, 15),
        ("about 80 soldiers were killed", 72, 88),
        ("killed between 10 and 20 fighters", 10, 20),
        ("the death toll rose to 45", 45, 45),
        ("seven people were killed", 7, 7),
    ],
)
def test_fatality_phrases_become_honest_bounds(
    phrase: str, low: int | None, high: int | None
) -> None:
    found = find_fatalities(phrase)
    assert found is not None, phrase
    assert (found.low, found.high) == (low, high)


@pytest.mark.parametrize(
    "phrase", ["more than 100 wounded", "despite dozens of alleged violations", "killed in 2014"]
)
def test_figures_that_are_not_deaths_are_ignored(phrase: str) -> None:
    assert find_fatalities(phrase) is None


# Events, types and roles -------------------------------------------------------------------


def test_an_airstrike_gets_perpetrator_target_place_date_and_toll() -> None:
    text = (
        "Coalition warplanes bombed Syrian Army positions near Deir ez-Zor airport on "
        "Saturday, killing 62 soldiers."
    )
    (entry,) = _parse(text)
    assert entry.type == "airstrike"
    assert _roles(entry, "perpetrator") == {"US-led coalition"}
    assert _roles(entry, "target") == {"Syrian Arab Army"}
    assert entry.place.name == "Deir ez-Zor airport"
    assert entry.date.value == "2016-09-17" and entry.date.source == "own"
    assert (entry.fatalities_low, entry.fatalities_high) == (62, 62)


def test_by_names_the_perpetrator_of_a_passive_report() -> None:
    text = (
        "Syrian soldiers were hit in an air raid carried out by Russian jets near Aleppo on Monday."
    )
    airstrikes = _of_type(_parse(text, date(2016, 9, 19)), "airstrike")
    assert len(airstrikes) == 1
    assert _roles(airstrikes[0], "perpetrator") == {"Russian Ministry of Defence"}
    assert airstrikes[0].place.name == "Aleppo"


def test_a_statement_has_its_speaker_and_the_accused() -> None:
    text = "The Russian Ministry of Defense on Saturday accused the United States of the strike."
    (statement,) = _of_type(_parse(text), "statement")
    assert _roles(statement, "speaker") == {"Russian Ministry of Defence"}
    assert _roles(statement, "target") == {"United States"}


def test_words_without_a_speaker_are_not_a_statement() -> None:
    assert _of_type(_parse("The strike was a mistake, a spokesman said."), "statement") == []


@pytest.mark.parametrize(
    ("sentence", "kind"),
    [
        (
            "A ceasefire brokered by Russia and the United States took effect on Monday.",
            "ceasefire_in_force",
        ),
        ("Kerry and Lavrov agreed on a ceasefire in Geneva on Friday.", "ceasefire_agreed"),
        ("The Syrian army announced on Monday the end of the truce.", "ceasefire_ended"),
        ("Government forces shelled the eastern districts on Friday.", "shelling"),
        ("Islamic State launched an offensive against the army on Friday.", "ground_offensive"),
        ("The Security Council held an emergency meeting on Saturday.", "meeting"),
        ("CENTCOM opened an investigation into the strike on Friday.", "investigation"),
    ],
)
def test_trigger_vocabulary_maps_to_event_types(sentence: str, kind: str) -> None:
    kinds = {e.type for e in _parse(sentence, date(2016, 9, 19))}
    assert kind in kinds, (sentence, kinds)


def test_a_described_truce_is_not_news() -> None:
    text = "The attack threatens the US-brokered ceasefire agreement."
    assert not [e for e in _parse(text) if e.type.startswith("ceasefire")]


def test_background_is_not_an_event() -> None:
    text = (
        "Russia has been carrying out airstrikes on behalf of his forces since last year. "
        "In 2014, Islamic State fighters captured Mosul. The conflict has raged since 2011."
    )
    assert _parse(text) == []


def test_what_might_happen_is_not_an_event() -> None:
    text = "The coalition would strike again if needed. Officials said they will not attack."
    assert [e for e in _parse(text) if e.type != "statement"] == []


def test_an_inherited_date_is_trusted_less_than_the_clause_own() -> None:
    text = "Coalition jets bombed Deir ez-Zor on Friday. Syrian troops attacked Aleppo."
    friday, aleppo = _parse(text)
    assert friday.date.value == "2016-09-16" and friday.date.source == "own"
    assert aleppo.date.value == "2016-09-16" and aleppo.date.source == "narrative"
    assert aleppo.confidence < friday.confidence


def test_quotes_point_into_the_text() -> None:
    text = (
        "\tBEIRUT —  Coalition jets bombed Deir ez-Zor on Friday.\n\nSyrian troops attacked Aleppo."
    )
    entries = _parse(text)
    assert entries
    for entry in entries:
        assert text[entry.start : entry.end] == entry.quote
        for mention in entry.mentions:
            assert text[mention.start : mention.end] == mention.quote


def test_sentences_about_one_happening_merge_into_one_candidate() -> None:
    text = (
        "Coalition aircraft struck Syrian Army positions near Deir ez-Zor on Saturday. "
        "Up to 80 soldiers were killed in the airstrike. "
        "Separately, Syrian troops shelled rebel areas of Aleppo on Saturday."
    )
    entries = _parse(text)
    airstrike = _of_type(entries, "airstrike")
    assert len(airstrike) == 1
    assert len(airstrike[0].mentions) == 2
    assert airstrike[0].fatalities_high == 80
    assert len(_of_type(entries, "shelling")) == 1


def test_to_dict_is_plain_json() -> None:
    import json

    (entry,) = _parse("Coalition warplanes bombed Deir ez-Zor on Saturday.")
    data = json.loads(json.dumps(entry.to_dict()))
    assert data["type"] == "airstrike"
    assert data["date"] == {
        "value": "2016-09-17",
        "edtf": "2016-09-17",
        "earliest": "2016-09-17",
        "latest": "2016-09-17",
        "precision": "day",
        "text": "Saturday",
        "source": "own",
    }
    assert data["quote"] == "Coalition warplanes bombed Deir ez-Zor on Saturday."
    assert (data["start"], data["end"]) == (0, len(data["quote"]))


# The seed article -------------------------------------------------------------------------


def _find(entries, kind, day, *, quote_has="", actor=None):
    for e in entries:
        quotes = " ".join(m.quote for m in e.mentions)
        named = actor is None or actor in {a.name for a in e.actors}
        if e.type == kind and e.date.value == day and quote_has in quotes and named:
            return e
    listing = "\n".join(f"{e.type} {e.date.value} {e.quote[:60]}" for e in entries)
    raise AssertionError(f"no {kind} on {day} ({quote_has!r}) among:\n{listing}")


def test_seed_article_yields_the_airstrike(seed_article: str, seed_published: date) -> None:
    entries = parse_text(seed_article, seed_published)
    strike = _find(entries, "airstrike", "2016-09-17", quote_has="Up to 80")
    assert "US-led coalition" in _roles(strike, "perpetrator")
    assert "Syrian Arab Army" in _roles(strike, "target")
    assert strike.fatalities_high == 80
    assert strike.place.name == "Deir ez-Zor airport"
    assert seed_article[strike.start : strike.end] == strike.quote


def test_seed_article_yields_what_followed_and_what_was_said(
    seed_article: str, seed_published: date
) -> None:
    entries = parse_text(seed_article, seed_published)
    offensive = _find(entries, "ground_offensive", "2016-09-17", quote_has="Daesh offensive")
    assert "Islamic State" in _roles(offensive, "perpetrator")
    _find(
        entries, "statement", "2016-09-17", actor="Russian Ministry of Defence", quote_has="blasted"
    )
    _find(entries, "statement", "2016-09-17", actor="US Central Command", quote_has="admitting")


def test_seed_article_yields_the_ceasefire(seed_article: str, seed_published: date) -> None:
    entries = parse_text(seed_article, seed_published)
    agreed = _find(entries, "ceasefire_agreed", "2016-09-10", quote_has="Lavrov")
    assert agreed.date.precision == "approximate" and agreed.date.edtf == "2016-09-10~"
    assert {"Sergey Lavrov", "John Kerry"} <= {a.name for a in agreed.actors}
    _find(entries, "ceasefire_in_force", "2016-09-12", quote_has="came into effect")


def test_seed_article_header_gives_the_publication_date(seed_article: str) -> None:
    entries = parse_text(seed_article, None)
    _find(entries, "airstrike", "2016-09-17")


# Bad input ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   \n\n\t ",
        "no sentence ends here and the coalition bombed deir ez-zor " * 50,
        "Die Koalition bombardierte am Samstag Stellungen der syrischen Armee bei Deir ez-Zor.",
        "التحالف قصف مواقع الجيش السوري قرب مطار دير الزور يوم السبت",
        "Coalition\x00 jets\x07 bombed\x1b[31m Deir ez-Zor\x0c on Saturday.\r\n\x00",
        "date 2016-02-31 An impossible header\nCoalition jets bombed Deir ez-Zor.",
        ")(*&^%$#@!" * 100,
    ],
)
def test_bad_input_never_crashes(text: str) -> None:
    for published in (PUBLISHED, None):
        for entry in parse_text(text, published):
            assert text[entry.start : entry.end] == entry.quote
            entry.to_dict()


def _timed(text: str) -> float:
    # CPU time of this process: other processes on a busy machine do not count.
    started = time.process_time()
    parse_text(text, PUBLISHED)
    return time.process_time() - started


@pytest.mark.parametrize(
    "unit",
    [
        "Coalition warplanes bombed Syrian Army positions near Deir ez-Zor on Saturday killing 62 ",
        "x" * 90 + " ",
        "no ends at all and nothing capitalised here ",
    ],
)
def test_cost_grows_linearly_with_length(unit: str) -> None:
    small = unit * (100_000 // len(unit))
    large = unit * (1_000_000 // len(unit))
    _timed(small)  # warm caches (geonames) before measuring
    ratio = _timed(large) / max(min(_timed(small), _timed(small)), 1e-3)
    assert ratio < 25, f"10x the text took {ratio:.1f}x the time"


# Reading habits of news text -----------------------------------------------------------------


def test_a_headline_confirms_but_does_not_date_a_happening() -> None:
    text = (
        "date 2016-09-19 Air strikes hit aid trucks near Aleppo\n\n"
        "Warplanes bombed aid trucks near Aleppo late on Monday, monitors said."
    )
    (entry,) = parse_text(text, None)
    assert entry.type == "airstrike"
    assert entry.date.value == "2016-09-19" and entry.date.source == "own"
    assert entry.quote.startswith("Warplanes bombed")
    assert len(entry.mentions) == 2  # the headline joins as a further quote


def test_a_news_agency_is_never_an_actor_of_the_happening() -> None:
    text = "BEIRUT (Reuters) - Russian jets bombed Aleppo on Monday, Reuters reported."
    entries = parse_text(text, date(2016, 9, 19))
    assert [e.type for e in entries] == ["airstrike"]
    assert "Reuters" not in {a.name for a in entries[0].actors}


def test_he_said_is_the_person_named_before() -> None:
    text = "Ambassador Samantha Power spoke in New York. She said on Sunday that Russia lied."
    (statement,) = _of_type(parse_text(text, date(2016, 9, 19)), "statement")
    assert _roles(statement, "speaker") == {"Samantha Power"}
    assert statement.date.value == "2016-09-18"


def test_a_surname_alone_is_the_known_person() -> None:
    text = "Vitaly Churkin arrived late. Churkin said on Saturday the strike was deliberate."
    (statement,) = _of_type(parse_text(text, PUBLISHED), "statement")
    assert _roles(statement, "speaker") == {"Vitaly Churkin"}


def test_dates_in_quoted_words_are_not_the_day_of_speaking() -> None:
    text = '"This was the calmest day since I got married a week ago," said Shadi Saber.'
    (statement,) = _of_type(parse_text(text, date(2016, 9, 13)), "statement")
    assert statement.date.value == "2016-09-13"
    assert statement.date.source == "publication"


def test_plans_and_descriptions_are_not_happenings() -> None:
    text = (
        "Staff were sent to Geneva to plan coordinated strikes. "
        "Washington accused Moscow of abetting his strikes on civilian targets."
    )
    assert not [e for e in parse_text(text, date(2016, 10, 3)) if e.type != "statement"]


def test_a_dateline_is_not_where_it_happened() -> None:
    text = "BEIRUT, Sept 19 (Reuters) - Warplanes bombed aid trucks near Aleppo on Monday."
    (entry,) = parse_text(text, date(2016, 9, 19))
    assert entry.place.name == "Aleppo"
    text = "BEIRUT (Reuters) - Warplanes bombed aid trucks on Monday."
    (entry,) = parse_text(text, date(2016, 9, 19))
    assert entry.place is None


def test_voices_from_the_street_are_colour_not_statements() -> None:
    text = (
        '"I hope the ceasefire holds," said Khaled al-Muraweh, a 38-year-old shopkeeper. '
        '"It was calm," said Shadi Saber, 26. "We will respond," said Igor Konashenkov.'
    )
    statements = _of_type(parse_text(text, date(2016, 9, 13)), "statement")
    assert [_roles(s, "speaker") for s in statements] == [{"Igor Konashenkov"}]


def test_minister_is_not_ministry_though_their_consonants_agree(gazetteer: Gazetteer) -> None:
    names = [m.text for m in gazetteer.match("Russian Foreign Minister Sergey Lavrov")]
    assert names == ["Russian", "Sergey Lavrov"]


def test_a_lone_sentence_does_not_outvote_the_rest_on_a_role() -> None:
    text = (
        "Coalition jets struck Syrian Army positions near Deir ez-Zor on Saturday. "
        "The strike hit Syrian troops. They had been targeting ISIS. "
        "The coalition airstrike killed 62 Syrian soldiers."
    )
    (strike,) = _of_type(_parse(text), "airstrike")
    assert _roles(strike, "target") == {"Syrian Arab Army"}


def test_proposed_names_leave_out_aircraft_and_capitals_of_grammar(gazetteer: Gazetteer) -> None:
    text = (
        "Up to 80 were killed. Two F-16s and two A-10s struck, said Khaled al-Muraweh. "
        "Muraweh added that al-Qaeda-linked fighters were near the town of Urm al-Kubra."
    )
    names = {n["name"]: n["kind"] for n in unknown_names(text, gazetteer)}
    assert names == {"Khaled al-Muraweh": "person", "Urm al-Kubra": "unknown"}
