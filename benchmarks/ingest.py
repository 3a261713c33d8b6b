"""Ingestion benchmark: 1,000 generated articles of about 800 words pushed through one
Celery worker, end to end (submit -> queue -> fetch/normalise -> extract -> done).

    make bench-ingest        # or: .venv/bin/python benchmarks/ingest.py

Needs DATABASE_URL and REDIS_URL (make sets them). Works in a scratch database named by
BENCH_DATABASE_NAME (created, migrated and dropped here) and on a queue of its own, so a
running application is not disturbed. BENCH_ARTICLES and BENCH_CONCURRENCY override the
defaults, BENCH_TIMEOUT (seconds) bounds the run, and BENCH_WITHOUT_EXTRACTION=1
measures the pipeline without extraction.
"""

from __future__ import annotations

import os
import random
import secrets
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

ARTICLES = int(os.environ.get("BENCH_ARTICLES", "1000"))
WORDS_PER_ARTICLE = 800
CONCURRENCY = int(os.environ.get("BENCH_CONCURRENCY", str(os.cpu_count() or 2)))
TIMEOUT_SECONDS = float(os.environ.get("BENCH_TIMEOUT", "900"))
AIM_PER_SECOND = 30
SEED = 20160917

ACTORS = [
    "Coalition aircraft",
    "The Syrian army",
    "Russian officials",
    "The US Central Command",
    "Islamic State fighters",
    "The UN Security Council",
    "Local activists",
    "The Syrian Observatory for Human Rights",
]
ACTIONS = [
    "struck positions near {place}",
    "said the strike near {place} was a mistake",
    "reported that {n} soldiers were killed near {place}",
    "accused Washington of breaking the ceasefire around {place}",
    "called an emergency meeting about the fighting in {place}",
    "denied that its forces had been near {place}",
    "said the ceasefire agreed {when} was at risk",
    "confirmed that {n} people had been wounded in {place}",
]
PLACES = ["Deir ez-Zor", "the airport", "Jabal Tharda", "Aleppo", "Raqqa", "Geneva", "Hama"]
WHENS = ["on Saturday", "a week earlier", "on 17 September", "in September", "on Monday"]
# News prose is mostly context, quotes and background around a few reported events.
BACKGROUND = [
    "Officials gave no further details and the account could not be independently verified.",
    "The conflict has killed hundreds of thousands of people since it began in {year}.",
    "Diplomats said talks would continue, although no date for a new round has been set.",
    "Aid agencies have repeatedly warned about shortages of food and medicine in the area.",
    "Analysts said the episode showed how fragile the arrangement between the powers was.",
    "A spokesman declined to comment further when contacted by telephone on {weekday}.",
    "Residents described long queues for bread and fuel over the past {n} weeks.",
    "The statement was published on the ministry's website and read out on state television.",
    "Several journalists who tried to reach the area were turned back at checkpoints.",
    "Observers noted that similar claims had been made and withdrawn in earlier months.",
]
EVENT_SHARE = 0.2
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]


def log(message: str) -> None:
    print(f"[bench-ingest] {message}", flush=True)


def article(n: int, rng: random.Random) -> bytes:
    """A seed-format article: a date header, then about 800 words of sentences, about one
    in five reporting an event (actor, action, place, date), the rest background."""
    day = 1 + n % 28
    sentences: list[str] = []
    words = 0
    while words < WORDS_PER_ARTICLE:
        if rng.random() < EVENT_SHARE:
            action = rng.choice(ACTIONS).format(
                place=rng.choice(PLACES), n=rng.randint(2, 90), when=rng.choice(WHENS)
            )
            sentence = f"{rng.choice(ACTORS)} {action} {rng.choice(WHENS)}."
        else:
            sentence = rng.choice(BACKGROUND).format(
                year=rng.randint(2009, 2012), weekday=rng.choice(WEEKDAYS), n=rng.randint(2, 9)
            )
        sentences.append(sentence)
        words += len(sentence.split())
    paragraphs = [" ".join(sentences[i : i + 5]) for i in range(0, len(sentences), 5)]
    headline = f"Report {n}: fighting near {rng.choice(PLACES)}"
    body = "\n\n".join(paragraphs)
    return f"date 2016-09-{day:02d} {headline}\n\n{body}\n".encode()


def database_url(name: str) -> str:
    parts = urlsplit(os.environ["DATABASE_URL"])
    return urlunsplit(parts._replace(path=f"/{name}"))


def recreate_database(admin_url: str, name: str, *, drop_only: bool = False) -> None:
    import psycopg2

    connection = psycopg2.connect(admin_url.replace("pgsql://", "postgresql://"))
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if not drop_only:
            cursor.execute(f'CREATE DATABASE "{name}"')
    connection.close()


def start_worker(env: dict[str, str], queue: str, hostname: str) -> subprocess.Popen:
    log_path = BASE_DIR / "var" / "bench-ingest-worker.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    return subprocess.Popen(
        [
            sys.executable,
            *("-m", "celery", "-A", "config", "worker", "-Q", queue),
            *("--concurrency", str(CONCURRENCY), "--loglevel", "WARNING"),
            *("--without-gossip", "--without-mingle", "--hostname", hostname),
        ],
        cwd=BASE_DIR,
        env=env,
        stdout=log_path.open("ab"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def main() -> int:
    if not os.environ.get("DATABASE_URL") or not os.environ.get("REDIS_URL"):
        log("DATABASE_URL and REDIS_URL must be set (make bench-ingest sets them)")
        return 2
    name = os.environ.get("BENCH_DATABASE_NAME", "bench_timeline")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    admin_url = os.environ["DATABASE_URL"]
    recreate_database(admin_url, name)
    os.environ["DATABASE_URL"] = database_url(name)
    queue = f"bench-ingest-{os.getpid()}"
    hostname = f"bench-ingest-{os.getpid()}@%h"
    worker: subprocess.Popen | None = None
    try:
        import django

        django.setup()
        from django.conf import settings
        from django.core.management import call_command
        from django.utils.module_loading import import_string

        from config.celery import app
        from sources.models import Source
        from sources.services import submit_file

        log(f"migrating scratch database {name}")
        call_command("migrate", verbosity=0)
        # The worker runs as deployed (production settings: persistent database
        # connections), not with the test settings' one connection per task.
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.production",
            "SECRET_KEY": secrets.token_urlsafe(64),
            "DEBUG": "false",
        }
        if os.environ.get("BENCH_WITHOUT_EXTRACTION"):
            env["SOURCES_EXTRACTOR"] = ""
            log("extraction NOT included (BENCH_WITHOUT_EXTRACTION): the pipeline alone")
        else:
            try:
                import_string(settings.SOURCES_EXTRACTOR)
                log(f"extraction included: {settings.SOURCES_EXTRACTOR}")
            except ImportError:
                env["SOURCES_EXTRACTOR"] = ""
                log(f"extraction NOT included: {settings.SOURCES_EXTRACTOR} cannot be imported")
        app.conf.task_default_queue = queue
        worker = start_worker(env, queue, hostname)
        deadline = time.monotonic() + 60
        while not app.control.ping(timeout=0.5):
            if worker.poll() is not None or time.monotonic() > deadline:
                log("the worker did not start; see var/bench-ingest-worker.log")
                return 1

        rng = random.Random(SEED)
        articles = [article(n, rng) for n in range(ARTICLES)]
        words = sum(len(text.split()) for text in articles) / len(articles)
        log(f"{ARTICLES} articles of about {words:.0f} words; worker concurrency {CONCURRENCY}")

        started = time.perf_counter()
        ids = []
        for n, data in enumerate(articles):
            (submission,) = submit_file(data=data, filename=f"bench-{n}.txt")
            assert submission.source is not None, submission.error
            ids.append(submission.source.pk)
        submitted = time.perf_counter() - started
        finished = 0
        while finished < len(ids):
            if time.perf_counter() - started > TIMEOUT_SECONDS:
                elapsed = time.perf_counter() - started
                print(
                    f"ingest: TIMED OUT after {elapsed:.0f}s with {finished} of {len(ids)} "
                    f"finished = {finished / elapsed:.1f} articles/s (aim >= {AIM_PER_SECOND}/s)",
                    flush=True,
                )
                return 1
            time.sleep(0.1)
            finished = Source.objects.filter(status__in=["done", "failed"]).count()
        elapsed = time.perf_counter() - started

        statuses = Counter(Source.objects.values_list("status", flat=True))
        rate = len(ids) / elapsed
        log(f"submitted {len(ids)} in {submitted:.1f}s ({len(ids) / submitted:.0f}/s)")
        log(f"statuses: {dict(statuses)}")
        for error, count in Counter(
            Source.objects.filter(status="failed").values_list("error", flat=True)
        ).most_common(3):
            log(f"failed x{count}: {error}")
        print(
            f"ingest: {len(ids)} articles end to end in {elapsed:.1f}s = {rate:.1f} articles/s "
            f"(aim >= {AIM_PER_SECOND}/s)",
            flush=True,
        )
        return 0 if statuses.get("done") == len(ids) else 1
    finally:
        if worker is not None and worker.poll() is None:
            os.killpg(worker.pid, signal.SIGTERM)
            try:
                worker.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(worker.pid, signal.SIGKILL)
        try:
            from config.celery import app

            with app.connection_for_write() as connection:
                connection.default_channel.queue_delete(queue)
        except Exception as exc:
            log(f"could not delete queue {queue}: {exc}")
        try:
            from django.db import connections

            connections.close_all()
        except Exception:
            pass
        recreate_database(admin_url, name, drop_only=True)


if __name__ == "__main__":
    sys.exit(main())
