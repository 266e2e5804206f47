"""Head office sets up a company from two files: 1,000 stores and 500 people, previewed row by row,
written only when confirmed, refused whole while any row is bad, and idempotent when imported again."""

from __future__ import annotations

import pytest

from stores.models import Role, Store, User
from stores.roles import HEAD_OFFICE_GROUP

from .files import STORE_COLUMNS, USER_COLUMNS, csv_text, store_rows, user_rows

pytestmark = pytest.mark.django_db

N_STORES = 1000
N_USERS = 500


def invalid_rows(preview) -> dict[int, dict]:
    return {refused["row"]: refused["errors"] for refused in preview.context["job"].row_errors}


# Four passes over a thousand rows (refused preview, preview, confirm, second preview) on a shared
# two-core machine: more than pytest's default five minutes when other jobs run.
@pytest.mark.timeout(1200)
def test_a_thousand_stores_bad_rows_refused_then_written_once_when_confirmed_and_a_second_import_changes_nothing(
    admin_import, regions
):
    stores = admin_import("store")
    good = store_rows(N_STORES, [r.code for r in regions])
    bad = [dict(row) for row in good]
    bad[10]["region"] = "atlantis"
    bad[20]["timezone"] = "Europe/Springfield"
    bad[30]["code"] = bad[29]["code"]
    bad[40]["latitude"] = "123"

    refused = stores.preview(csv_text(STORE_COLUMNS, bad))
    assert refused.status_code == 200
    assert refused.context["can_confirm"] is False  # nothing can be confirmed while rows are refused
    assert invalid_rows(refused) == {
        11: {"region": ["Unknown region code “atlantis”."]},
        21: {"timezone": ["Europe/Springfield is not an IANA time zone."]},
        31: {"code": ["“st-0029” appears twice in the file (also in row 30)."]},
        41: {"__all__": ["The latitude must lie between -90 and 90."]},
    }
    assert "Unknown region code “atlantis”." in refused.content.decode()
    assert not Store.objects.exists()

    text = csv_text(STORE_COLUMNS, good)
    preview = stores.preview(text)
    assert preview.context["job"].totals["new"] == N_STORES
    assert not Store.objects.exists()  # a preview writes nothing
    assert stores.confirm(preview).status_code == 302
    assert Store.objects.count() == N_STORES
    assert Store.objects.get(code="st-0004").region.code == "south"

    again = stores.preview(text).context["job"].totals
    assert (again["skip"], again["new"], again["update"]) == (N_STORES, 0, 0)


def test_an_export_imports_again_unchanged_and_a_changed_row_is_an_update(admin_import, client, regions):
    stores = admin_import("store")
    stores.confirm(stores.preview(csv_text(STORE_COLUMNS, store_rows(20, [r.code for r in regions]))))
    exported = client.post(
        "/admin/stores/store/export/", {"format": "0", **{f"storeresource_{c}": "on" for c in STORE_COLUMNS}}
    )
    assert exported.status_code == 200
    lines = exported.content.decode().splitlines()
    assert lines[0] == ",".join(STORE_COLUMNS)
    assert stores.preview(exported.content).context["job"].totals["skip"] == 20
    lines[1] = lines[1].replace("Berlin,", "Potsdam,", 1)
    totals = stores.preview("\n".join(lines)).context["job"].totals
    assert (totals["update"], totals["skip"]) == (1, 19)


@pytest.fixture
def fifty_stores(regions):
    by_code = {r.code: r for r in regions}
    Store.objects.bulk_create(
        [Store(**{**row, "region": by_code[row["region"]], "is_active": True}) for row in store_rows(50, list(by_code))]
    )
    return [f"st-{i:04d}" for i in range(50)]


@pytest.mark.timeout(1200)
def test_five_hundred_people_bad_rows_refused_then_written_with_scope_role_and_e_mail_and_idempotent(
    admin_import, regions, fifty_stores, mailoutbox, eager_tasks, django_capture_on_commit_callbacks
):
    people = admin_import("user")
    good = user_rows(N_USERS, fifty_stores, [r.code for r in regions])
    bad = [dict(row) for row in good]
    bad[5]["email"] = "anna(at)example.com"
    bad[6]["stores"] = "st-0001,st-9999"
    bad[7]["role"] = "boss"
    bad[10]["regions"] = "north"  # a shopper with a region
    bad[13]["regions"] = "atlantis"
    bad[14]["username"] = bad[12]["username"]
    before = User.objects.count()

    refused = people.preview(csv_text(USER_COLUMNS, bad))
    assert refused.context["can_confirm"] is False
    assert invalid_rows(refused) == {
        6: {"email": ["“anna(at)example.com” is not an e-mail address."]},
        7: {"stores": ["Unknown store code(s): st-9999."]},
        8: {"role": ["Value 'boss' is not a valid choice."]},
        11: {"regions": ["Only supervisors are given regions."]},
        14: {"regions": ["Unknown region code(s): atlantis."]},
        15: {"username": ["“person-0012” appears twice in the file (also in row 13)."]},
    }
    assert User.objects.count() == before  # nothing half-written

    text = csv_text(USER_COLUMNS, good)
    preview = people.preview(text)
    assert preview.context["job"].totals["new"] == N_USERS
    assert User.objects.count() == before
    with django_capture_on_commit_callbacks(execute=True):
        assert people.confirm(preview).status_code == 302

    imported = User.objects.filter(username__startswith="person-")
    assert imported.count() == N_USERS
    shopper = imported.get(username="person-0000")
    assert (shopper.role, sorted(shopper.stores.values_list("code", flat=True))) == ("shopper", ["st-0000", "st-0001"])
    assert list(imported.get(username="person-0003").regions.values_list("code", flat=True)) == ["north"]
    head = imported.get(username="person-0004")
    assert head.role == Role.HEAD_OFFICE and head.is_staff and head.groups.filter(name=HEAD_OFFICE_GROUP).exists()
    assert not any(user.has_usable_password() for user in imported)
    assert sorted(message.to[0] for message in mailoutbox) == sorted(row["email"] for row in good)
    assert all("/accounts/reset/" in message.body for message in mailoutbox)

    again = people.preview(text).context["job"].totals
    assert (again["skip"], again["new"], again["update"]) == (N_USERS, 0, 0)


def test_an_import_never_touches_a_superuser_account(admin_import, regions, fifty_stores):
    User.objects.create(username="person-0000", is_superuser=True, is_staff=True, email="root@example.com")
    refused = admin_import("user").preview(csv_text(USER_COLUMNS, user_rows(1, fifty_stores, ["north"])))
    assert invalid_rows(refused) == {1: {"username": ["This account is not managed by imports."]}}
