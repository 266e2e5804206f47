"""Head office sets a store's holiday calendar through the API; what the holiday calendar does not
know is a 400 naming the field, in English and German; nobody else reads or changes it."""

from __future__ import annotations

import pytest

from stores.models import Store

pytestmark = pytest.mark.django_db


def url(store) -> str:
    return f"/api/v1/stores/{store.code}/calendar/"


def test_head_office_sets_a_bavarian_store_closed_on_sundays(client, head_office, store):
    client.force_login(head_office)
    response = client.patch(
        url(store), {"subdivision": "DE-BY", "closed_weekdays": "7"}, content_type="application/json"
    )
    assert response.status_code == 200
    assert response.json() == {"country": "DE", "subdivision": "BY", "closed_weekdays": "7"}
    assert Store.objects.filter(pk=store.pk, subdivision="BY", closed_weekdays="7").exists()
    assert client.get(url(store)).json()["subdivision"] == "BY"


@pytest.mark.parametrize(
    ("language", "country", "subdivision"),
    [
        (
            "en",
            "“XX” is not a country code the holiday calendar knows (ISO 3166-1, e.g. DE).",
            "“Tirol” is not a subdivision of DE; known are: BB, BE, BW, BY, HB, HE, HH, MV, NI, NW, RP, SH, SL, SN, "
            "ST, TH, Augsburg.",
        ),
        (
            "de",
            "„XX“ ist kein Ländercode, den der Feiertagskalender kennt (ISO 3166-1, z. B. DE).",
            "„Tirol“ ist kein Bundesland bzw. Kanton von DE; bekannt sind: BB, BE, BW, BY, HB, HE, HH, MV, NI, NW, "
            "RP, SH, SL, SN, ST, TH, Augsburg.",
        ),
    ],
)
def test_what_the_holiday_calendar_does_not_know_is_a_400_naming_the_field(
    client, head_office, store, language, country, subdivision
):
    client.force_login(head_office)
    bad_country = client.patch(
        url(store), {"country": "XX"}, content_type="application/json", HTTP_ACCEPT_LANGUAGE=language
    )
    assert bad_country.status_code == 400
    assert bad_country.json() == {"country": country}
    bad_subdivision = client.patch(
        url(store), {"subdivision": "Tirol"}, content_type="application/json", HTTP_ACCEPT_LANGUAGE=language
    )
    assert bad_subdivision.status_code == 400
    assert bad_subdivision.json() == {"subdivision": subdivision}
    assert Store.objects.get(pk=store.pk).subdivision == ""


def test_closed_weekdays_beyond_sunday_are_refused_in_german(client, head_office, store):
    client.force_login(head_office)
    response = client.patch(
        url(store), {"closed_weekdays": "6,8"}, content_type="application/json", HTTP_ACCEPT_LANGUAGE="de"
    )
    assert response.status_code == 400
    assert response.json() == {
        "closed_weekdays": "Ruhetage sind Tagesnummern von 1 (Montag) bis 7 (Sonntag), z. B. „7“."
    }


@pytest.mark.parametrize("who", ["shopper", "supervisor", "manager"])
def test_nobody_but_head_office_reads_or_changes_the_calendar(client, request, who, store):
    client.force_login(request.getfixturevalue(who))
    assert client.get(url(store)).status_code == 404
    assert client.patch(url(store), {"country": "CH"}, content_type="application/json").status_code == 404
    assert Store.objects.get(pk=store.pk).country == "DE"
