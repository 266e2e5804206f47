"""Head office edits the role mappings in the admin; a mapping must carry the scope its role needs."""

from __future__ import annotations

import pytest

from sso.models import RoleMapping
from stores.models import Role

pytestmark = pytest.mark.django_db


def test_head_office_maps_a_group_to_supervisor_of_a_region(client, head_office, region):
    client.force_login(head_office)

    response = client.post(
        "/admin/sso/rolemapping/add/",
        {"claim_value": "oasis-supervisors-north", "role": Role.SUPERVISOR, "regions": [region.pk]},
    )

    assert response.status_code == 302
    mapping = RoleMapping.objects.get()
    assert (mapping.role, list(mapping.regions.all())) == (Role.SUPERVISOR, [region])


def test_a_supervisor_mapping_without_a_region_is_refused_naming_the_field(client, head_office, store):
    client.force_login(head_office)

    response = client.post(
        "/admin/sso/rolemapping/add/",
        {"claim_value": "oasis-supervisors", "role": Role.SUPERVISOR, "stores": [store.pk]},
    )

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert set(errors) == {"regions", "stores"}
    assert not RoleMapping.objects.exists()


def test_store_managers_cannot_edit_the_mappings(client, manager):
    client.force_login(manager)
    assert client.get("/admin/sso/rolemapping/").status_code == 302
