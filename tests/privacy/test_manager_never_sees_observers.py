"""A store manager must never learn who the mystery shopper was: no observer name, user name,
e-mail or id on any page, API response, CSV or e-mail a manager can reach."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.test import Client

from notifications import services as notifications
from observations.review import visit_review
from reports.periods import week_label

from ..factories import UserFactory, interaction_input, submit_visit

pytestmark = pytest.mark.django_db

BERLIN = ZoneInfo("Europe/Berlin")
WEEK = "2026-W47"


@pytest.fixture
def secret_shopper(store):
    return UserFactory(
        id=987654,
        username="katharina.geheim",
        first_name="Katharina",
        last_name="Verborgen",
        email="k.verborgen@shoppers.example",
        role="shopper",
        stores=[store],
    )


@pytest.fixture
def observed_week(secret_shopper, supervisor, head_office, store):
    supervisor.first_name, supervisor.last_name = "Bernhard", "Aufsicht"
    supervisor.save()
    for observer, day, minutes in [(secret_shopper, 17, 20), (supervisor, 19, 60)]:
        visit = submit_visit(
            observer=observer,
            store=store,
            started_at=dt.datetime(2026, 11, day, 11, 0, tzinfo=BERLIN),
            minutes=minutes,
            notes="Friendly, but nobody knew the returns policy.",
            interactions=[interaction_input(notes="Waited at the till."), interaction_input(smile=2)],
            now=dt.datetime(2026, 11, day, 18, 0, tzinfo=BERLIN),
        )
        # Reviewed, so that their notes reach the manager: the notes must still name no one.
        visit_review(visit=visit, reviewer=head_office, decision="approve")


def identities(shopper, supervisor) -> list[str]:
    return [
        shopper.username, shopper.first_name, shopper.last_name, shopper.email, str(shopper.pk),
        supervisor.username, supervisor.first_name, supervisor.last_name, supervisor.email,
    ]  # fmt: skip


# What a manager reaches, with the answer they get: 200 where they may read (their store's
# published week, their own data, the phone shell), 403 where only supervisors and head office
# may (the branch comparison). A 200 that turned into a 403 or 404 would hide a broken page.
MANAGER_URLS = [
    ("/", 200),
    ("/reports/", 200),  # sent on to their store's report
    (f"/reports/stores/ber-mitte/?week={WEEK}", 200),
    (f"/reports/branches/?week={WEEK}", 403),
    ("/api/v1/me/", 200),
    ("/api/v1/stores/", 200),
    ("/api/v1/rubric/", 200),
    ("/api/v1/visits/", 200),  # an empty list: managers read no visit individually
    (f"/api/v1/reports/stores/ber-mitte/weekly/?week={WEEK}", 200),
    (f"/api/v1/reports/stores/ber-mitte/weekly/?week={WEEK}&format=csv", 200),
    (f"/api/v1/reports/branches/?week={WEEK}", 403),
    (f"/api/v1/reports/branches/?week={WEEK}&format=csv", 403),
    ("/accounts/my-data/", 200),
    ("/m/", 200),
]


@pytest.mark.parametrize(("url", "status"), MANAGER_URLS, ids=[url for url, _ in MANAGER_URLS])
@pytest.mark.parametrize("language", ["en", "de"])
def test_no_page_or_api_response_names_an_observer(
    manager, secret_shopper, supervisor, observed_week, url, status, language
):
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(manager)
    response = client.get(url, follow=True)
    assert response.status_code == status
    body = response.content.decode()
    for secret in identities(secret_shopper, supervisor):
        assert secret not in body, f"{secret!r} visible to a manager at {url}"


def test_the_managers_report_and_visit_list_carry_the_weeks_figures_and_no_visit(manager, observed_week):
    """The 200s above are the real answers: the week's report with its two visits, no visit listed."""
    client = Client()
    client.force_login(manager)
    report = client.get(f"/api/v1/reports/stores/ber-mitte/weekly/?week={WEEK}").json()
    assert report["n_visits"] == 2
    assert client.get("/api/v1/visits/").json()["results"] == []


def test_the_store_report_does_show_the_notes_without_their_authors_or_kinds_of_observer(
    manager, secret_shopper, supervisor, observed_week
):
    client = Client()
    client.force_login(manager)
    body = client.get(f"/reports/stores/ber-mitte/?week={WEEK}").content.decode()
    assert "nobody knew the returns policy" in body  # the notes themselves are there ...
    # ... attributed to nobody, not even a kind of observer (that would count the shopper's visits)
    assert "mystery shopper" not in body
    assert "supervisor" not in body


def test_the_weekly_email_names_no_observer(store, secret_shopper, supervisor, observed_week):
    UserFactory(username="manager-mail", role="manager", stores=[store], email="m@store.example", language="en")
    for pk in notifications.weekly_report_deliveries_due(dt.datetime(2026, 11, 23, 7, 5, tzinfo=BERLIN)):
        notifications.deliver_report(pk)
    [message] = [m for m in mail.outbox if m.to == ["m@store.example"]]
    content = message.body + message.alternatives[0][0]
    assert week_label(dt.date(2026, 11, 16)) in message.subject
    for secret in identities(secret_shopper, supervisor):
        assert secret not in content
