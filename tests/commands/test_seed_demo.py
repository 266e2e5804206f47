from __future__ import annotations

import io
import zoneinfo

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command

from observations import scoring
from observations.models import Interaction, Visit
from reports.models import StoreWeekRollup
from reports.totals import INTERACTION_VALUES, VISIT_VALUES, accumulate
from stores.models import Store, User

pytestmark = pytest.mark.django_db


def seed(*args: str) -> str:
    out = io.StringIO()
    call_command("seed_demo", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def counts() -> tuple[int, int, int, int]:
    return (Store.objects.count(), User.objects.count(), Visit.objects.count(), Interaction.objects.count())


def test_creates_the_four_demo_logins_with_their_roles():
    output = seed("--stores", "4", "--weeks", "2")
    for username, role in [
        ("head", "head_office"),
        ("supervisor", "supervisor"),
        ("manager", "manager"),
        ("shopper", "shopper"),
    ]:
        user = authenticate(username=username, password="oasis-demo")
        assert user is not None and user.role == role
        assert username in output
    assert User.objects.get(username="shopper").stores.count() >= 2
    head = User.objects.get(username="head")
    assert head.is_staff and not head.is_superuser
    assert head.has_perm("observations.change_rubric")


def test_a_chosen_password_replaces_the_default():
    seed("--stores", "2", "--weeks", "1", "--password", "another-demo-pass")
    assert authenticate(username="head", password="another-demo-pass") is not None


def test_running_twice_doubles_nothing():
    seed("--stores", "4", "--weeks", "2")
    first = counts()
    seed("--stores", "4", "--weeks", "2")
    assert counts() == first
    assert first[2] > 0


def test_stores_are_real_places_with_valid_time_zones():
    seed("--stores", "24", "--weeks", "1")
    zones = set(Store.objects.values_list("timezone", flat=True))
    assert zones == {"Europe/Berlin", "Europe/Zurich"}
    assert all(zone in zoneinfo.available_timezones() for zone in zones)
    assert Store.objects.filter(latitude__isnull=True).count() == 0
    assert Store.objects.get(code="zrh-hb").city == "Zürich"


def test_demo_visits_are_scored_exactly_as_the_reference_scoring():
    seed("--stores", "3", "--weeks", "2")
    for visit in Visit.objects.prefetch_related("interactions")[:20]:
        recomputed = scoring.visit_scores([i.values() for i in visit.interactions.all()])
        assert visit.scores == recomputed
    supervisor_sizes = {v.n_interactions for v in Visit.objects.filter(observer_role="supervisor")}
    assert min(supervisor_sizes) >= 10


def test_rollups_are_ready_after_seeding():
    seed("--stores", "3", "--weeks", "2")
    store = Store.objects.first()
    visits = Visit.objects.filter(store=store).values(*VISIT_VALUES)
    interactions = Interaction.objects.filter(visit__store=store).values(*INTERACTION_VALUES)
    expected = accumulate(visits, interactions)
    stored = {
        (r.week_start, r.scope): (r.n_visits, r.n_interactions) for r in StoreWeekRollup.objects.filter(store=store)
    }
    assert stored == {key: (totals.n_visits, totals.n_interactions) for key, totals in expected.items()}
    assert stored


def test_scales_up_beyond_the_real_stores():
    seed("--stores", "30", "--weeks", "1")
    assert Store.objects.count() == 30
    assert Store.objects.filter(code="ham-mo-2").exists()
