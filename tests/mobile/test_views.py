from __future__ import annotations

import json
import re

import pytest
from django.urls import reverse
from django.utils import translation

from mobile.strings import PLURALS, STRINGS, client_strings
from mobile.views import SHELL_ASSETS

pytestmark = pytest.mark.django_db

# Words that are the same in both languages.
SAME_IN_GERMAN = {
    "face_3",
    "net_online",
    "net_offline",
    "smile_3",
    "who",
    "soi_value",
    "soi_none",
    "role_supervisor",
    "filter_region",
}


def test_the_form_asks_for_a_login_first(client):
    response = client.get(reverse("mobile:app"))
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next=/m/"


def test_the_form_carries_both_languages_and_its_configuration(client, shopper):
    client.force_login(shopper)
    response = client.get(reverse("mobile:app"), HTTP_ACCEPT_LANGUAGE="de-DE,de;q=0.9")
    assert response.status_code == 200
    assert response.cookies["csrftoken"].value  # the page sends it back as X-CSRFToken
    html = response.content.decode()
    assert '<html lang="de">' in html
    strings = json.loads(re.search(r'<script id="oasis-strings" type="application/json">(.*?)</script>', html).group(1))
    assert strings["de"]["start_visit"] == "Besuch jetzt beginnen"
    assert strings["en"]["start_visit"] == "Start visit now"
    assert response.context["config"]["serviceWorker"] == "/m/sw.js"


def test_every_client_string_is_translated_to_german():
    english, german = client_strings()["en"], client_strings()["de"]
    assert set(english) == set(german) == set(STRINGS) | set(PLURALS)
    untranslated = [key for key in STRINGS if english[key] == german[key] and key not in SAME_IN_GERMAN]
    untranslated += [key for key in PLURALS for form in ("one", "other") if english[key][form] == german[key][form]]
    assert untranslated == []


def test_placeholders_survive_translation():
    english, german = client_strings()["en"], client_strings()["de"]
    for key in STRINGS:
        assert sorted(_placeholders(english[key])) == sorted(_placeholders(german[key])), key
    for key in PLURALS:
        for form in ("one", "other"):
            assert sorted(_placeholders(english[key][form])) == sorted(_placeholders(german[key][form])), key


def test_counts_are_worded_for_one_and_for_more_in_both_languages():
    english, german = client_strings()["en"], client_strings()["de"]
    assert english["review_count"] == {"one": "{count} visit to review.", "other": "{count} visits to review."}
    assert german["interactions_count"] == {"one": "{count} Kontakt", "other": "{count} Kontakte"}
    assert not any("(s)" in text for words in (english, german) for text in map(str, words.values()))


def _placeholders(text: str) -> list[str]:
    return re.findall(r"\{(\w+)\}", text)


def test_the_service_worker_is_served_for_the_form_scope_and_lists_the_shell(client):
    response = client.get(reverse("mobile:service-worker"))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/javascript; charset=utf-8"
    assert response["Service-Worker-Allowed"] == "/m/"
    assert "no-cache" in response["Cache-Control"]
    body = response.content.decode()
    for asset in SHELL_ASSETS:
        assert f'"/static/{asset}"' in body


def test_the_manifest_names_the_app_in_the_asked_language(client):
    with translation.override("de"):
        response = client.get(reverse("mobile:manifest"), HTTP_ACCEPT_LANGUAGE="de")
    assert response["Content-Type"] == "application/manifest+json"
    assert response.json()["name"] == "Service Oasis – Filialbesuche"
    assert response.json()["scope"] == "/m/"


def test_the_language_switch_of_the_log_in_page_speaks_german(client):
    response = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="de")
    html = response.content.decode()
    assert "Sprache" in html
    assert ">Wechseln</button>" in html


def test_the_page_configuration_carries_the_servers_limits(client, shopper, settings):
    client.force_login(shopper)
    limits = client.get(reverse("mobile:app")).context["config"]["limits"]
    assert limits["maxBodyBytes"] == settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    assert (limits["maxApproaches"], limits["maxNotes"], limits["maxSeconds"], limits["maxSyncItems"]) == (
        1000,
        5000,
        3600,
        100,
    )
    assert (limits["photoMaxSide"], limits["photoMaxBytes"]) == (1600, settings.OASIS_PHOTO_MAX_BYTES)
