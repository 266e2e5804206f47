"""Head office made by add_user runs the program in the admin: opens and changes each page it needs."""

from __future__ import annotations

import pytest
from django.urls import reverse

from observations.models import Rubric
from stores.models import Region, Role, Store, User

from ..factories import UserFactory, submit_visit

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "name",
    [
        "observations_rubric",
        "observations_visit",
        "stores_user",
        "stores_store",
        "stores_region",
        # the README's "E-mails and alerts", "Follow-up work (outbox)", per-shopper capacity, device tokens
        "notifications_reportdelivery",
        "notifications_visitalert",
        "coaching_plannotice",
        "coaching_actionplan",
        "core_outboxitem",
        "planning_shoppercapacity",
        "planning_wave",
        "planning_assignment",
        "planning_assignmentdecline",
        "photos_photo",
        "api_devicetoken",
        "sso_rolemapping",
        "sso_identity",
    ],
)
def test_head_office_opens_each_list_it_needs(head_office_by_add_user, admin_client_of, name):
    response = admin_client_of(head_office_by_add_user).get(reverse(f"admin:{name}_changelist"))
    assert response.status_code == 200


def test_head_office_changes_a_store(head_office_by_add_user, admin_client_of, store):
    client = admin_client_of(head_office_by_add_user)
    url = reverse("admin:stores_store_change", args=[store.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "code": store.code,
            "name": store.name,
            "region": store.region_id,
            "city": "Potsdam",
            "timezone": "Europe/Berlin",
            "latitude": "52.4",
            "longitude": "13.06",
            "is_active": "on",
            "country": "DE",
        },
    )
    assert response.status_code == 302
    store.refresh_from_db()
    assert store.city == "Potsdam"


def test_head_office_adds_a_region(head_office_by_add_user, admin_client_of):
    response = admin_client_of(head_office_by_add_user).post(
        reverse("admin:stores_region_add"), {"code": "west", "name": "West"}
    )
    assert response.status_code == 302
    assert Region.objects.filter(code="west").exists()


def test_head_office_saves_a_new_rubric_version(head_office_by_add_user, admin_client_of):
    current = Rubric.in_force()
    fields = {
        field.name: getattr(current, field.name)
        for field in Rubric._meta.fields
        if field.name not in ("id", "created_at")
    }
    response = admin_client_of(head_office_by_add_user).post(
        reverse("admin:observations_rubric_add"), {**fields, "version": current.version + 1, "smile_weight": 0.25}
    )
    assert response.status_code == 302
    assert Rubric.objects.get(version=current.version + 1).smile_weight == 0.25


def test_head_office_makes_a_shopper_a_supervisor_of_a_region(
    head_office_by_add_user, admin_client_of, shopper, region
):
    client = admin_client_of(head_office_by_add_user)
    url = reverse("admin:stores_user_change", args=[shopper.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "username": shopper.username,
            "role": Role.SUPERVISOR,
            "regions": [region.pk],
            "first_name": "",
            "last_name": "",
            "email": shopper.email,
            "language": "de",
            "is_active": "on",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    shopper.refresh_from_db()
    assert shopper.role == Role.SUPERVISOR
    assert list(shopper.regions.all()) == [region]


def test_head_office_cannot_make_anyone_superuser(head_office_by_add_user, admin_client_of, shopper, store):
    client = admin_client_of(head_office_by_add_user)
    url = reverse("admin:stores_user_change", args=[shopper.pk])
    client.post(
        url,
        {
            "username": shopper.username,
            "role": Role.SHOPPER,
            "stores": [store.pk],
            "email": shopper.email,
            "language": "de",
            "is_active": "on",
            "is_superuser": "on",
        },
    )
    shopper.refresh_from_db()
    assert not shopper.is_superuser


def test_head_office_does_not_see_superuser_accounts(head_office_by_add_user, admin_client_of):
    root = UserFactory(username="root", is_superuser=True, is_staff=True)
    response = admin_client_of(head_office_by_add_user).get(reverse("admin:stores_user_change", args=[root.pk]))
    assert response.status_code == 302  # the admin's answer to an object outside the queryset


def test_a_scope_the_role_does_not_use_is_refused_with_a_sentence(
    head_office_by_add_user, admin_client_of, shopper, region
):
    client = admin_client_of(head_office_by_add_user)
    response = client.post(
        reverse("admin:stores_user_change", args=[shopper.pk]),
        {"username": shopper.username, "role": Role.SUPERVISOR, "email": "", "language": "de", "is_active": "on"},
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["regions"] == ["A supervisor needs at least one region."]


def test_head_office_opens_and_corrects_a_visit(head_office_by_add_user, admin_client_of, shopper, store):
    visit = submit_visit(observer=shopper, store=store)
    client = admin_client_of(head_office_by_add_user)
    response = client.get(reverse("admin:observations_visit_change", args=[visit.pk]))
    assert response.status_code == 200
    assert b'name="interactions-0-smile"' in response.content


def test_head_office_added_in_the_admin_gets_the_role_permissions_and_an_e_mail(
    head_office_by_add_user, admin_client_of, mailoutbox, django_capture_on_commit_callbacks, eager_tasks
):
    client = admin_client_of(head_office_by_add_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:stores_user_add"),
            {
                "username": "ines",
                "email": "ines@example.com",
                "role": Role.HEAD_OFFICE,
                "language": "en",
                "usable_password": "false",
            },
        )
    assert response.status_code == 302, response.context["adminform"].form.errors
    ines = User.objects.get(username="ines")
    assert ines.is_staff and ines.has_perm("stores.change_store")
    assert not ines.has_usable_password()
    assert [message.to for message in mailoutbox] == [["ines@example.com"]]
    assert "/accounts/reset/" in mailoutbox[0].body


def test_no_bulk_delete_is_offered(head_office_by_add_user, admin_client_of, store):
    client = admin_client_of(head_office_by_add_user)
    for name in ["stores_user", "stores_store", "stores_region", "observations_visit"]:
        response = client.get(reverse(f"admin:{name}_changelist"))
        assert b'value="delete_selected"' not in response.content, name
    assert Store.objects.exists()


def test_head_office_reaches_the_admin_from_the_report_pages(client, head_office, manager, store):
    client.force_login(head_office)
    page = client.get(reverse("reports:branches"))
    assert f'href="{reverse("admin:index")}"'.encode() in page.content
    client.force_login(manager)
    page = client.get(reverse("reports:store", args=[store.code]))
    assert page.status_code == 200
    assert reverse("admin:index").encode() not in page.content


def test_head_office_sets_a_shoppers_weekly_capacity(head_office_by_add_user, admin_client_of, shopper):
    from planning.models import ShopperCapacity

    client = admin_client_of(head_office_by_add_user)
    assert client.get(reverse("admin:planning_shoppercapacity_add")).status_code == 200
    response = client.post(reverse("admin:planning_shoppercapacity_add"), {"shopper": shopper.pk, "visits_per_week": 3})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert ShopperCapacity.objects.get(shopper=shopper).visits_per_week == 3


def test_the_admin_index_lists_every_section_for_head_office(head_office_by_add_user, admin_client_of):
    page = admin_client_of(head_office_by_add_user).get(reverse("admin:index")).content.decode()
    for section in [
        "/admin/notifications/reportdelivery/",
        "/admin/core/outboxitem/",
        "/admin/planning/shoppercapacity/",
    ]:
        assert section in page


def test_head_office_switches_a_managers_report_pdf_on_in_the_admin(
    head_office_by_add_user, admin_client_of, manager, store
):
    client = admin_client_of(head_office_by_add_user)
    url = reverse("admin:stores_user_change", args=[manager.pk])
    assert 'name="report_pdf"' in client.get(url).content.decode()
    response = client.post(
        url,
        {
            "username": manager.username,
            "role": Role.MANAGER,
            "stores": [store.pk],
            "email": manager.email,
            "language": "de",
            "report_pdf": "on",
            "is_active": "on",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    manager.refresh_from_db()
    assert manager.report_pdf is True
