"""Model factories: each builds a valid row with the fewest fields a test must name."""

from __future__ import annotations

from datetime import date

import factory

from events.models import Actor, Citation, Event, EventActor, Place
from sources.models import Annotation, Source

SAMPLE_TEXT = (
    "Coalition aircraft struck army positions near the airport on Saturday, "
    "killing at least 62 soldiers, the ministry said."
)


class SourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Source

    title = factory.Sequence(lambda n: f"Report {n}")
    publisher = "Example Wire"
    published = date(2016, 9, 17)
    text = factory.Sequence(lambda n: f"{SAMPLE_TEXT} (item {n})")
    status = Source.Status.DONE


class ActorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Actor

    name = factory.Sequence(lambda n: f"Actor {n}")
    slug = factory.Sequence(lambda n: f"actor-{n}")
    kind = Actor.Kind.ARMED_FORCE


class PlaceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Place

    name = factory.Sequence(lambda n: f"Place {n}")
    slug = factory.Sequence(lambda n: f"place-{n}")
    latitude = 35.28
    longitude = 40.18
    country = "Syria"


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Event

    title = factory.Sequence(lambda n: f"Event {n}")
    slug = factory.Sequence(lambda n: f"event-{n}")
    type = "airstrike"
    edtf = "2016-09-17"
    earliest = date(2016, 9, 17)
    latest = date(2016, 9, 17)
    precision = "day"
    status = "published"


class EventActorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EventActor

    event = factory.SubFactory(EventFactory)
    actor = factory.SubFactory(ActorFactory)
    role = EventActor.Role.PERPETRATOR


def _quote_of(source: Source, start: int, end: int) -> str:
    return source.text[start:end]


class CitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Citation

    event = factory.SubFactory(EventFactory)
    source = factory.SubFactory(SourceFactory)
    start = 0
    end = 40
    quote = factory.LazyAttribute(lambda o: _quote_of(o.source, o.start, o.end))


class AnnotationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Annotation

    source = factory.SubFactory(SourceFactory)
    start = 0
    end = 18
    quote = factory.LazyAttribute(lambda o: _quote_of(o.source, o.start, o.end))
    body = "Which coalition members flew?"


class UserFactory(factory.django.DjangoModelFactory):
    """A staff user; `UserFactory(groups=["Editor"])` puts it in the named role groups
    (created by accounts/migrations/0001_roles.py)."""

    class Meta:
        model = "auth.User"
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    is_staff = True
    password = factory.django.Password("correct horse battery")

    @factory.post_generation
    def groups(self, create: bool, names: list[str] | None, **kwargs) -> None:
        if create and names:
            from django.contrib.auth.models import Group

            self.groups.add(*(Group.objects.get(name=name) for name in names))


def index_for_search(*events: Event) -> None:
    """Fill events' search vectors as the services do (title, summary and the quotes of
    their citations), for tests that build rows with factories."""
    from events.editorial import refresh_search_vector

    for event in events:
        refresh_search_vector(event)
