from __future__ import annotations

import json

import pytest
from django.core.management import call_command
from django.db.models import Avg, Count
from django.urls import reverse

from observations.models import Visit
from stores.models import User

from ..factories import interaction_input, submit_visit

pytestmark = pytest.mark.django_db


def store_figures():
    return list(Visit.objects.values("store__code", "week_start").annotate(n=Count("pk"), soi=Avg("soi")).order_by())


def test_anonymizing_a_departed_shopper_removes_identity_and_keeps_statistics(shopper, store):
    submit_visit(observer=shopper, store=store, interactions=[interaction_input(smile=2)])
    submit_visit(observer=shopper, store=store, minutes=45)
    before = store_figures()

    call_command("anonymize_user", "shopper-anna", stdout=open("/dev/null", "w"))  # noqa: SIM115

    user = User.objects.get(pk=shopper.pk)
    assert user.username == f"departed-{shopper.pk}"
    assert (user.first_name, user.last_name, user.email) == ("", "", "")
    assert not user.is_active
    assert not user.has_usable_password()
    assert not User.objects.filter(username="shopper-anna").exists()
    assert Visit.objects.filter(observer=user).count() == 2
    assert store_figures() == before


def test_anonymizing_an_unknown_user_says_so(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="No user named 'ghost'"):
        call_command("anonymize_user", "ghost")


def test_a_user_downloads_their_own_data(client, shopper, store):
    visit = submit_visit(observer=shopper, store=store, notes="Nice shop")
    client.force_login(shopper)
    response = client.get(reverse("my-data"))

    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="service-oasis-shopper-anna.json"'
    data = json.loads(response.content)
    assert data["user"]["username"] == "shopper-anna"
    assert data["user"]["stores"] == ["ber-mitte"]
    assert [v["id"] for v in data["visits"]] == [str(visit.pk)]
    assert data["visits"][0]["notes"] == "Nice shop"
    assert data["visits"][0]["interactions"][0]["smile"] == 5


def test_the_data_download_holds_nobody_elses_visits(client, shopper, manager, store):
    submit_visit(observer=shopper, store=store)
    client.force_login(manager)
    data = json.loads(client.get(reverse("my-data")).content)
    assert data["visits"] == []
    assert "shopper-anna" not in json.dumps(data)


def test_the_data_download_needs_a_login(client):
    assert client.get(reverse("my-data")).status_code == 302
