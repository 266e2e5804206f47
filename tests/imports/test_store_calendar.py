"""A store's holiday calendar (country, subdivision, closed weekdays) is checked against what the
holiday calendar knows, in the admin and in the import, with the field named in English and German."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from stores.models import Store
from tests.factories import StoreFactory
from tests.imports.files import csv_text

pytestmark = pytest.mark.django_db

COLUMNS = [
    "code",
    "name",
    "region",
    "city",
    "timezone",
    "latitude",
    "longitude",
    "is_active",
    "country",
    "subdivision",
    "closed_weekdays",
]


def row(code: str, **values) -> dict:
    return {
        "code": code,
        "name": code.title(),
        "region": "north",
        "city": "Berlin",
        "timezone": "Europe/Berlin",
        "latitude": "52.5",
        "longitude": "13.4",
        "is_active": "1",
        "country": "DE",
        "subdivision": "",
        "closed_weekdays": "",
    } | values


def test_iso_forms_and_names_of_a_subdivision_are_read_as_the_holiday_calendars_code(region):
    store = StoreFactory(region=region)
    for given in ("DE-BY", "by", "Bayern"):
        store.country, store.subdivision, store.closed_weekdays = "de", given, "7, 6"
        store.full_clean()
        assert (store.country, store.subdivision, store.closed_weekdays) == ("DE", "BY", "6,7")


@pytest.mark.parametrize(
    ("language", "messages"),
    [
        (
            "en",
            {
                "country": "“XX” is not a country code the holiday calendar knows (ISO 3166-1, e.g. DE).",
                "closed_weekdays": "Closed weekdays are day numbers from 1 (Monday) to 7 (Sunday), e.g. “7”.",
            },
        ),
        (
            "de",
            {
                "country": "„XX“ ist kein Ländercode, den der Feiertagskalender kennt (ISO 3166-1, z. B. DE).",
                "closed_weekdays": "Ruhetage sind Tagesnummern von 1 (Montag) bis 7 (Sonntag), z. B. „7“.",
            },
        ),
    ],
)
def test_an_unknown_country_and_bad_weekdays_are_refused_naming_the_field(region, language, messages):
    store = StoreFactory(region=region)
    store.country, store.closed_weekdays = "XX", "8"
    with translation.override(language), pytest.raises(ValidationError) as refused:
        store.full_clean()
    assert {field: errors[0] for field, errors in refused.value.message_dict.items()} == messages


def test_a_subdivision_of_another_country_is_refused_with_the_known_ones(region):
    store = StoreFactory(region=region)
    store.country, store.subdivision = "CH", "BY"
    with translation.override("de"), pytest.raises(ValidationError) as refused:
        store.full_clean()
    assert refused.value.message_dict["subdivision"][0].startswith(
        "„BY“ ist kein Bundesland bzw. Kanton von CH; bekannt sind: AG, AI"
    )


def test_the_admin_form_names_the_field_in_german(client, head_office, region):
    store = StoreFactory(region=region, code="ber-mi")
    client.force_login(head_office)
    url = reverse("admin:stores_store_change", args=[store.pk])
    data = {
        "code": "ber-mi",
        "name": "Berlin Mitte",
        "region": region.pk,
        "city": "Berlin",
        "timezone": "Europe/Berlin",
        "latitude": "52.5",
        "longitude": "13.4",
        "is_active": "on",
        "country": "DE",
        "subdivision": "Tirol",
        "closed_weekdays": ["7"],
    }
    refused = client.post(url, data, HTTP_ACCEPT_LANGUAGE="de")
    assert refused.status_code == 200  # the admin shows the form again with the reason at the field
    assert refused.context["adminform"].form.errors["subdivision"][0].startswith("„Tirol“ ist kein Bundesland")
    data["subdivision"] = "DE-HH"
    assert client.post(url, data).status_code == 302
    store.refresh_from_db()
    assert (store.subdivision, store.closed_weekdays) == ("HH", "7")


def test_the_store_import_reads_the_calendar_columns_and_refuses_bad_ones_by_field(admin_import, regions):
    stores = admin_import("store")
    rows = [
        row("muc-ma", subdivision="DE-BY", closed_weekdays="7"),
        row("zrh-hb", country="CH", subdivision="ZH", timezone="Europe/Zurich"),
        row("atl-01", country="AT", subdivision="Atlantis"),
        row("xxx-01", country="XX"),
    ]
    refused = stores.preview(csv_text(COLUMNS, rows))
    errors = {item["row"]: item["errors"] for item in refused.context["job"].row_errors}
    assert set(errors) == {3, 4}
    assert errors[3]["subdivision"] == ["“Atlantis” is not a subdivision of AT; known are: 1, 2, 3, 4, 5, 6, 7, 8, 9."]
    assert list(errors[4]) == ["country"]
    assert not Store.objects.exists()

    preview = stores.preview(csv_text(COLUMNS, rows[:2]))
    stores.confirm(preview)
    assert {s.code: (s.country, s.subdivision, s.closed_weekdays) for s in Store.objects.all()} == {
        "muc-ma": ("DE", "BY", "7"),
        "zrh-hb": ("CH", "ZH", ""),
    }


def test_a_store_import_without_the_calendar_columns_gives_the_company_country(admin_import, regions):
    stores = admin_import("store")
    old_columns = COLUMNS[:8]
    stores.confirm(stores.preview(csv_text(old_columns, [row("ham-mo")])))
    assert Store.objects.get(code="ham-mo").country == "DE"
