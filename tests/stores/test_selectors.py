"""Who may see which stores and visits: the single place scoping is decided."""

from __future__ import annotations

import pytest

from observations.selectors import review_queue_for, visits_visible_to
from stores.models import User
from stores.selectors import (
    observable_store,
    shoppers_observing,
    stores_observable_by,
    stores_reportable_to,
    stores_visible_to,
)

from ..factories import StoreFactory, UserFactory, submit_visit

pytestmark = pytest.mark.django_db


@pytest.fixture
def inactive_store(region):
    return StoreFactory(code="ber-closed", region=region, is_active=False)


def codes(stores) -> set[str]:
    return {store.code for store in stores}


def test_head_office_sees_every_store(head_office, store, other_store):
    assert codes(stores_visible_to(head_office)) == {"ber-mitte", "zrh-hb"}
    assert codes(stores_reportable_to(head_office)) == {"ber-mitte", "zrh-hb"}


def test_supervisor_sees_the_stores_of_their_regions_only(supervisor, store, other_store, inactive_store):
    assert codes(stores_visible_to(supervisor)) == {"ber-mitte", "ber-closed"}
    assert codes(stores_observable_by(supervisor)) == {"ber-mitte"}


def test_shopper_observes_assigned_stores_but_reads_no_report(shopper, store, other_store):
    assert codes(stores_observable_by(shopper)) == {"ber-mitte"}
    assert not stores_reportable_to(shopper).exists()


def test_manager_reads_own_store_reports_but_records_no_visit(manager, store, other_store):
    assert codes(stores_reportable_to(manager)) == {"ber-mitte"}
    assert not stores_observable_by(manager).exists()


def test_inactive_users_see_nothing(store):
    gone = UserFactory(username="left-company", role="head_office", is_active=False)
    assert not stores_visible_to(gone).exists()


def test_visits_are_scoped_by_role(shopper, supervisor, manager, head_office, store, other_store):
    own = submit_visit(observer=shopper, store=store)
    other_shopper = UserFactory(username="shopper-zurich", stores=[other_store])
    elsewhere = submit_visit(observer=other_shopper, store=other_store)

    assert set(visits_visible_to(shopper)) == {own}
    assert set(visits_visible_to(other_shopper)) == {elsewhere}
    assert set(visits_visible_to(supervisor)) == {own}
    assert set(visits_visible_to(head_office)) == {own, elsewhere}
    assert not visits_visible_to(manager).exists()


def test_review_queue_holds_shopper_visits_of_the_region_flagged_first(shopper, supervisor, manager, store):
    clean = submit_visit(observer=UserFactory(username="shopper-clean", stores=[store]), store=store, minutes=30)
    flagged = submit_visit(observer=shopper, store=store, minutes=1)
    submit_visit(observer=supervisor, store=store, minutes=1)  # supervisors' own visits need no review
    assert list(review_queue_for(supervisor)) == [flagged, clean]
    assert not review_queue_for(shopper).exists()
    assert not review_queue_for(manager).exists()


def test_the_one_store_lookup_of_a_submission_follows_the_same_rule(
    head_office, supervisor, shopper, manager, store, other_store, inactive_store
):
    from django.forms.models import model_to_dict

    gone = UserFactory(username="left-company", role="head_office", is_active=False)
    both_regions = UserFactory(username="supervisor-both", role="supervisor")
    both_regions.regions.set([store.region, other_store.region])
    closed_and_zurich = UserFactory(username="shopper-two", stores=[other_store, inactive_store])
    left_supervisor = UserFactory(username="supervisor-left", role="supervisor", is_active=False)
    left_supervisor.regions.set([store.region])
    users = (head_office, supervisor, shopper, manager, gone, both_regions, closed_and_zurich, left_supervisor)
    for user in users:
        allowed = codes(stores_observable_by(user))
        for code in ("ber-mitte", "zrh-hb", "ber-closed", "no-such-store"):
            found = observable_store(user, code)
            assert (found is not None) == (code in allowed), (user.username, code)
            assert found is None or model_to_dict(found) == model_to_dict(stores_observable_by(user).get(code=code))


def test_only_an_active_supervisor_of_the_region_supervises_it(supervisor, head_office, region, other_region):
    from stores.selectors import regions_supervised_by, supervises, supervisors_of

    assert supervises(supervisor, region.pk)
    assert not supervises(supervisor, other_region.pk)
    assert not supervises(head_office, region.pk)  # head office does what it may on its own account
    assert list(supervisors_of(region.pk)) == [supervisor]
    assert list(regions_supervised_by(supervisor)) == [region]
    supervisor.is_active = False
    supervisor.save()
    assert not supervises(supervisor, region.pk)
    assert not supervisors_of(region.pk).exists()


@pytest.mark.parametrize(
    ("role", "sees"), [("head_office", True), ("supervisor", True), ("manager", False), ("shopper", False)]
)
def test_only_supervisors_and_head_office_see_observers_and_flags(request, role, sees):
    from stores.selectors import sees_observers

    assert sees_observers(request.getfixturevalue(role)) is sees


def test_the_planners_shoppers_of_many_stores_follow_the_one_store_rule(
    head_office, supervisor, shopper, manager, store, other_store, inactive_store
):
    UserFactory(username="shopper-both", stores=[store, other_store, inactive_store])
    UserFactory(username="shopper-left", stores=[store], is_active=False)
    closed_only = UserFactory(username="shopper-closed", stores=[inactive_store])
    manager.stores.add(other_store)
    every_store = [store.pk, other_store.pk, inactive_store.pk]

    found = {shopper.username: set(shopper.store_ids) for shopper in shoppers_observing(every_store)}

    expected = {}
    for user in User.objects.all():
        observable = set(stores_observable_by(user).filter(pk__in=every_store).values_list("pk", flat=True))
        if observable and user.role == "shopper":
            expected[user.username] = observable
    assert found == expected == {"shopper-anna": {store.pk}, "shopper-both": {store.pk, other_store.pk}}
    assert closed_only.username not in found
    # asked about one store, each shopper comes with that store only
    assert {s.username: set(s.store_ids) for s in shoppers_observing([other_store.pk])} == {
        "shopper-both": {other_store.pk}
    }
