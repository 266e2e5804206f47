"""factory_boy factories for the domain; visits go through the real submit service."""

from __future__ import annotations

import datetime as dt
import uuid

import factory
from django.utils import timezone

from observations.services import InteractionInput, VisitInput, visit_submit
from stores.models import Region, Role, Store, User


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"r{n}")
    name = factory.Sequence(lambda n: f"Region {n}")


class StoreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Store
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"s{n:04d}")
    name = factory.Sequence(lambda n: f"Store {n}")
    region = factory.SubFactory(RegionFactory)
    city = "Berlin"
    timezone = "Europe/Berlin"
    latitude = 52.52
    longitude = 13.405


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    role = Role.SHOPPER
    password = factory.django.Password("correct-horse-battery")

    @factory.post_generation
    def stores(self, create, extracted, **kwargs):
        if create and extracted:
            self.stores.set(extracted)

    @factory.post_generation
    def regions(self, create, extracted, **kwargs):
        if create and extracted:
            self.regions.set(extracted)


def interaction_input(**overrides) -> InteractionInput:
    """A pleasant, complete interaction; override what a test is about."""
    values = {
        "greeted": True,
        "greeting_seconds": 10,
        "greeting_personal": True,
        "smile": 5,
        "unsolicited_approaches": 0,
        "followed": False,
        "asked": False,
        "response_seconds": None,
        "response_quality": None,
        "special_request": False,
        "notes": "",
    }
    values.update(overrides)
    return InteractionInput(**values)


def visit_input(
    *,
    started_at: dt.datetime | None = None,
    minutes: int = 20,
    interactions: list[InteractionInput] | None = None,
    **overrides,
) -> VisitInput:
    started_at = started_at or timezone.now() - dt.timedelta(hours=2)
    values = {
        "id": uuid.uuid4(),
        "started_at": started_at,
        "ended_at": started_at + dt.timedelta(minutes=minutes),
        "interactions": tuple(interactions or [interaction_input()]),
        "notes": "",
    }
    values.update(overrides)
    return VisitInput(**values)


def submit_visit(*, observer: User, store: Store, now: dt.datetime | None = None, **kwargs):
    """Submit a visit through the service, as the API does; returns the stored Visit."""
    data = visit_input(**kwargs)
    return visit_submit(observer=observer, store=store, data=data, now=now).visit
