"""Stand-in extractors named by SOURCES_EXTRACTOR in tests (the real one lives in events)."""

from __future__ import annotations

import os
import time
from pathlib import Path

CALLS: list[int] = []
# Fault tests: the worker's extractor reports here and blocks until released.
GATE_DIR_VARIABLE = "INGEST_TEST_GATE_DIR"
GATE_TIMEOUT_SECONDS = 120


def record_call(source) -> None:
    CALLS.append(source.pk)


def fail(source) -> None:
    raise RuntimeError("the extractor broke")


def block_until_released(source) -> None:
    """Say "started", then wait for the test to create `release` (or to kill us)."""
    gate = Path(os.environ[GATE_DIR_VARIABLE])
    (gate / f"started-{source.pk}").touch()
    deadline = time.monotonic() + GATE_TIMEOUT_SECONDS
    while not (gate / "release").exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    with open(gate / "completed", "a") as log:
        log.write(f"{source.pk}\n")
