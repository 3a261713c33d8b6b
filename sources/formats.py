"""Turning submitted bytes or text into documents: text plus what is known about it.

Formats understood:
- the seed format: a first line `date YYYY-MM-DD Headline` (leading spaces allowed), then
  the body;
- plain text;
- HTML pages: main text, title, author, site name and publication date (trafilatura,
  htmldate);
- JSON lines: one `{"url"?, "title", "published", "text"}` object per line, one document
  each.

Problems are raised as `FormatError` with a sentence an editor can act on.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import PurePath

from charset_normalizer import from_bytes

from sources.normalise import normalise_line, normalise_text

HTML = "html"
JSON_LINES = "jsonl"
SEED = "seed"
TEXT = "text"

HTML_TYPES = {"text/html", "application/xhtml+xml"}
JSON_TYPES = {"application/json", "application/x-ndjson", "application/jsonl"}
FEED_TYPES = {"application/rss+xml", "application/atom+xml"}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
JSON_LINES_SUFFIXES = {".jsonl", ".ndjson"}

SEED_HEADER = re.compile(r"^[ \t]*date[ \t]+(\S+)(?:[ \t]+(.*))?$")
ISO_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
ISO_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
ISO_YEAR = re.compile(r"^(\d{4})$")
HTML_START = re.compile(rb"^\s*(<!--.*?-->\s*)*<(!doctype\s+html|html|head|body)\b", re.I | re.S)
# Magic numbers of the binary files people most often pick by mistake.
BINARY_SIGNATURES = {
    b"%PDF": "a PDF document",
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"GIF8": "a GIF image",
    b"PK\x03\x04": "a ZIP archive (or a Word/Excel document)",
    b"\x1f\x8b": "a gzip archive",
    b"\xd0\xcf\x11\xe0": "an old Microsoft Office document",
    b"\x7fELF": "a program",
}
SNIFF_BYTES = 8192
# Text has few control characters; more than this share of a sample means binary.
MAX_CONTROL_SHARE = 0.05
TEXT_CONTROLS = {9, 10, 12, 13, 27}
# Elements trafilatura keeps by default that are never article text ("enable JavaScript").
PRUNED_ELEMENTS = ["//noscript", "//template"]
# Below this much text a page or line holds no article.
MIN_TEXT_CHARS = 1


class FormatError(ValueError):
    """The input cannot become a source; the message says why, for a person."""


@dataclass
class Document:
    """One source's worth of normalised text and metadata, ready to be stored."""

    text: str
    title: str = ""
    author: str = ""
    publisher: str = ""
    published: date | None = None
    published_precision: str = "day"
    url: str | None = None
    language: str = ""
    format: str = TEXT
    # JSON lines: where in the file this document came from, for messages.
    label: str = ""
    extra: dict = field(default_factory=dict)


@dataclass
class Failed:
    """A part of a file (one JSON line) that could not become a document."""

    label: str
    reason: str


def human_size(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MB"
    if size >= 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size} bytes"


def decode(data: bytes, *, declared_charset: str | None = None) -> str:
    """Bytes to text: the declared charset, else UTF-8, else a detected legacy encoding.

    Refuses empty and binary input, and UTF-8 that is broken (valid multi-byte sequences
    next to invalid bytes), which no other encoding would read correctly either.
    """
    if not data.strip():
        raise FormatError("The file is empty: there is no text to add.")
    _refuse_binary(data)
    if declared_charset:
        try:
            return data.decode(declared_charset)
        except (LookupError, UnicodeDecodeError):
            pass  # a wrong declaration is common; fall through to detection
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        utf8_error = exc
    lenient = data.decode("utf-8", errors="replace")
    if any(ord(char) > 127 and char != "\ufffd" for char in lenient):
        raise FormatError(
            f"The text is not valid UTF-8: byte 0x{data[utf8_error.start]:02x} at position "
            f"{utf8_error.start} is not part of any character. Save the file as UTF-8 and "
            "add it again."
        )
    best = from_bytes(data).best()
    if best is None:
        raise FormatError(
            "The text is neither UTF-8 nor any other encoding that could be recognised."
        )
    return str(best)


def _refuse_binary(data: bytes) -> None:
    for signature, what in BINARY_SIGNATURES.items():
        if data.startswith(signature):
            raise FormatError(f"This is {what}, not text; only text, HTML and JSON lines.")
    sample = data[:SNIFF_BYTES]
    if sample.startswith((b"\xff\xfe", b"\xfe\xff")):
        return  # UTF-16 with a byte-order mark has NUL bytes and is still text
    controls = sum(1 for byte in sample if byte < 32 and byte not in TEXT_CONTROLS)
    if b"\x00" in sample or controls > MAX_CONTROL_SHARE * len(sample):
        raise FormatError(
            "This looks like a binary file, not text; only text, HTML and JSON lines."
        )


def guess_format(*, data: bytes, filename: str = "", content_type: str = "") -> str:
    media_type = content_type.split(";")[0].strip().lower()
    suffix = PurePath(filename).suffix.lower() if filename else ""
    if media_type in FEED_TYPES:
        raise FormatError(
            "This is an RSS/Atom feed, not an article: add it as a Feed and its items "
            "will be fetched one by one."
        )
    if media_type in HTML_TYPES or suffix in HTML_SUFFIXES:
        return HTML
    if media_type in JSON_TYPES or suffix in JSON_LINES_SUFFIXES:
        return JSON_LINES
    if HTML_START.match(data[:SNIFF_BYTES]):
        return HTML
    return TEXT


def read_documents(
    data: bytes,
    *,
    filename: str = "",
    content_type: str = "",
    declared_charset: str | None = None,
    url: str | None = None,
) -> list[Document | Failed]:
    """Every document in `data`. Whole-input problems raise FormatError; a bad line of a
    JSON lines file becomes a `Failed` entry so the good lines still arrive."""
    kind = guess_format(data=data, filename=filename, content_type=content_type)
    text = decode(data, declared_charset=declared_charset)
    if kind == HTML:
        return [parse_html(text, url=url)]
    if kind == JSON_LINES:
        return parse_json_lines(text)
    return [parse_text(text)]


def parse_text(raw: str) -> Document:
    """Plain text, or the seed format when its first line is a `date ...` header."""
    first_line, _, rest = raw.lstrip("\ufeff\r\n").partition("\n")
    header = SEED_HEADER.match(first_line.rstrip("\r"))
    if header is None:
        return _document(raw, format=TEXT)
    published = parse_day(header.group(1), where="The header date")
    headline = normalise_line(header.group(2) or "")
    body = normalise_text(rest)
    if not body:
        raise FormatError("The file has a date header but no text after it.")
    # The headline is part of what the source says, so it stays in the text (first
    # paragraph), where citations can point at it.
    text = f"{headline}\n\n{body}" if headline else body
    return Document(text=text, title=headline, published=published, format=SEED)


def parse_day(value: str, *, where: str) -> date:
    match = ISO_DAY.match(value)
    if match is None:
        raise FormatError(f"{where} {value!r} is not written YYYY-MM-DD.")
    try:
        return date(*(int(part) for part in match.groups()))
    except ValueError:
        raise FormatError(f"{where} {value} is not a real date (no such day).") from None


def parse_published(value: str, *, where: str) -> tuple[date, str]:
    """A publication date as YYYY-MM-DD, YYYY-MM or YYYY, with its precision."""
    value = value.strip()[:10] if ISO_DAY.match(value.strip()[:10]) else value.strip()
    if ISO_DAY.match(value):
        return parse_day(value, where=where), "day"
    if match := ISO_MONTH.match(value):
        year, month = (int(part) for part in match.groups())
        if not 1 <= month <= 12:
            raise FormatError(f"{where} {value} is not a real month.")
        return date(year, month, 1), "month"
    if match := ISO_YEAR.match(value):
        return date(int(match.group(1)), 1, 1), "year"
    raise FormatError(f"{where} {value!r} is not written YYYY-MM-DD, YYYY-MM or YYYY.")


def parse_html(html: str, *, url: str | None = None) -> Document:
    """Main text and metadata of an HTML page. Scripts, styles, navigation and comments
    are left out by trafilatura; only the article's text is kept."""
    import trafilatura  # heavy import, only needed for HTML
    from htmldate import find_date

    extracted = trafilatura.bare_extraction(
        html,
        url=url,
        with_metadata=True,
        include_comments=False,
        include_tables=True,
        prune_xpath=PRUNED_ELEMENTS,
    )
    body = normalise_text(extracted.text or "") if extracted is not None else ""
    if len(body) < MIN_TEXT_CHARS:
        raise FormatError("No article text could be found in this HTML page.")
    published: date | None = None
    found = find_date(html, url=url, original_date=True, extensive_search=False)
    if found:
        published = date.fromisoformat(found)
    return Document(
        text=body,
        title=normalise_line(extracted.title or "")[:500],
        author=normalise_line(extracted.author or "")[:300],
        publisher=normalise_line(extracted.sitename or "")[:200],
        published=published,
        language=(extracted.language or "")[:16],
        format=HTML,
    )


def parse_json_lines(raw: str) -> list[Document | Failed]:
    """One document per non-empty line of `{"url"?, "title", "published", "text"}`."""
    results: list[Document | Failed] = []
    for number, line in enumerate(raw.splitlines(), start=1):
        if not line.strip():
            continue
        label = f"line {number}"
        try:
            results.append(_json_line(line, label))
        except FormatError as exc:
            results.append(Failed(label=label, reason=str(exc)))
    if not results:
        raise FormatError("The file is empty: there is no text to add.")
    return results


def _json_line(line: str, label: str) -> Document:
    try:
        item = json.loads(line)
    except json.JSONDecodeError as exc:
        raise FormatError(f"{label} is not valid JSON ({exc.msg}).") from None
    if not isinstance(item, dict):
        raise FormatError(f"{label} is not a JSON object.")
    text = item.get("text")
    if not isinstance(text, str) or not text.strip():
        raise FormatError(f'{label} has no "text".')
    document = _document(text, format=JSON_LINES)
    document.label = label
    document.title = normalise_line(str(item.get("title") or ""))[:500]
    if item.get("url"):
        document.url = str(item["url"]).strip()
    if item.get("published"):
        document.published, document.published_precision = parse_published(
            str(item["published"]), where=f"{label}: the date"
        )
    for key in ("author", "publisher"):
        if item.get(key):
            setattr(document, key, normalise_line(str(item[key])))
    return document


def _document(raw: str, *, format: str) -> Document:
    text = normalise_text(raw)
    if not text:
        raise FormatError("The text is empty (only spaces or invisible characters).")
    return Document(text=text, format=format)
