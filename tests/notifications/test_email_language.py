"""Each e-mail is entirely in its recipient's language, in English and in German: the weekly store
report, the branch digest, the low-score alert (and the action plan notices, tests/coaching)."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
from django.core import mail

from notifications import services

from ..factories import UserFactory, interaction_input, submit_visit

pytestmark = pytest.mark.django_db

BERLIN = ZoneInfo("Europe/Berlin")
MONDAY_0710 = dt.datetime(2026, 11, 23, 7, 10, tzinfo=BERLIN)

# Whole words that give a language away. Names (Berlin Mitte, North), codes and links are neither.
ENGLISH = re.compile(
    r"\b(the|of|and|visits?|interactions?|customers?|week|report|greeting|smile|hovering|response|rank|"
    r"company|interval|scored|below|threshold|news|within|variation|last|this|open|full|top|needing)\b",
    re.I,
)
GERMAN = re.compile(
    r"\b(der|die|das|des|und|Besuch|Besuche|Woche|Bericht|Begrüßung|Lächeln|Antwort|Rang|Unternehmen|"
    r"Intervall|unter|Schwelle|diese|letzte|öffnen|vollständige|Kunden)\b",
    re.I,
)
URL = re.compile(r"https?://\S+")


def words(text: str) -> tuple[list[str], list[str]]:
    text = URL.sub("", text).replace("Berlin Mitte", "").replace("Service Oasis", "").replace("Zürich HB", "")
    return ENGLISH.findall(text), GERMAN.findall(text)


def assert_entirely(language: str, message) -> None:
    for part in (message.subject, message.body, message.alternatives[0][0]):
        english, german = words(re.sub(r"<[^>]+>", " ", part))
        assert (german if language == "en" else english) == [], part
        if part is not message.subject:  # a subject may be all names and numbers
            assert english if language == "en" else german, part


@pytest.fixture
def two_weeks(store, other_store, shopper, supervisor):
    for day, smile in [(10, 5), (12, 2)]:
        started = dt.datetime(2026, 11, day, 11, tzinfo=BERLIN)
        submit_visit(
            observer=shopper,
            store=store,
            started_at=started,
            interactions=[interaction_input(smile=smile)],
            now=started + dt.timedelta(hours=1),
        )
    for day, smile in [(17, 3), (19, 4)]:
        started = dt.datetime(2026, 11, day, 11, tzinfo=BERLIN)
        submit_visit(
            observer=shopper,
            store=store,
            started_at=started,
            interactions=[interaction_input(smile=smile), interaction_input(followed=True)],
            now=started + dt.timedelta(hours=1),
        )


@pytest.mark.parametrize("language", ["en", "de"])
def test_the_weekly_store_report_is_entirely_in_one_language(store, two_weeks, language):
    UserFactory(
        username=f"manager-{language}", role="manager", stores=[store], email="m@store.example", language=language
    )
    for pk in services.weekly_report_deliveries_due(MONDAY_0710):
        services.deliver_report(pk)
    [message] = [m for m in mail.outbox if m.to == ["m@store.example"]]
    assert_entirely(language, message)


@pytest.mark.parametrize("language", ["en", "de"])
def test_the_branch_digest_is_entirely_in_one_language(two_weeks, language):
    UserFactory(username=f"head-{language}", role="head_office", email="h@oasis.example", language=language)
    for pk in services.weekly_report_deliveries_due(MONDAY_0710):
        services.deliver_report(pk)
    [message] = [m for m in mail.outbox if m.to == ["h@oasis.example"]]
    assert_entirely(language, message)


@pytest.mark.parametrize("language", ["en", "de"])
def test_the_low_score_alert_is_entirely_in_one_language(store, shopper, language):
    UserFactory(username=f"head-{language}", role="head_office", email="h@oasis.example", language=language)
    poor = interaction_input(greeted=False, greeting_seconds=None, greeting_personal=False, smile=1, followed=True)
    visit = submit_visit(observer=shopper, store=store, interactions=[poor])
    for pk in services.alerts_for_visit(visit.pk):
        services.deliver_alert(pk)
    [message] = mail.outbox
    assert_entirely(language, message)
    text = message.body
    assert "1 interactions" not in text and "1 Interaktionen" not in text
    if language == "de":
        assert "14,3" in message.subject  # the reader's decimal comma, in the subject too
