"""Articles per second of the extraction library's parse_text, in one process, no database.

    .venv/bin/python benchmarks/extraction.py [--articles 1000] [--words 800]

The articles are generated here, deterministically (a seeded RNG over varied sentence
templates: strikes, shelling, offensives, truces, statements, meetings, background and
filler), so every run measures the same work.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from events.extraction.candidates import parse_text
from events.extraction.gazetteer import default_gazetteer

SEED = 20160917
ARTICLES = 1000
WORDS = 800
FIRST_DAY = date(2016, 1, 1)

ACTORS = [
    "the US-led coalition",
    "Russian warplanes",
    "Syrian government forces",
    "Islamic State fighters",
    "the Syrian Army",
    "Turkish troops",
    "Kurdish militia",
    "rebel groups",
    "Hezbollah fighters",
    "Iraqi forces",
    "Jabhat Fatah al-Sham",
    "CENTCOM",
]
SPEAKERS = [
    "the Russian Ministry of Defence",
    "the Pentagon",
    "US Central Command",
    "the Syrian Observatory for Human Rights",
    "State Department spokesman John Kirby",
    "Maj. Gen. Igor Konashenkov",
    "Foreign Minister Sergei Lavrov",
    "Secretary of State John Kerry",
    "a UN spokesman",
    "local officials",
]
PLACES = [
    "Deir ez-Zor",
    "Deir al-Zor airport",
    "Aleppo",
    "Homs",
    "Hama",
    "Idlib",
    "Raqqa",
    "Palmyra",
    "Mosul",
    "Damascus",
    "Jabal Tharda",
    "the eastern countryside",
]
DAYS = [
    "on Monday",
    "on Tuesday",
    "on Wednesday",
    "late on Thursday",
    "on Friday",
    "on Saturday",
    "early on Sunday",
    "last week",
    "on September 12",
    "two days earlier",
    "yesterday",
    "",
]
TOLLS = [
    "killing at least {n} people",
    "killing {n} soldiers",
    "leaving up to {n} dead",
    "killing dozens of civilians",
    "wounding {n} more",
    "",
]
EVENT_TEMPLATES = [
    "{actor} bombed positions held by {target} near {place} {day}, {toll}.",
    "An air strike by {actor} hit {target} in {place} {day}, {toll}, {speaker} said.",
    "{actor} shelled residential areas of {place} {day}, according to {speaker}.",
    "{actor} launched a major offensive against {target} around {place} {day}.",
    "{speaker} said {day} that {actor} had attacked {target} near {place}.",
    "A ceasefire brokered by Russia and the United States took effect {day} across Syria.",
    "The truce collapsed {day} after {actor} accused {target} of violations.",
    "{speaker} accused {actor} {day} of killing {n} civilians in {place}.",
    "The UN Security Council held an emergency meeting {day} to discuss the attack.",
    "Up to {n} people were killed in the raid on {place} {day}, {speaker} reported.",
    "{speaker} condemned the strike on {place} and called for an investigation.",
    "Aid convoys reached {place} {day} for the first time in weeks.",
]
BACKGROUND_TEMPLATES = [
    "The war, which began in 2011, has killed more than 300,000 people.",
    "{actor} has controlled parts of {place} since 2014.",
    "Russia has been carrying out airstrikes in Syria since last year.",
    "Residents said the streets of {place} were quiet and shops had reopened.",
    "Analysts expect talks in Geneva to resume if the violence subsides.",
    "The city had a population of about {n},000 before the war.",
    "Officials would not say whether further strikes were planned.",
    "Prices of bread and fuel have risen sharply over the past months.",
    "\u201cWe are waiting for the fighting to stop,\u201d said a shopkeeper in {place}.",
    "The report could not be independently verified.",
]


def _sentence(rng: random.Random) -> str:
    template = rng.choice(EVENT_TEMPLATES if rng.random() < 0.55 else BACKGROUND_TEMPLATES)
    text = template.format(
        actor=rng.choice(ACTORS),
        target=rng.choice(ACTORS),
        speaker=rng.choice(SPEAKERS),
        place=rng.choice(PLACES),
        day=rng.choice(DAYS),
        toll=rng.choice(TOLLS).format(n=rng.randint(2, 120)),
        n=rng.randint(2, 120),
    )
    text = " ".join(text.split()).replace(" ,", ",").replace(" .", ".")
    return text[0].upper() + text[1:]


def generate(count: int = ARTICLES, words: int = WORDS, seed: int = SEED) -> list[tuple[str, date]]:
    """`count` articles of about `words` words, each with its publication date."""
    rng = random.Random(seed)
    articles = []
    for _ in range(count):
        published = FIRST_DAY + timedelta(days=rng.randint(0, 730))
        paragraphs: list[str] = []
        n_words = 0
        while n_words < words:
            paragraph = " ".join(_sentence(rng) for _ in range(rng.randint(1, 4)))
            paragraphs.append(paragraph)
            n_words += len(paragraph.split())
        headline = _sentence(rng).rstrip(".")
        articles.append((f"date {published} {headline}\n\n" + "\n\n".join(paragraphs), published))
    return articles


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=ARTICLES)
    parser.add_argument("--words", type=int, default=WORDS)
    args = parser.parse_args(argv)

    articles = generate(args.articles, args.words)
    gazetteer = default_gazetteer()
    parse_text(articles[0][0], articles[0][1], gazetteer)  # load geonames once, untimed

    started, cpu_started = time.perf_counter(), time.process_time()
    entries = 0
    for text, published in articles:
        entries += len(parse_text(text, published, gazetteer))
    elapsed = time.perf_counter() - started
    cpu = time.process_time() - cpu_started

    words = sum(len(text.split()) for text, _ in articles) / len(articles)
    print(f"extraction: {len(articles)} articles of ~{words:.0f} words in {elapsed:.2f} s")
    print(f"extraction: {len(articles) / elapsed:.1f} articles/second ({entries} entries)")
    # On a busy machine the wall clock counts other processes' turns; CPU time does not.
    print(f"extraction: {len(articles) / cpu:.1f} articles per CPU-second of this process")
    return 0


if __name__ == "__main__":
    sys.exit(main())
