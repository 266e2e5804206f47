"""A superuser who is not head office can administer, never gets a 500, and cannot act in another's name."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse

from stores.models import Role

from ..factories import UserFactory, submit_visit

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser_shopper(db):
    # createsuperuser leaves the role at its default, shopper
    return UserFactory(username="root", role=Role.SHOPPER, is_superuser=True, is_staff=True)


def admin_urls(objects: dict) -> list[str]:
    urls = [reverse("admin:index")]
    for model in apps.get_models():
        if not admin.site.is_registered(model):
            continue
        prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        urls += [reverse(f"{prefix}_changelist"), reverse(f"{prefix}_add")]
        obj = objects.get(model)
        if obj is not None:
            urls += [reverse(f"{prefix}_change", args=[obj.pk]), reverse(f"{prefix}_history", args=[obj.pk])]
    return urls


def test_no_admin_page_answers_500(client, superuser_shopper, shopper, store, region):
    from observations.models import Interaction, Rubric, Visit
    from stores.models import Region, Store, User

    visit = submit_visit(observer=shopper, store=store)
    objects = {
        Visit: visit,
        Interaction: visit.interactions.get(),
        Rubric: Rubric.in_force(),
        Store: store,
        Region: region,
        User: shopper,
    }
    client.force_login(superuser_shopper)
    for url in admin_urls(objects):
        response = client.get(url)
        assert response.status_code < 500, url
        assert response.status_code in (200, 302, 403), (url, response.status_code)


def test_a_superuser_of_another_role_may_not_correct_an_interaction(client, superuser_shopper, shopper, store):
    visit = submit_visit(observer=shopper, store=store)
    client.force_login(superuser_shopper)
    response = client.get(reverse("admin:observations_visit_change", args=[visit.pk]))
    assert response.status_code == 200
    assert b'name="interactions-0-smile"' not in response.content  # shown, not offered for change
