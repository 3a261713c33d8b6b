from __future__ import annotations

import json
from datetime import date

import pytest

from sources.formats import Document, Failed, FormatError, decode, parse_text, read_documents

SEED = (
    b" date 2016-09-17 Coalition strike hits army positions\n\n"
    b"Coalition aircraft struck positions near the airport on Saturday.\n"
)


def test_seed_format_gives_date_headline_and_body():
    (document,) = read_documents(SEED, filename="a.txt")
    assert document.published == date(2016, 9, 17)
    assert document.title == "Coalition strike hits army positions"
    assert document.text == (
        "Coalition strike hits army positions\n\n"
        "Coalition aircraft struck positions near the airport on Saturday."
    )
    assert document.format == "seed"


def test_seed_corpus_file_parses():
    with open("demo/000_73eb78c82d909216.txt", "rb") as file:
        (document,) = read_documents(file.read(), filename="000.txt")
    assert document.published == date(2016, 9, 17)
    assert document.title.startswith("The United States Central Command")
    assert "date 2016" not in document.text


def test_impossible_header_date_is_refused_clearly():
    with pytest.raises(FormatError, match="2016-02-31 is not a real date"):
        parse_text("date 2016-02-31 Headline\n\nBody text.")


def test_header_date_in_another_shape_is_refused():
    with pytest.raises(FormatError, match="not written YYYY-MM-DD"):
        parse_text("date 17/09/2016 Headline\n\nBody text.")


def test_plain_text_is_plain_text():
    (document,) = read_documents(b"Just some text.\n\nMore.", filename="note.txt")
    assert document.text == "Just some text.\n\nMore."
    assert document.published is None
    assert document.format == "text"


def test_empty_file_is_refused():
    with pytest.raises(FormatError, match="empty"):
        read_documents(b"", filename="empty.txt")
    with pytest.raises(FormatError, match="empty"):
        read_documents(b" \n\t\n", filename="blank.txt")


@pytest.mark.parametrize(
    "data",
    [b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", b"\x89PNG\r\n\x1a\n\x00\x00", bytes(range(256)) * 4],
)
def test_binary_file_is_refused(data):
    with pytest.raises(FormatError, match=r"not text|binary"):
        read_documents(data, filename="thing.txt")


def test_broken_utf8_is_refused_with_position():
    data = "Déjà vu in Deir ez-Zor ".encode() + b"\xff\xfe broken"
    with pytest.raises(FormatError, match="not valid UTF-8: byte 0xff at position"):
        read_documents(data, filename="broken.txt")


def test_legacy_single_byte_encoding_is_detected():
    data = "Le café de la place près de l'aéroport était fermé.".encode("cp1252")
    (document,) = read_documents(data * 3, filename="old.txt")
    assert "café" in document.text and "aéroport" in document.text


def test_declared_charset_wins():
    assert decode("naïve".encode("latin-1"), declared_charset="latin-1") == "naïve"


HTML = """<!doctype html><html lang="en"><head><title>Strike near airport | Wire</title>
<meta name="author" content="Jane Doe"><meta property="og:site_name" content="Example Wire">
<meta property="article:published_time" content="2016-09-18T10:00:00Z">
<script>var secret = "SCRIPT-TEXT-1"; document.write("<p>SCRIPT-TEXT-2</p>")</script>
<style>p { color: red }</style></head>
<body><nav>Home | World | SCRIPT-NAV</nav><script src="x.js">SCRIPT-TEXT-3</script>
<article><h1>Strike near the airport</h1>
<p>Coalition aircraft struck army positions near the airport on Saturday, killing dozens.</p>
<script>alert("SCRIPT-TEXT-4")</script>
<p>The ministry said the strike lasted an hour and that the ceasefire was at risk now.</p>
<noscript>SCRIPT-TEXT-5</noscript><iframe src="javascript:alert(1)"></iframe>
</article><script>for(;;){}</script></body></html>"""


def test_html_gives_main_text_and_metadata():
    (document,) = read_documents(HTML.encode(), filename="page.html")
    assert "Coalition aircraft struck army positions" in document.text
    assert document.author == "Jane Doe"
    assert document.publisher == "Example Wire"
    assert document.published == date(2016, 9, 18)
    assert "Strike near the airport" in document.title
    assert document.format == "html"


def test_scripts_never_reach_the_text():
    (document,) = read_documents(HTML.encode(), content_type="text/html")
    for marker in ("SCRIPT-TEXT", "alert", "secret", "color: red", "for(;;)"):
        assert marker not in document.text


def test_html_with_only_scripts_is_refused():
    page = "<html><body>" + "<script>alert(1)</script>" * 50 + "</body></html>"
    with pytest.raises(FormatError, match="No article text"):
        read_documents(page.encode(), filename="scripts.html")


def test_json_lines_give_one_document_per_line():
    lines = [
        {"url": "https://example.org/a", "title": "A", "published": "2016-09-17", "text": "One."},
        {"title": "B", "published": "2016-09", "text": "Two."},
        {"title": "C", "published": "2016-02-31", "text": "Three."},
        {"title": "D", "text": ""},
    ]
    raw = "\n".join(json.dumps(line) for line in lines) + "\nnot json\n"
    results = read_documents(raw.encode(), filename="items.jsonl")
    first, second, third, fourth, fifth = results
    assert isinstance(first, Document) and first.url == "https://example.org/a"
    assert first.published == date(2016, 9, 17) and first.title == "A"
    assert second.published == date(2016, 9, 1) and second.published_precision == "month"
    assert isinstance(third, Failed) and "not a real date" in third.reason
    assert isinstance(fourth, Failed) and 'no "text"' in fourth.reason
    assert isinstance(fifth, Failed) and "line 5 is not valid JSON" in fifth.reason


def test_feeds_are_not_articles():
    with pytest.raises(FormatError, match="add it as a Feed"):
        read_documents(b"<rss></rss>", content_type="application/rss+xml")
