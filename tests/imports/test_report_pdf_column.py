"""A manager's choice of the report PDF in their weekly e-mail travels with the people file: the
export writes it, an import sets it, a file without the column leaves it alone, and a value that is
neither on nor off is refused naming the column, in the uploader's language."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest

from stores.models import Role, User

from ..factories import StoreFactory, UserFactory
from .files import USER_COLUMNS, csv_text

pytestmark = pytest.mark.django_db

OLD_COLUMNS = [column for column in USER_COLUMNS if column != "report_pdf"]  # files made before the option


@pytest.fixture
def managers(regions):
    store = StoreFactory(code="ber-mitte", region=regions[0])
    return {
        name: UserFactory(
            username=name,
            email=f"{name}@store.example",
            first_name=name.title(),
            last_name="",
            language="de",
            role=Role.MANAGER,
            stores=[store],
            report_pdf=on,
        )
        for name, on in (("greta", True), ("hans", False))
    }


def row(username: str, **values) -> dict:
    return {
        "username": username,
        "email": f"{username}@store.example",
        "first_name": username.title(),
        "last_name": "",
        "role": "manager",
        "stores": "ber-mitte",
        "regions": "",
        "language": "de",
        "is_active": "1",
    } | values


def export(client, file_format: str) -> bytes:
    response = client.post(
        "/admin/stores/user/export/", {"format": file_format, **{f"userresource_{c}": "on" for c in USER_COLUMNS}}
    )
    assert response.status_code == 200
    return response.content


def choices() -> dict[str, bool]:
    return dict(User.objects.filter(role=Role.MANAGER).values_list("username", "report_pdf"))


def test_the_people_export_writes_each_managers_choice_and_imports_again_unchanged(admin_import, client, managers):
    people = admin_import("user")
    exported = export(client, "0")
    rows = list(csv.DictReader(io.StringIO(exported.decode("utf-8-sig"))))
    assert list(rows[0]) == USER_COLUMNS
    assert {r["username"]: r["report_pdf"] for r in rows if r["role"] == "manager"} == {"greta": "1", "hans": "0"}

    totals = people.preview(exported).context["job"].totals
    assert (totals["skip"], totals["update"], totals["new"]) == (len(rows), 0, 0)


def test_the_xlsx_export_writes_the_choice_as_true_or_false_and_imports_again_unchanged(admin_import, client, managers):
    people = admin_import("user")
    exported = export(client, "1")
    sheet = openpyxl.load_workbook(io.BytesIO(exported)).active
    header = [cell.value for cell in sheet[1]]
    assert header == USER_COLUMNS
    values = {line[0]: line[header.index("report_pdf")] for line in sheet.iter_rows(min_row=2, values_only=True)}
    assert (values["greta"], values["hans"]) == (True, False)  # TRUE and FALSE cells, no text
    assert not [cell.coordinate for line in sheet.iter_rows() for cell in line if cell.data_type == "f"]

    totals = people.preview(exported, name="people.xlsx", file_format="1").context["job"].totals
    assert (totals["skip"], totals["update"], totals["new"]) == (sheet.max_row - 1, 0, 0)


def test_an_import_switches_the_pdf_on_and_off(admin_import, managers):
    people = admin_import("user")
    preview = people.preview(csv_text(USER_COLUMNS, [row("greta", report_pdf="0"), row("hans", report_pdf="1")]))
    assert preview.context["job"].totals["update"] == 2
    people.confirm(preview)
    assert choices() == {"greta": False, "hans": True}

    people.confirm(people.preview(csv_text(USER_COLUMNS, [row("greta", report_pdf="true"), row("hans")])))
    assert choices() == {"greta": True, "hans": False}  # an empty cell is off, as the option's default


def test_a_file_without_the_column_leaves_every_choice_as_it_is(admin_import, managers):
    people = admin_import("user")
    unchanged = people.preview(csv_text(OLD_COLUMNS, [row("greta"), row("hans")])).context["job"].totals
    assert (unchanged["skip"], unchanged["update"]) == (2, 0)

    renamed = people.preview(csv_text(OLD_COLUMNS, [row("greta", first_name="Grete"), row("hans")]))
    people.confirm(renamed)
    assert User.objects.get(username="greta").first_name == "Grete"
    assert choices() == {"greta": True, "hans": False}


@pytest.mark.parametrize(
    ("language", "message"),
    [("en", "“ja” is neither 1 (on) nor 0 (off)."), ("de", "„ja“ ist weder 1 (an) noch 0 (aus).")],
)
def test_a_value_that_is_neither_on_nor_off_is_refused_naming_the_column(
    admin_import, client, managers, language, message
):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = language
    people = admin_import("user")
    refused = people.preview(csv_text(USER_COLUMNS, [row("greta", report_pdf="0"), row("hans", report_pdf="ja")]))
    assert refused.context["can_confirm"] is False
    assert [(item["row"], item["errors"]) for item in refused.context["job"].row_errors] == [
        (2, {"report_pdf": [message]})
    ]
    assert choices() == {"greta": True, "hans": False}  # nothing written


def test_a_formula_in_a_name_is_still_written_as_text_beside_the_choice(admin_import, client, managers):
    admin_import("user")
    User.objects.filter(username="greta").update(first_name="=HYPERLINK(1)")
    rows = {r["username"]: r for r in csv.DictReader(io.StringIO(export(client, "0").decode("utf-8-sig")))}
    assert (rows["greta"]["first_name"], rows["greta"]["report_pdf"]) == ("'=HYPERLINK(1)", "1")


@pytest.mark.parametrize("column", ["report_pdf", "is_active"])
def test_a_typo_in_an_on_off_column_is_refused_and_deactivates_nobody(admin_import, managers, column):
    people = admin_import("user")
    refused = people.preview(csv_text(USER_COLUMNS, [row("greta", **{column: "ja"})]))
    assert refused.context["can_confirm"] is False
    assert [item["errors"] for item in refused.context["job"].row_errors] == [
        {column: ["“ja” is neither 1 (on) nor 0 (off)."]}
    ]
    assert User.objects.get(username="greta").is_active is True
