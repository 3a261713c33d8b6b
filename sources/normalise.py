"""The one place where text is normalised before it is stored as `Source.text`.

Every character offset in the project (citations, annotations) points into the stored
text, so it must be normalised exactly once, here, and normalising twice must change
nothing (the worker re-normalises text that was already normalised at submission).
"""

from __future__ import annotations

import re
import unicodedata

# Line and paragraph separators that Unicode has besides "\n".
LINE_BREAKS = re.compile(r"\r\n|\r|\u2028|\u2029|\x0b|\x0c|\x85")
# Control and format characters that carry no text: C0/C1 controls except tab and
# newline, zero-width characters, the byte-order mark, soft hyphens, bidi controls.
INVISIBLE = re.compile(
    r"[\x00-\x08\x0e-\x1f\x7f-\x9f\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]"
)
# Any run of whitespace other than newlines (spaces, tabs, no-break spaces, ...).
HORIZONTAL_SPACE = re.compile(r"[^\S\n]+")
SPACE_AROUND_NEWLINE = re.compile(r" *\n *")
# More than one empty line is layout, not meaning: keep paragraph breaks only.
BLANK_LINES = re.compile(r"\n{3,}")


def normalise_text(raw: str) -> str:
    """Unicode NFC, one kind of line break, no invisible characters, single spaces,
    at most one empty line between paragraphs, nothing around the ends."""
    text = LINE_BREAKS.sub("\n", raw)
    text = INVISIBLE.sub("", text)
    text = HORIZONTAL_SPACE.sub(" ", text)
    text = SPACE_AROUND_NEWLINE.sub("\n", text)
    text = BLANK_LINES.sub("\n\n", text)
    # Composed last: removing an invisible character can bring a base letter and its
    # combining accent together.
    return unicodedata.normalize("NFC", text.strip())


def normalise_line(raw: str) -> str:
    """A one-line value (title, author, publisher): normalised and on a single line."""
    return " ".join(normalise_text(raw).split())
