"""Files as head office would upload them: CSV (or XLSX) text with the export's columns."""

from __future__ import annotations

import csv
import io

STORE_COLUMNS = ["code", "name", "region", "city", "timezone", "latitude", "longitude", "is_active"]
USER_COLUMNS = [
    "username",
    "email",
    "first_name",
    "last_name",
    "role",
    "stores",
    "regions",
    "language",
    "report_pdf",
    "is_active",
]


def csv_text(columns: list[str], rows: list[dict]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns)
    writer.writeheader()
    for row in rows:
        writer.writerow({column: row.get(column, "") for column in columns})
    return out.getvalue()


def store_rows(n: int, regions: list[str]) -> list[dict]:
    return [
        {
            "code": f"st-{i:04d}",
            "name": f"Store {i}",
            "region": regions[i % len(regions)],
            "city": "Berlin",
            "timezone": "Europe/Berlin",
            "latitude": "52.52",
            "longitude": "13.405",
            "is_active": "1",
        }
        for i in range(n)
    ]


def user_rows(n: int, store_codes: list[str], regions: list[str]) -> list[dict]:
    rows = []
    for i in range(n):
        role = ["shopper", "shopper", "manager", "supervisor", "head_office"][i % 5]
        rows.append(
            {
                "username": f"person-{i:04d}",
                "email": f"person-{i:04d}@example.com",
                "first_name": "Alex",
                "last_name": f"Person {i}",
                "role": role,
                "stores": ",".join(store_codes[i % len(store_codes) : i % len(store_codes) + 2])
                if role in ("shopper", "manager")
                else "",
                "regions": regions[i % len(regions)] if role == "supervisor" else "",
                "language": "de",
                "report_pdf": "1" if role == "manager" else "0",
                "is_active": "1",
            }
        )
    return rows
