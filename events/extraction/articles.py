"""Read the seed article format: a first line ``date YYYY-MM-DD Headline`` then the body."""

from __future__ import annotations

import re
from datetime import date

__all__ = ["split_header"]

_HEADER = re.compile(
    r"[ \t]*date[ \t]+(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})(?:[ \t]+(?P<h>[^\r\n]*))?"
)


def split_header(raw: str) -> tuple[date | None, str | None, str, int]:
    """Split ``raw`` into (published, headline, body, body_offset).

    The first line ``date YYYY-MM-DD Headline`` (leading blanks allowed) gives the
    publication date and the headline; ``body`` is ``raw[body_offset:]``, the text
    after that line. Without such a line: ``(None, None, raw, 0)``.
    Raises ``ValueError`` when the header's date does not exist (``date 2016-02-31``).
    """
    m = _HEADER.match(raw)
    if m is None or (m.end() < len(raw) and raw[m.end()] not in "\r\n"):
        return None, None, raw, 0
    try:
        published = date(int(m["y"]), int(m["m"]), int(m["d"]))
    except ValueError as exc:
        raise ValueError(
            f"article header has an impossible date {m['y']}-{m['m']}-{m['d']!s}: {exc}"
        ) from exc
    headline = (m["h"] or "").strip() or None
    offset = m.end()
    if raw.startswith("\r\n", offset):
        offset += 2
    elif offset < len(raw) and raw[offset] in "\r\n":
        offset += 1
    return published, headline, raw[offset:], offset
