"""The file formats of the admin's bulk set-up, bounded before anything is parsed.

A file is refused with a sentence, before its rows are read, when it is larger than
OASIS_IMPORT_MAX_BYTES, has more than OASIS_IMPORT_MAX_ROWS rows or more than MAX_COLUMNS columns,
or (XLSX) declares a larger sheet or unpacks to more than MAX_UNPACKED_BYTES. The rows are then read
only up to those bounds: a sheet whose one row sits at row 200,000, or that declares A1:XFD1048576,
costs no more than a file of OASIS_IMPORT_MAX_ROWS rows.
"""

from __future__ import annotations

import csv
import io
import zipfile

import openpyxl
import tablib
from django.conf import settings
from django.utils.translation import gettext as _
from import_export.formats.base_formats import CSV, XLSX

MAX_COLUMNS = 20  # the exports write 11 at most
MAX_UNPACKED_BYTES = 16 * 1024 * 1024


class ImportRefused(ValueError):
    """The file is not read: the message says why, in the user's language."""


def _check_size(data: bytes | str) -> None:
    size = len(data.encode() if isinstance(data, str) else data)
    if size > settings.OASIS_IMPORT_MAX_BYTES:
        raise ImportRefused(
            _("The file is larger than %(max)d KB; split it into smaller files.")
            % {"max": settings.OASIS_IMPORT_MAX_BYTES // 1024}
        )


def _too_many_rows() -> ImportRefused:
    return ImportRefused(
        _("The file has more than %(max)d rows; split it into smaller files.") % {"max": settings.OASIS_IMPORT_MAX_ROWS}
    )


def _too_many_columns() -> ImportRefused:
    return ImportRefused(_("The file has more than %(max)d columns.") % {"max": MAX_COLUMNS})


class BoundedCSV(CSV):
    def create_dataset(self, in_stream, **kwargs):
        _check_size(in_stream)
        text = in_stream.decode(self.encoding or "utf-8") if isinstance(in_stream, bytes) else in_stream
        rows = []
        for row in csv.reader(io.StringIO(text.lstrip("\ufeff"))):
            if not row:
                continue  # a blank line
            if len(rows) > settings.OASIS_IMPORT_MAX_ROWS:  # the header and the allowed rows read
                raise _too_many_rows()
            if len(row) > MAX_COLUMNS:
                raise _too_many_columns()
            rows.append(row)
        return _dataset(rows)


class BoundedXLSX(XLSX):
    def create_dataset(self, in_stream):
        _check_size(in_stream)
        try:
            with zipfile.ZipFile(io.BytesIO(in_stream)) as archive:
                unpacked = sum(member.file_size for member in archive.infolist())
        except zipfile.BadZipFile:
            raise ImportRefused(_("This is not an XLSX file.")) from None
        if unpacked > MAX_UNPACKED_BYTES:
            raise ImportRefused(
                _("The file unpacks to more than %(max)d MB.") % {"max": MAX_UNPACKED_BYTES // (1024 * 1024)}
            )
        book = openpyxl.load_workbook(io.BytesIO(in_stream), read_only=True, data_only=True)
        try:
            sheet = book.active
            # The sheet's declared size (its <dimension>), read before any row is.
            if (sheet.max_row or 0) > settings.OASIS_IMPORT_MAX_ROWS + 1:
                raise _too_many_rows()
            if (sheet.max_column or 0) > MAX_COLUMNS:
                raise _too_many_columns()
            # Read one row and one column past the bounds, to know whether the sheet goes beyond them
            # (missing rows in between come as empty ones, so a far row is found within the bound).
            limit_rows = settings.OASIS_IMPORT_MAX_ROWS + 2
            rows = [list(row) for row in sheet.iter_rows(max_row=limit_rows, max_col=MAX_COLUMNS + 1, values_only=True)]
        finally:
            book.close()
        if len(rows) >= limit_rows:
            raise _too_many_rows()
        if any(len(row) > MAX_COLUMNS and row[MAX_COLUMNS] is not None for row in rows):
            raise _too_many_columns()
        while rows and all(value is None for value in rows[-1]):
            rows.pop()
        return _dataset([row[:MAX_COLUMNS] for row in rows])


def _dataset(rows: list[list]) -> tablib.Dataset:
    dataset = tablib.Dataset()
    if not rows:
        return dataset
    header = list(rows[0])
    while header and header[-1] in (None, ""):
        header.pop()
    dataset.headers = header
    for row in rows[1:]:
        row = list(row[: len(header)]) + [None] * (len(header) - len(row))
        dataset.append(row)
    return dataset
