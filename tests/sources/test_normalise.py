from __future__ import annotations

from sources.normalise import normalise_line, normalise_text


def test_it_composes_unicode():
    assert normalise_text("Deir ez-Zor cafe\u0301") == "Deir ez-Zor café"


def test_it_unifies_line_breaks_and_spaces():
    raw = "  First\tline  here \r\nsecond\u00a0line\r\n\r\n\r\n\r\nNext paragraph  "
    assert normalise_text(raw) == "First line here\nsecond line\n\nNext paragraph"


def test_it_removes_control_and_invisible_characters():
    assert normalise_text("a\x00b\x07c\u200bd\ufeffe\x1bf") == "abcdef"


def test_it_is_idempotent():
    raw = " x\u200b\u0301 \r\n\r\n\r\n y\u2028z\x0c "
    once = normalise_text(raw)
    assert normalise_text(once) == once


def test_lines_become_single_line():
    assert normalise_line("  The\n headline \t here ") == "The headline here"
