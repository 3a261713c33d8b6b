"""Server times of the reader's pages over an archive of 100,000 events.

Creates the scratch database BENCH_DATABASE_NAME on the server named by DATABASE_URL,
migrates it, fills it with generated events (with actors, places, sources and citations)
by COPY, then requests each page many times through Django's test client in-process and
prints the median and 95th percentile. The database is dropped at the end.

    DATABASE_URL=postgres://... REDIS_URL=redis://... BENCH_DATABASE_NAME=bench_pages \
        .venv/bin/python benchmarks/pages.py

BENCH_EVENTS and BENCH_REQUESTS change the archive size and the requests per page.
"""

from __future__ import annotations

import io
import os
import random
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

EVENTS = int(os.environ.get("BENCH_EVENTS", "100000"))
REQUESTS = int(os.environ.get("BENCH_REQUESTS", "60"))
WARMUP = 5
ACTORS = 400
PLACES = 300
SOURCES = 3000
FIRST_DAY = date(2012, 1, 1)
DAYS = 365 * 10
AIM_MS = 50.0
SEED = 17
# Generated actors and places get ids above the gazetteer that migrations seed.
ID_BASE = 1_000_000

WORDS = [
    "airstrike",
    "convoy",
    "ceasefire",
    "shelling",
    "offensive",
    "airport",
    "checkpoint",
    "ministry",
    "statement",
    "negotiation",
    "talks",
    "truce",
    "hospital",
    "village",
    "bridge",
    "brigade",
    "militia",
    "garrison",
    "positions",
    "artillery",
    "drone",
    "aircraft",
    "coalition",
    "army",
    "rebels",
    "civilians",
    "casualties",
    "evacuation",
    "aid",
    "border",
    "river",
    "province",
    "district",
    "city",
    "airbase",
    "barracks",
    "investigation",
    "report",
]
TYPES = [
    "airstrike", "shelling", "ground_offensive", "attack", "ceasefire_agreed",
    "ceasefire_in_force", "statement", "casualty_report", "meeting", "humanitarian",
]  # fmt: skip
# Ordinary words padding summaries, so each domain word above occurs in a few per cent
# of events, as a word like "convoy" does in a real archive; search is measured on them.
FILLER = [f"w{n:04d}" for n in range(3000)]
PUBLISHERS = ["Wire One", "Daily Courier", "Sputnik", "Reuters", "Al-Masdar", "Ministry"]


def _bench_url() -> tuple[str, str]:
    url = os.environ.get("DATABASE_URL")
    name = os.environ.get("BENCH_DATABASE_NAME", "bench_pages")
    if not url:
        sys.exit("DATABASE_URL is not set (make bench sets it)")
    parts = urlsplit(url)
    return url, urlunsplit(parts._replace(path=f"/{name}"))


def _admin_connection(url: str):
    import psycopg2

    conn = psycopg2.connect(url)
    conn.autocommit = True
    return conn


def _recreate(admin_url: str, name: str, *, drop_only: bool = False) -> None:
    conn = _admin_connection(admin_url)
    with conn.cursor() as cur:
        cur.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = %s AND pid <> pg_backend_pid()",
            (name,),
        )
        cur.execute(f'DROP DATABASE IF EXISTS "{name}"')
        if not drop_only:
            cur.execute(f'CREATE DATABASE "{name}"')
    conn.close()


def _copy(cur, table: str, columns: list[str], rows: list[tuple]) -> None:
    buf = io.StringIO()
    for row in rows:
        buf.write(
            "\t".join(
                "\\N" if v is None else str(v).replace("\\", "\\\\").replace("\t", " ") for v in row
            )
            + "\n"
        )
    buf.seek(0)
    cols = ", ".join(f'"{c}"' for c in columns)
    cur.copy_expert(f"COPY {table} ({cols}) FROM STDIN", buf)


def _sentence(rng: random.Random, n: int) -> str:
    return " ".join(
        rng.choice(WORDS) if rng.random() < 0.05 else rng.choice(FILLER) for _ in range(n)
    )


def fill(rng: random.Random) -> dict:
    """Generated rows, written with COPY: minutes would go to ORM saves otherwise."""
    from django.db import connection

    now = "2026-01-01 00:00:00+00"
    with connection.cursor() as django_cur:
        cur = django_cur.cursor
        _copy(
            cur,
            "events_actor",
            ["id", "name", "slug", "kind", "aliases", "description", "status", "created"],
            [
                (ID_BASE + i, f"Actor {i} {rng.choice(WORDS)}", f"bench-actor-{i}",
                 "armed_force", "{}", "", "published", now)
                for i in range(1, ACTORS + 1)
            ],
        )  # fmt: skip
        _copy(
            cur,
            "events_place",
            ["id", "name", "slug", "aliases", "latitude", "longitude", "country", "kind",
             "gazetteer_id", "status", "created"],
            [
                (ID_BASE + i, f"Place {i}", f"bench-place-{i}", "{}", round(rng.uniform(30, 37), 4),
                 round(rng.uniform(35, 42), 4), "Syria", "city", "", "published", now)
                for i in range(1, PLACES + 1)
            ],
        )  # fmt: skip
        texts = {}
        source_rows = []
        for i in range(1, SOURCES + 1):
            text = ". ".join(_sentence(rng, 12) for _ in range(8)) + "."
            texts[i] = text
            source_rows.append(
                (i, "article", None, f"Report {i}", rng.choice(PUBLISHERS), "",
                 FIRST_DAY + timedelta(days=rng.randrange(DAYS)), "day", "en", text,
                 f"{i:064x}", "done", now, "", 0, "", now, now)
            )  # fmt: skip
        _copy(
            cur,
            "sources_source",
            ["id", "kind", "url", "title", "publisher", "author", "published",
             "published_precision", "language", "text", "content_hash", "status",
             "status_changed", "error", "attempts", "reliability_notes", "created", "updated"],
            source_rows,
        )  # fmt: skip
        events, roles, citations = [], [], []
        for i in range(1, EVENTS + 1):
            earliest = FIRST_DAY + timedelta(days=rng.randrange(DAYS))
            precision = rng.choices(["day", "approximate", "month"], [85, 10, 5])[0]
            latest = earliest
            edtf = earliest.isoformat()
            if precision == "month":
                earliest = earliest.replace(day=1)
                latest = (earliest.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(
                    days=1
                )
                edtf = earliest.isoformat()[:7]
            elif precision == "approximate":
                latest = earliest + timedelta(days=6)
                edtf = f"{(earliest + timedelta(days=3)).isoformat()}~"
            kind = rng.choice(TYPES)
            label = kind.replace("_", " ").capitalize()
            title = f"{label} near place {i % PLACES}: {_sentence(rng, 4)}"
            low = rng.randrange(0, 90)
            events.append(
                (i, title[:300], f"event-{i}", _sentence(rng, 25), kind, edtf, earliest, latest,
                 precision, ID_BASE + rng.randrange(1, PLACES + 1), low, low + rng.randrange(0, 20),
                 rng.choices(["published", "candidate"], [95, 5])[0], 0.8,
                 rng.random() < 0.05, now, now)
            )  # fmt: skip
            for actor, role in zip(
                rng.sample(range(ID_BASE + 1, ID_BASE + ACTORS + 1), 2),
                ("perpetrator", "target"),
                strict=True,
            ):
                roles.append((len(roles) + 1, i, actor, role))
            for source in rng.sample(range(1, SOURCES + 1), rng.choice([1, 1, 2])):
                text = texts[source]
                start = rng.randrange(0, len(text) - 60)
                end = start + rng.randrange(20, 60)
                citations.append(
                    (len(citations) + 1, i, source, text[start:end], start, end, "", None, None,
                     "", low, low, "asserts", "machine", 0.8, now)
                )  # fmt: skip
        _copy(
            cur,
            "events_event",
            ["id", "title", "slug", "summary", "type", "edtf", "earliest", "latest", "precision",
             "place_id", "fatalities_low", "fatalities_high", "status", "confidence", "disputed",
             "created", "updated"],
            events,
        )  # fmt: skip
        _copy(cur, "events_eventactor", ["id", "event_id", "actor_id", "role"], roles)
        _copy(
            cur,
            "events_citation",
            ["id", "event_id", "source_id", "quote", "start", "end", "claimed_edtf",
             "claimed_earliest", "claimed_latest", "claimed_precision", "fatalities_low",
             "fatalities_high", "stance", "made_by", "confidence", "created"],
            citations,
        )  # fmt: skip
        # The search vector as the services keep it (events.editorial.refresh_search_vector):
        # title and summary, then the quotes.
        cur.execute(
            """
            UPDATE events_event e SET search =
                to_tsvector('english', e.title || ' ' || e.summary)
                || to_tsvector('english', coalesce(q.quotes, ''))
            FROM (SELECT event_id, string_agg(quote, ' ') AS quotes
                  FROM events_citation GROUP BY event_id) q
            WHERE q.event_id = e.id
            """
        )
        for table in ("events_actor", "events_place", "sources_source", "events_event",
                      "events_eventactor", "events_citation"):  # fmt: skip
            cur.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT max(id) FROM {table}))"
            )
        cur.execute("VACUUM ANALYZE")
    return {"events": len(events), "citations": len(citations), "roles": len(roles)}


def measure(client, url: str) -> tuple[float, float, float]:
    """Median and 95th-percentile wall time of a request, and the median CPU time this
    process spent on it (templates, ORM; not the database server's work), which a busy
    machine inflates far less than wall time."""
    for _ in range(WARMUP):
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code, response.content[:300])
    times, cpu = [], []
    for _ in range(REQUESTS):
        started, started_cpu = time.perf_counter(), time.process_time()
        client.get(url)
        cpu.append((time.process_time() - started_cpu) * 1000)
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.95) - 1], statistics.median(cpu)


def main() -> int:
    admin_url, bench_url = _bench_url()
    name = urlsplit(bench_url).path.lstrip("/")
    _recreate(admin_url, name)
    os.environ["DATABASE_URL"] = bench_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    try:
        import django

        django.setup()
        from django.conf import settings
        from django.core.management import call_command
        from django.db import connection
        from django.test import Client

        # Persistent connections, as a production server keeps them.
        settings.DATABASES["default"]["CONN_MAX_AGE"] = None
        settings.ALLOWED_HOSTS = ["*"]

        started = time.perf_counter()
        call_command("migrate", verbosity=0)
        counts = fill(random.Random(SEED))
        print(
            f"filled {counts['events']:,} events, {counts['roles']:,} actor roles, "
            f"{counts['citations']:,} citations in {time.perf_counter() - started:.1f} s"
        )
        with connection.cursor() as cur:
            cur.execute(
                "SELECT earliest, latest, id FROM events_event WHERE status = 'published' "
                "ORDER BY earliest, latest, id OFFSET %s LIMIT 1",
                (int(EVENTS * 0.9),),
            )
            deep_earliest, deep_latest, deep_pk = cur.fetchone()
            cur.execute(
                "SELECT slug FROM events_event WHERE status = 'published' ORDER BY id LIMIT 1 "
                "OFFSET %s",
                (EVENTS // 2,),
            )
            slug = cur.fetchone()[0]
            cur.execute("SELECT slug FROM events_actor WHERE id = %s", (ID_BASE + 1,))
            actor = cur.fetchone()[0]
        pages = [
            ("timeline, first page", "/"),
            ("timeline, deep page (90%)", f"/?after={deep_earliest}.{deep_latest}.{deep_pk}"),
            ("timeline, type and year", "/?type=airstrike&start=2016-01-01&end=2016-12-31"),
            ("timeline, a late month", "/?start=2021-06-01&end=2021-06-30"),
            ("timeline, by actor", f"/?actor={actor}"),
            ("search, one word, ranked", "/?q=convoy"),
            ("search, two words, ranked", "/?q=convoy+hospital"),
            ("search, by date", "/?q=convoy&sort=time&start=2015"),
            ("event page", f"/events/{slug}/"),
            ("source page", "/sources/42/"),
        ]
        client = Client()
        load = ", ".join(f"{n:.1f}" for n in os.getloadavg())
        print(f"load average {load} on {os.cpu_count()} CPUs; {REQUESTS} requests per page")
        print(f"{'page':<28} {'median ms':>10} {'p95 ms':>10} {'app CPU ms':>11}")
        slow = []
        for label, url in pages:
            median, p95, cpu = measure(client, url)
            print(f"{label:<28} {median:>10.1f} {p95:>10.1f} {cpu:>11.1f}")
            if median > AIM_MS:
                slow.append(label)
        if slow:
            print(f"over the {AIM_MS:.0f} ms aim: {', '.join(slow)}")
        connection.close()
    finally:
        _recreate(admin_url, name, drop_only=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
