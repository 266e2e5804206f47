"""Hostile import files are refused before their rows are read, in bounded time and memory:
a file too large, too many rows, one row far down the sheet, a sheet declaring A1:XFD1048576."""

from __future__ import annotations

import io
import re
import time
import tracemalloc
import zipfile

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from stores.imports import BoundedCSV, BoundedXLSX, ImportRefused
from stores.models import User

from .files import USER_COLUMNS, csv_text, user_rows

pytestmark = pytest.mark.django_db

# Far above what a refusal costs (milliseconds, a few MB), far below what the unbounded reads took
# (the worker's 30 s timeout, 3 GB): a regression to reading the whole sheet cannot pass.
SECONDS = 10
MEMORY = 64 * 1024 * 1024


def xlsx(rows: list[tuple[int, list]], *, dimension: str | None) -> bytes:
    """An XLSX whose first sheet holds `rows` ((row number, values)), with its <dimension> set to
    `dimension` or left out, as a hand-made file may have it."""
    book = openpyxl.Workbook()
    sheet = book.active
    for number, values in rows:
        for column, value in enumerate(values, start=1):
            sheet.cell(row=number, column=column, value=value)
    out = io.BytesIO()
    book.save(out)
    source = zipfile.ZipFile(io.BytesIO(out.getvalue()))
    result = io.BytesIO()
    with zipfile.ZipFile(result, "w", zipfile.ZIP_DEFLATED) as target:
        for member in source.infolist():
            data = source.read(member)
            if member.filename == "xl/worksheets/sheet1.xml":
                text = data.decode()
                replacement = f'<dimension ref="{dimension}"/>' if dimension else ""
                text = re.sub(r"<dimension [^>]*/>", replacement, text)
                data = text.encode()
            target.writestr(member, data)
    return result.getvalue()


def refused_within_bounds(file_format, data) -> str:
    tracemalloc.start()
    started = time.monotonic()
    try:
        with pytest.raises(ImportRefused) as refused:
            file_format.create_dataset(data)
        elapsed = time.monotonic() - started
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert elapsed < SECONDS
    assert peak < MEMORY
    return str(refused.value)


HEADER = ["username", "email", "role"]


def test_one_row_at_200000_without_a_declared_size_is_refused_within_bounds():
    data = xlsx([(1, HEADER), (200_000, ["far-away", "far@example.com", "shopper"])], dimension=None)
    assert len(data) < 8 * 1024
    assert (
        refused_within_bounds(BoundedXLSX(), data) == "The file has more than 2000 rows; split it into smaller files."
    )


def test_one_row_at_200000_with_its_declared_size_is_refused_before_reading_rows():
    data = xlsx([(1, HEADER), (200_000, ["far-away", "far@example.com", "shopper"])], dimension="A1:C200000")
    assert "more than 2000 rows" in refused_within_bounds(BoundedXLSX(), data)


def test_a_sheet_declaring_a1_to_xfd1048576_is_refused_within_bounds():
    data = xlsx([(1, HEADER), (2, ["anna", "anna@example.com", "shopper"])], dimension="A1:XFD1048576")
    assert "more than 2000 rows" in refused_within_bounds(BoundedXLSX(), data)


def test_a_cell_past_the_twentieth_column_without_a_declared_size_is_refused():
    book = xlsx([(1, HEADER), (2, ["anna"])], dimension=None)
    wide = xlsx([(1, HEADER), (2, [*[None] * 20, "x"])], dimension=None)
    assert BoundedXLSX().create_dataset(book).headers == HEADER
    assert refused_within_bounds(BoundedXLSX(), wide) == "The file has more than 20 columns."


def test_a_zip_that_unpacks_to_far_more_than_it_weighs_is_refused():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"<" + b" " * (64 * 1024 * 1024))
    assert len(out.getvalue()) < 250 * 1024
    assert "unpacks to more than" in refused_within_bounds(BoundedXLSX(), out.getvalue())


def test_a_csv_over_250_kb_or_2000_rows_is_refused_within_bounds():
    rows = user_rows(2001, ["st-0001"], ["north"])
    long_csv = csv_text(USER_COLUMNS, rows)
    big_csv = "username,email\n" + "x" * (251 * 1024)
    assert "more than 2000 rows" in refused_within_bounds(BoundedCSV(encoding="utf-8"), long_csv.encode())
    assert "larger than 250 KB" in refused_within_bounds(BoundedCSV(encoding="utf-8"), big_csv.encode())


def test_the_admin_says_why_a_file_is_refused_and_writes_nothing(admin_import):
    people = admin_import("user")
    data = xlsx([(1, HEADER), (200_000, ["far-away", "far@example.com", "shopper"])], dimension=None)

    response = people.preview(data, name="people.xlsx", file_format="1")

    assert response.status_code == 200
    assert "The file has more than 2000 rows" in response.content.decode()
    assert not User.objects.filter(username="far-away").exists()


def test_a_refused_file_is_explained_in_german(admin_import, client):
    admin_import("user")  # logged in as head office
    data = xlsx([(1, HEADER), (200_000, ["far-away", "far@example.com", "shopper"])], dimension=None)
    upload = SimpleUploadedFile("people.xlsx", data)
    response = client.post(
        reverse("admin:stores_user_import"), {"import_file": upload, "format": "1"}, HTTP_ACCEPT_LANGUAGE="de"
    )
    assert "Die Datei hat mehr als 2000 Zeilen; teilen Sie sie in kleinere Dateien auf." in response.content.decode()
