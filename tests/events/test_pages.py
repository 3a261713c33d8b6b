"""The reader's pages: timeline filters, search, keyset pages, event, source, actor and
place pages, and that their query counts do not grow with the events shown."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from events import pages
from tests.factories import (
    ActorFactory,
    AnnotationFactory,
    CitationFactory,
    EventActorFactory,
    EventFactory,
    PlaceFactory,
    SourceFactory,
    index_for_search,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _count_chart_afresh(monkeypatch):
    # The chart's counts are cached in Redis; each test must see its own rows.
    monkeypatch.setattr(pages, "CHART_CACHE_SECONDS", 0)


def day(n: int) -> date:
    return date(2016, 9, 1) + timedelta(days=n)


def make_event(n: int = 0, **kwargs) -> object:
    d = kwargs.pop("on", day(n))
    kwargs.setdefault("edtf", d.isoformat())
    return EventFactory(earliest=d, latest=kwargs.pop("latest", d), **kwargs)


def titles(response) -> list[str]:
    return re.findall(r'class="event-title" id="ev-\d+"><a href="[^"]+">(.*?)</a>', response.text)


# --- Timeline ----------------------------------------------------------------------------


def test_it_lists_published_events_in_date_order(client):
    make_event(5, title="Later")
    make_event(1, title="Earlier")
    make_event(3, title="Candidate", status="candidate")
    response = client.get("/")
    assert response.status_code == 200
    assert titles(response) == ["Earlier", "Later"]


def test_it_groups_by_day_and_month_precise_entries_by_month(client):
    make_event(16, title="Strike")
    make_event(16, title="Statement")
    EventFactory(
        title="Month entry",
        edtf="2016-09",
        earliest=date(2016, 9, 1),
        latest=date(2016, 9, 30),
        precision="month",
    )
    text = client.get("/").text
    assert text.count('<h2 id="g-') == 2
    assert "September 2016</h2>" in text
    assert "Saturday 17 September 2016</h2>" in text


def test_rows_show_date_type_actors_place_sources_and_disputed(client):
    place = PlaceFactory(name="Deir ez-Zor airport", slug="dez-airport")
    event = make_event(16, title="Airstrike", place=place, disputed=True)
    EventActorFactory(event=event, actor=ActorFactory(name="US-led coalition", slug="coalition"))
    CitationFactory(event=event, source=SourceFactory())
    CitationFactory(event=event, source=SourceFactory())
    text = client.get("/").text
    assert "17 Sep 2016</time>" in text
    assert "airstrike</span>" in text
    assert 'href="/actors/coalition/">US-led coalition</a>' in text
    assert 'href="/places/dez-airport/">Deir ez-Zor airport</a>' in text
    assert "2 sources" in text
    assert 'class="disputed"' in text


def test_approximate_dates_are_marked(client):
    make_event(9, title="Agreed", precision="approximate", edtf="2016-09-10~")
    assert "≈ 10 Sep 2016" in client.get("/").text


def test_it_filters_by_overlap_with_the_date_range(client):
    make_event(1, title="Before")
    make_event(10, title="Spanning", latest=day(20))
    make_event(16, title="Inside")
    make_event(25, title="After")
    response = client.get("/", {"start": "2016-09-15", "end": "2016-09-20"})
    assert titles(response) == ["Spanning", "Inside"]


def test_a_month_or_year_is_a_whole_period(client):
    make_event(29, title="Last of September")
    make_event(30, title="October")
    assert titles(client.get("/", {"end": "2016-09"})) == ["Last of September"]
    assert titles(client.get("/", {"start": "2016", "end": "2016"})) == [
        "Last of September",
        "October",
    ]


def test_it_filters_by_type_actor_place_and_disputed(client):
    coalition = ActorFactory(slug="t-coalition", name="Test coalition")
    airport = PlaceFactory(slug="t-airport")
    strike = make_event(16, title="Strike", type="airstrike", place=airport, disputed=True)
    EventActorFactory(event=strike, actor=coalition)
    make_event(11, title="Ceasefire", type="ceasefire_in_force")
    assert titles(client.get("/", {"type": "airstrike"})) == ["Strike"]
    assert titles(client.get("/", {"actor": "t-coalition"})) == ["Strike"]
    assert titles(client.get("/", {"actor": "test COALITION"})) == ["Strike"]
    assert titles(client.get("/", {"place": "t-airport"})) == ["Strike"]
    assert titles(client.get("/", {"disputed": "on"})) == ["Strike"]


def test_it_filters_by_source_and_publisher(client):
    sputnik = SourceFactory(publisher="Sputnik")
    reuters = SourceFactory(publisher="Reuters")
    CitationFactory(event=make_event(1, title="A"), source=sputnik)
    CitationFactory(event=make_event(2, title="B"), source=reuters)
    assert titles(client.get("/", {"publisher": "sputnik"})) == ["A"]
    assert titles(client.get("/", {"source": reuters.pk})) == ["B"]


@pytest.mark.parametrize(
    "params, message",
    [
        ({"start": "17/09/2016x"}, "is not a date"),
        ({"end": "2016-13-45"}, "is not a date"),
        ({"type": "picnic"}, "Select a valid choice"),
        ({"actor": "nobody-at-all"}, "no actor is called"),
        ({"place": "atlantis"}, "no place is called"),
        ({"source": "abc"}, "Enter a whole number"),
        ({"after": "not-a-cursor"}, "is not a position in the timeline"),
        ({"start": "2016-09-20", "end": "2016-09-01"}, "is before"),
    ],
)
def test_bad_filter_values_explain_themselves_and_still_show_events(client, params, message):
    make_event(25, title="Still here")
    response = client.get("/", params)
    assert response.status_code == 400
    assert message in response.text
    assert 'role="alert"' in response.text
    assert titles(response) == ["Still here"]


def test_a_malformed_date_is_not_kept_in_shared_links(client):
    for n in range(3):
        make_event(n)
    text = client.get("/", {"start": "nope", "type": "airstrike"}).text
    assert "start=nope" not in text
    assert "type=airstrike" in text


def test_keyset_pages_walk_every_event_once(client):
    # Same day for many events: the cursor must break ties by latest and id.
    events = [make_event(n % 3, title=f"E{n:03}") for n in range(pages.PAGE_SIZE + 15)]
    seen: list[str] = []
    url = "/"
    while url:
        response = client.get(url)
        seen += titles(response)
        match = re.search(r'<a href="(\?[^"]*after=[^"]+)" rel="next">', response.text)
        url = "/" + match.group(1).replace("&amp;", "&") if match else ""
    assert len(seen) == len(events) == len(set(seen))
    assert "offset" not in url and "page=" not in url


def test_the_later_link_carries_the_filters_and_a_cursor(client):
    for _n in range(pages.PAGE_SIZE + 1):
        make_event(1, type="airstrike")
    text = client.get("/", {"type": "airstrike"}).text
    link = re.search(r'<a href="\?([^"]+)" rel="next">Later events', text).group(1)
    assert "type=airstrike" in link
    assert re.search(r"after=2016-09-02.2016-09-02.\d+", link)


def test_earlier_link_goes_back_a_page(client):
    for n in range(pages.PAGE_SIZE + 5):
        make_event(n % 30, title=f"E{n:03}")
    first = titles(client.get("/"))
    later = client.get("/", {"after": ""}).text
    cursor = re.search(r'after=([^"&]+)" rel="next"', later).group(1)
    second = client.get("/", {"after": cursor})
    back = re.search(r'href="\?(before=[^"]+)" rel="prev"', second.text).group(1)
    assert titles(client.get("/?" + back.replace("&amp;", "&"))) == first


def test_search_finds_titles_summaries_and_quotes_and_highlights_them(client):
    source = SourceFactory(text="Officials said the jets were halted immediately afterwards.")
    by_quote = make_event(1, title="Strike halted", summary="")
    CitationFactory(event=by_quote, source=source, start=0, end=len(source.text))
    by_title = make_event(2, title="Jets strike airport", summary="Jets hit army positions.")
    other = make_event(3, title="Talks in Geneva")
    index_for_search(by_quote, by_title, other)

    response = client.get("/", {"q": "jets"})
    assert response.status_code == 200
    text = response.text
    assert "Talks in Geneva" not in text
    assert "<mark>Jets</mark> strike airport" in text
    assert "the <mark>jets</mark> were halted" in text
    # Ranked: the event naming the jets twice comes before the one quoting them once.
    assert text.index("Jets</mark> strike airport") < text.index("Strike halted")


def test_search_results_can_be_in_date_order(client):
    a = make_event(5, title="Second airstrike")
    b = make_event(1, title="First airstrike")
    index_for_search(a, b)
    assert titles(client.get("/", {"q": "airstrike", "sort": "time"})) == [
        "First <mark>airstrike</mark>",
        "Second <mark>airstrike</mark>",
    ]


def test_search_highlighting_escapes_the_text(client):
    event = make_event(
        1, title="<script>alert(1)</script> strike", summary='<img src=x onerror="alert(2)"> strike'
    )
    index_for_search(event)
    text = client.get("/", {"q": "strike"}).text
    assert "<script>alert(1)" not in text
    assert "<img src=x" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt; <mark>strike</mark>" in text


def test_search_text_is_escaped_where_it_is_echoed(client):
    text = client.get("/", {"q": '"><script>alert(1)</script>'}).text
    assert "<script>alert(1)" not in text


def test_the_chart_counts_events_and_its_bars_narrow_the_range(client):
    make_event(1)
    make_event(1)
    make_event(16)
    text = client.get("/", {"type": "airstrike"}).text
    assert "<svg" in text
    assert "2 Sep 2016: 2 events" in text
    assert 'href="?type=airstrike&amp;start=2016-09-17&amp;end=2016-09-17"' in text


# --- Event page --------------------------------------------------------------------------


@pytest.fixture
def airstrike():
    place = PlaceFactory(name="Qalaat airfield", slug="t-airfield", latitude=35.285)
    event = make_event(
        16, title="Coalition airstrike on Syrian Army", slug="airstrike", place=place
    )
    coalition = ActorFactory(name="Northern coalition", slug="t-coalition")
    army = ActorFactory(name="Southern Army", slug="t-army")
    EventActorFactory(event=event, actor=coalition, role="perpetrator")
    EventActorFactory(event=event, actor=army, role="target")
    a = SourceFactory(title="Wire report", text="Up to 80 Syrian service men were killed.")
    b = SourceFactory(title="Ministry", text="At least 62 soldiers were killed on Saturday.")
    CitationFactory(event=event, source=a, start=0, end=40, fatalities_low=80, fatalities_high=80)
    CitationFactory(event=event, source=b, start=0, end=44, fatalities_low=62)
    return event


def test_event_page_shows_the_facts(client, airstrike):
    response = client.get("/events/airstrike/")
    assert response.status_code == 200
    text = response.text
    assert "Coalition airstrike on Syrian Army</h1>" in text
    assert "17 Sep 2016" in text and "day precision" in text
    assert "35.2850° N, 40.1800° E" in text
    assert "https://www.openstreetmap.org/?mlat=35.285&amp;mlon=40.18" in text
    assert (
        'href="/actors/t-coalition/">Northern coalition</a> <span class="role">perpetrator' in text
    )
    assert 'href="/actors/t-army/">Southern Army</a> <span class="role">target' in text


def test_event_page_links_each_quote_to_its_passage(client, airstrike):
    citation = airstrike.citations.get(source__title="Wire report")
    text = client.get("/events/airstrike/").text
    assert "“Up to 80 Syrian service men were killed.”" in text
    assert f'href="/sources/{citation.source_id}/#c{citation.pk}"' in text
    assert "Sources (2)" in text


def test_event_page_puts_disagreeing_claims_side_by_side(client, airstrike):
    text = client.get("/events/airstrike/").text
    assert "Where the sources disagree" in text
    table = text[text.index("<table") : text.index("</table>")]
    assert "Wire report" in table and "<td>80</td>" in table
    assert "Ministry" in table and "<td>62</td>" in table


def test_event_page_without_disagreement_has_no_claims_table(client):
    make_event(1, slug="calm")
    assert "Where the sources disagree" not in client.get("/events/calm/").text


def test_event_page_links_previous_next_and_related(client, airstrike):
    make_event(9, title="Ceasefire agreed", slug="agreed", place=airstrike.place)
    make_event(20, title="Far away unrelated", slug="other")
    text = client.get("/events/airstrike/").text
    assert 'href="/events/agreed/" rel="prev"' in text
    assert 'href="/events/other/" rel="next"' in text
    related = text[text.index("Related events") :]
    assert "Ceasefire agreed" in related and "Far away unrelated" not in related


def test_unpublished_events_are_not_found(client):
    make_event(1, slug="draft", status="candidate")
    assert client.get("/events/draft/").status_code == 404


# --- Source page -------------------------------------------------------------------------


def test_source_page_highlights_quotes_mentions_and_dates(client):
    text = "Jets hit the Southern Army near Qalaat airfield on Saturday."
    source = SourceFactory(text=text, published=date(2016, 9, 17), publisher="Sputnik")
    ActorFactory(name="Southern Army", slug="t-army")
    PlaceFactory(name="Qalaat airfield", slug="t-airfield", aliases=["Qalaat air base"])
    event = make_event(16, slug="strike")
    citation = CitationFactory(event=event, source=source, start=0, end=len(text))
    page = client.get(f"/sources/{source.pk}/").text
    assert f'<mark class="cite" id="c{citation.pk}">' in page
    assert 'href="/actors/t-army/" title="Southern Army">Southern Army</a>' in page
    assert 'href="/places/t-airfield/" title="Qalaat airfield">Qalaat airfield</a>' in page
    assert 'mention--date" href="/?start=2016-09-17&amp;end=2016-09-17"' in page
    assert 'href="/events/strike/"' in page
    assert "Sputnik" in page


def test_acronyms_are_linked_only_as_written(client):
    source = SourceFactory(text="Russia is to blame, the XQ said; xq officials agreed.")
    ActorFactory(name="Xylo Quorum", slug="xq", aliases=["XQ", "IS"])
    page = client.get(f"/sources/{source.pk}/").text
    assert page.count('href="/actors/xq/"') == 1
    assert 'title="Xylo Quorum">XQ</a>' in page


def test_source_page_escapes_the_text(client):
    source = SourceFactory(
        text='<script>window.__pwned=1</script> <a href="javascript:alert(1)">x</a>',
        url="javascript:alert(1)",
    )
    page = client.get(f"/sources/{source.pk}/").text
    assert "<script>window" not in page
    assert 'href="javascript:' not in page
    assert "&lt;script&gt;" in page


def test_source_page_shows_public_annotations_only(client):
    source = SourceFactory()
    AnnotationFactory(source=source, body="Which coalition members flew?")
    AnnotationFactory(source=source, body="Private remark", public=False)
    page = client.get(f"/sources/{source.pk}/").text
    assert "Which coalition members flew?" in page
    assert "Private remark" not in page


# --- Actor, place and list pages ---------------------------------------------------------


def test_actor_page_has_its_own_timeline(client):
    parent = ActorFactory(name="United States", slug="us")
    actor = ActorFactory(name="CENTCOM", slug="centcom", aliases=["Central Command"], parent=parent)
    EventActorFactory(event=make_event(16, title="Statement"), actor=actor)
    make_event(17, title="Not theirs")
    text = client.get("/actors/centcom/").text
    assert "CENTCOM</h1>" in text and "Central Command" in text
    assert 'href="/actors/us/">United States</a>' in text
    assert titles(client.get("/actors/centcom/")) == ["Statement"]


def test_place_page_has_its_own_timeline_and_map_link(client):
    place = PlaceFactory(name="Deir ez-Zor", slug="dez")
    make_event(16, title="Here", place=place)
    make_event(17, title="Elsewhere")
    response = client.get("/places/dez/")
    assert titles(response) == ["Here"]
    assert "openstreetmap.org" in response.text


def test_list_pages(client):
    actor = ActorFactory(name="Southern Army")
    EventActorFactory(event=make_event(1), actor=actor)
    PlaceFactory(name="Qalaat")
    SourceFactory(title="Sputnik report")
    assert (
        'Southern Army</a> <span class="muted">armed force · 1 event' in client.get("/actors/").text
    )
    assert "Qalaat" in client.get("/places/").text
    assert "Sputnik report" in client.get("/sources/").text


# --- Query counts ------------------------------------------------------------------------


def _populate(n: int, source, offset: int = 0) -> None:
    place = PlaceFactory()
    for i in range(offset, offset + n):
        event = make_event(i % 28, place=place, title=f"Strike {i}", slug=f"strike-{i}")
        EventActorFactory(event=event)
        EventActorFactory(event=event, role="target")
        start = (i % 3) * 10
        CitationFactory(event=event, source=source, start=start, end=start + 8)
        CitationFactory(event=event, source=SourceFactory(), start=0, end=20)
        index_for_search(event)


def _count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, response.text[:500]
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/?q=strike",
        "/?type=airstrike&start=2016-09-01&end=2016-09-30&disputed=",
        "/events/strike-0/",
        "/sources/{source}/",
        "/actors/{actor}/",
    ],
)
def test_queries_do_not_grow_with_the_events_shown(client, url):
    source = SourceFactory(text="Coalition jets struck Syrian Army positions near the airport.")
    _populate(3, source)
    actor = EventActorFactory._meta.model.objects.first().actor
    resolved = url.format(source=source.pk, actor=actor.slug)
    few = _count(client, resolved)
    _populate(27, source, offset=3)
    many = _count(client, resolved)
    assert few == many, f"{resolved}: {few} queries with 3 events, {many} with 30"
