"""Throughput of events.extraction.dates.extract_dates beside dateparser's search_dates.

Run from the project root:  .venv/bin/python benchmarks/dates.py

Generates 1,000 articles of ~800 words deterministically (seeded random choice of
sentence templates with dates, mixed with sentences without dates), times
extract_dates on all of them, dateparser's search_dates on a subset (it is much
slower), and extract_dates on 10k, 100k and 1M character texts. Needs no Django
settings and no database.
"""

from __future__ import annotations

import random
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from events.extraction.dates import extract_dates

N_ARTICLES = 1000
N_DATEPARSER = 50
WORDS = 800
MONTHS = "January February March April May June July August September October November December"
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
TEMPLATES = [
    "Coalition aircraft struck positions near {place} on {weekday}, officials said.",
    "The ceasefire agreed on {month} {day} collapsed {rel}.",
    "Russia and the United States will meet in Geneva on {weekday} to discuss the truce.",
    "At least {n} soldiers were killed in the strike, the ministry said in a statement.",
    "The talks, first held on {day} {month} {year}, resumed {rel}.",
    "{n} F-16 and A10 aircraft took part, according to Resolution 2254 monitors.",
    "Aid convoys moved between {day} and {day2} {month} under UN escort.",
    "In {year}, the government lost control of much of {place}.",
    "Two days later, the observers reported new shelling near {place}.",
    "The army has been besieged there since the {decade}s.",
    "Fighting in the third quarter was the heaviest since {year}.",
    "Officials currently expect the situation to improve in the coming weeks.",
    "The report, dated {iso}, was published {rel}.",
    "Prices rose to ${n} a tonne and the score ended 3-2 at 10:30 a.m.",
    "The strike happened {n2} days ago, a spokesman told reporters.",
    "Lavrov spoke to Kerry by phone last week and again this week.",
    "Residents said the bombardment continued from Monday to Wednesday.",
]
# sentences without dates, so that a generated article has about as many date
# expressions per 800 words as wire news (some 20-30) rather than one per sentence
FILLER = [
    "The Syrian Observatory for Human Rights, a monitoring group, gave a higher toll.",
    "Washington and Moscow have backed opposing sides in the conflict.",
    "The statement did not say how many aircraft were involved in the operation.",
    "A spokesman for the coalition said the incident would be investigated.",
    "Humanitarian agencies have warned that civilians are running short of food and fuel.",
    "The government in Damascus accused the coalition of supporting militants.",
    "Diplomats at the United Nations called for restraint on all sides.",
    "Islamic State fighters took advantage of the confusion to advance on the hill.",
    "Residents described heavy shelling and columns of smoke over the city.",
    "The envoy said that a political solution remained the only way forward.",
    "Both sides blamed each other for violations of the agreement.",
    "Aid trucks waited at the border crossing for permission to enter.",
]
PLACES = ["Deir ez-Zor", "Aleppo", "Raqqa", "Palmyra", "Homs", "Idlib", "Jabal Tharda"]
RELS = ["yesterday", "today", "last night", "last month", "earlier this month", "last year"]


def make_articles(n: int, seed: int = 20160917) -> list[tuple[str, date]]:
    rng = random.Random(seed)
    months = MONTHS.split()
    out = []
    for _ in range(n):
        published = date(2016, 1, 1) + timedelta(days=rng.randrange(366))
        words: list[str] = []
        while len(words) < WORDS:
            pool = TEMPLATES if rng.random() < 0.35 else FILLER
            sentence = rng.choice(pool).format(
                place=rng.choice(PLACES),
                weekday=rng.choice(WEEKDAYS),
                month=rng.choice(months),
                day=rng.randint(1, 28),
                day2=rng.randint(1, 28),
                year=rng.randint(1990, 2016),
                decade=rng.choice([1970, 1980, 1990]),
                rel=rng.choice(RELS),
                n=rng.randint(2, 900),
                n2=rng.randint(2, 20),
                iso=(published - timedelta(days=rng.randint(0, 30))).isoformat(),
            )
            words.extend(sentence.split())
        paragraphs = [" ".join(words[i : i + 120]) for i in range(0, len(words), 120)]
        out.append(("\n\n".join(paragraphs), published))
    return out


def main() -> None:
    articles = make_articles(N_ARTICLES)
    chars = sum(len(t) for t, _ in articles)
    words = sum(len(t.split()) for t, _ in articles)
    print(
        f"corpus: {len(articles)} generated articles, {words / len(articles):.0f} words "
        f"and {chars / len(articles):.0f} characters on average"
    )

    t0 = time.perf_counter()
    found = sum(len(extract_dates(t, d)) for t, d in articles)
    sec = time.perf_counter() - t0
    print(
        f"extract_dates:  {len(articles) / sec:8.1f} articles/s  ({sec:.2f} s for "
        f"{len(articles)} articles, {found} expressions, {chars / sec / 1e6:.2f} M chars/s)"
    )

    try:
        from dateparser.search import search_dates
    except ImportError:
        print("dateparser: not installed")
    else:
        from datetime import datetime

        subset = articles[:N_DATEPARSER]
        t0 = time.perf_counter()
        hits = 0
        for text, d in subset:
            settings = {"RELATIVE_BASE": datetime(d.year, d.month, d.day)}
            hits += len(search_dates(text, languages=["en"], settings=settings) or [])
        sec = time.perf_counter() - t0
        print(
            f"dateparser.search.search_dates: {len(subset) / sec:8.2f} articles/s  "
            f"(timed on the first {len(subset)} of the same articles only, {sec:.1f} s, "
            f"{hits} hits)"
        )

    filler = " ".join(t for t, _ in articles)
    for size in (10_000, 100_000, 1_000_000):
        text = (filler * (size // len(filler) + 1))[:size]
        t0 = time.perf_counter()
        n = len(extract_dates(text, date(2016, 9, 17)))
        print(
            f"extract_dates on {size:>9,} characters: {time.perf_counter() - t0:7.3f} s "
            f"({n} expressions)"
        )
    text = "x" * 1_000_000
    t0 = time.perf_counter()
    extract_dates(text, date(2016, 9, 17))
    print(
        f"extract_dates on 1,000,000 characters without spaces or sentence ends: "
        f"{time.perf_counter() - t0:7.3f} s"
    )


if __name__ == "__main__":
    main()
