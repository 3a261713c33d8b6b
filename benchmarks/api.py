"""The REST API under load: the events list over 100,000 events, served by gunicorn.

Creates the scratch database BENCH_DATABASE_NAME, migrates it, fills it by COPY (the same
generated archive as benchmarks/pages.py: events with actors, places, sources, citations
and search vectors), starts gunicorn on a free 127.0.0.1 port with the URLconf in
benchmarks/_bench_urls.py, and prints for the list endpoint (plain, filtered, searched, deep
cursor) and for a trivial JSON view of the same server:

- median and 95th-percentile time of sequential requests on a keep-alive connection;
- requests per second from a concurrent load generator (threads, keep-alive connections,
  bounded by count and time).

Then it stops the server and drops the database.

    DATABASE_URL=postgres://... REDIS_URL=redis://... BENCH_DATABASE_NAME=bench_api \\
        .venv/bin/python benchmarks/api.py

BENCH_EVENTS, BENCH_REQUESTS, BENCH_LOAD_SECONDS and BENCH_CLIENTS change the sizes.
"""

from __future__ import annotations

import base64
import http.client
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
os.environ.setdefault("BENCH_DATABASE_NAME", "bench_api")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

from benchmarks.pages import SEED, _bench_url, _recreate, fill  # noqa: E402

REQUESTS = int(os.environ.get("BENCH_REQUESTS", "200"))
WARMUP = 20
LOAD_SECONDS = float(os.environ.get("BENCH_LOAD_SECONDS", "8"))
LOAD_MAX_REQUESTS = 20_000
CLIENTS = int(os.environ.get("BENCH_CLIENTS", "8"))
WORKERS = max(2, os.cpu_count() or 2)
THREADS = 4
HOST = "127.0.0.1"
AIM_MEDIAN_MS = 30.0
AIM_RPS_SHARE = 0.5


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def _cursor_at(day: str) -> str:
    # The same token the API hands out for a page starting at that day.
    return base64.b64encode(f"p={day}".encode()).decode()


def _get(conn: http.client.HTTPConnection, path: str) -> int:
    conn.request("GET", path, headers={"Accept": "application/json"})
    response = conn.getresponse()
    response.read()
    return response.status


def latency(port: int, path: str) -> tuple[float, float]:
    conn = http.client.HTTPConnection(HOST, port, timeout=30)
    for _ in range(WARMUP):
        status = _get(conn, path)
        if status != 200:
            raise SystemExit(f"GET {path} answered {status}")
    times = []
    for _ in range(REQUESTS):
        started = time.perf_counter()
        _get(conn, path)
        times.append((time.perf_counter() - started) * 1000)
    conn.close()
    times.sort()
    return statistics.median(times), times[max(0, int(len(times) * 0.95) - 1)]


def throughput(port: int, path: str) -> float:
    """Requests per second from CLIENTS threads, each on its own keep-alive connection,
    until LOAD_SECONDS pass or LOAD_MAX_REQUESTS are done."""
    done = [0] * CLIENTS
    errors = [0] * CLIENTS
    deadline = time.perf_counter() + LOAD_SECONDS
    budget = LOAD_MAX_REQUESTS // CLIENTS

    def client(n: int) -> None:
        conn = http.client.HTTPConnection(HOST, port, timeout=30)
        while done[n] < budget and time.perf_counter() < deadline:
            try:
                if _get(conn, path) == 200:
                    done[n] += 1
                else:
                    errors[n] += 1
            except (OSError, http.client.HTTPException):
                errors[n] += 1
                conn.close()
                conn = http.client.HTTPConnection(HOST, port, timeout=30)
        conn.close()

    started = time.perf_counter()
    threads = [threading.Thread(target=client, args=(n,)) for n in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    if sum(errors):
        print(f"  ({sum(errors)} failed requests on {path})")
    return sum(done) / elapsed


def _wait_for(port: int, server: subprocess.Popen) -> None:
    for _ in range(300):
        if server.poll() is not None:
            raise SystemExit("gunicorn exited before serving")
        try:
            conn = http.client.HTTPConnection(HOST, port, timeout=2)
            if _get(conn, "/bench/trivial") == 200:
                return
        except OSError:
            time.sleep(0.1)
    raise SystemExit("gunicorn did not answer within 30 s")


def main() -> int:
    admin_url, bench_url = _bench_url()
    name = urlsplit(bench_url).path.lstrip("/")
    _recreate(admin_url, name)
    server = None
    try:
        os.environ["DATABASE_URL"] = bench_url
        import django
        from django.core.management import call_command

        django.setup()
        call_command("migrate", verbosity=0)
        started = time.perf_counter()
        counts = fill(random.Random(SEED))
        print(
            f"filled {counts['events']:,} events, {counts['citations']:,} citations "
            f"in {time.perf_counter() - started:.1f} s"
        )
        from django.db import connection

        from events.models import Actor, Event

        actor = Actor.objects.filter(slug__startswith="bench-actor-").order_by("id").first()
        count = Event.objects.published().count()
        deep_day = (
            Event.objects.published()
            .order_by("earliest", "latest", "id")
            .values_list("earliest", flat=True)[count * 9 // 10]
            .isoformat()
        )
        connection.close()

        port = _free_port()
        env = {**os.environ, "DATABASE_URL": bench_url}
        server = subprocess.Popen(
            [
                str(Path(sys.executable).parent / "gunicorn"),
                "benchmarks._bench_urls:application",
                "--bind", f"{HOST}:{port}",
                "--workers", str(WORKERS),
                "--worker-class", "gthread",
                "--threads", str(THREADS),
                "--log-level", "warning",
                "--chdir", str(BASE_DIR),
            ],
            env=env,
        )  # fmt: skip
        _wait_for(port, server)

        cases = [
            ("trivial JSON view", "/bench/trivial"),
            ("events list", "/api/events/"),
            (
                "events list, filtered",
                f"/api/events/?start=2016-01&end=2016-12&type=airstrike&type=shelling"
                f"&actor={actor.slug}",
            ),
            ("events list, filtered by date", "/api/events/?start=2016-09&end=2016-09"),
            ("events list, searched", "/api/events/?q=convoy"),
            ("events list, searched + date", "/api/events/?q=convoy&start=2016&end=2016"),
            ("events list, deep cursor", f"/api/events/?cursor={_cursor_at(deep_day)}"),
        ]
        print(
            f"\nAPI over {count:,} published events; gunicorn {WORKERS} workers x {THREADS} "
            f"threads on {HOST}:{port}; {REQUESTS} sequential requests each"
        )
        print(f"{'':34} {'median ms':>10} {'p95 ms':>10}")
        medians = {}
        for label, path in cases:
            median, p95 = latency(port, path)
            medians[label] = median
            print(f"{label:34} {median:10.1f} {p95:10.1f}")

        print(f"\nconcurrent load: {CLIENTS} keep-alive clients for up to {LOAD_SECONDS:.0f} s")
        trivial_rps = throughput(port, "/bench/trivial")
        list_rps = throughput(port, "/api/events/")
        print(f"{'trivial JSON view':34} {trivial_rps:10.0f} req/s")
        print(f"{'events list':34} {list_rps:10.0f} req/s")
        share = list_rps / trivial_rps if trivial_rps else 0.0
        worst = max(v for k, v in medians.items() if k != "trivial JSON view")
        print(
            f"\naim: list median < {AIM_MEDIAN_MS:.0f} ms (worst case here {worst:.1f} ms: "
            f"{'met' if worst < AIM_MEDIAN_MS else 'NOT met'}); list at least "
            f"{AIM_RPS_SHARE:.0%} of the trivial view's requests/s (here {share:.0%}: "
            f"{'met' if share >= AIM_RPS_SHARE else 'NOT met'})"
        )
        return 0
    finally:
        if server is not None and server.poll() is None:
            server.send_signal(signal.SIGTERM)
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
        from django.db import connections

        connections.close_all()
        _recreate(admin_url, name, drop_only=True)


if __name__ == "__main__":
    sys.exit(main())
