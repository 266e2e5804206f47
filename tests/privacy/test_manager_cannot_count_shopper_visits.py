"""A store manager who tries to count the mystery shopper's visits, or to read a staff contact's
stopwatch seconds, from every report output they can reach: the page in English and German, its
PDF (as text), the JSON, the CSV and the weekly e-mail in both languages.

The week holds one mystery shopper's visit of 2 staff contacts and one supervisor's walk of 15. The
same week is then recorded as two shopper visits (2 and 3 contacts) and as two supervisor walks
(12 and 15 contacts), every visit scoring as in the first (all its contacts alike). Staff read 17,
5 and 27 contacts; a manager reads the same bytes in all three weeks: nothing tells how many shopper
visits came, how many contacts a visit held, or a contact's seconds (reports.manager_view)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse

from notifications.emails import report_message
from notifications.models import ReportDelivery, ReportKind

from ..factories import UserFactory, interaction_input
from ..reports.conftest import MIXED, W11, visit

pytestmark = pytest.mark.django_db

WEEK = {"week": "2026-W11"}
# 19.0 or 47,0 as a figure (not a date such as 19.07.2026)
SECONDS_SHOWN = re.compile(r"(?<![\d.,])(19|47)[.,]0(?![\d])")
# "17 staff contacts", "17 Personalkontakte"
CONTACTS_COUNTED = re.compile(r"\d+ (staff|customer) contacts?|\d+ Personalkontakt")
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"|csrftoken=[^;"]*')
# greeted after 19 s, personally, smiling
WARM = interaction_input(greeting_seconds=19)
# not greeted, a sour face, followed, an unusual wish attended after 47 s and met reluctantly
COLD = interaction_input(
    greeted=False,
    greeting_seconds=None,
    greeting_personal=False,
    smile=2,
    followed=True,
    asked=True,
    response_seconds=47,
    response_quality=2,
    special_request=True,
)


class _Captured(Exception):
    def __init__(self, manager_sees: dict[str, str], staff_sees: dict):
        self.manager_sees, self.staff_sees = manager_sees, staff_sees


def pdf_text(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True, text=True).stdout


def every_report_output(client: Client, manager, store, tmp_path) -> dict[str, str]:
    """Every report output a store manager can reach for the week, by name."""
    found = {}
    page = reverse("reports:store", kwargs={"code": store.code})
    api = reverse("report-store-weekly", kwargs={"code": store.code})
    for language in ("en", "de"):
        response = client.get(page, WEEK, headers={"accept-language": language})
        assert response.status_code == 200
        found[f"page-{language}"] = CSRF.sub("", response.content.decode())
        if shutil.which("pdftotext"):
            pdf = client.get(page, {**WEEK, "format": "pdf"}, headers={"accept-language": language})
            assert pdf.status_code == 200
            found[f"pdf-{language}"] = pdf_text(pdf.content, tmp_path)
        manager.language = language
        message = report_message(
            ReportDelivery(kind=ReportKind.STORE_WEEKLY, store=store, week_start=W11, recipient=manager)
        )
        found[f"email-{language}"] = "\n".join([message.subject, message.body, message.alternatives[0][0]])
    found["json"] = client.get(api, WEEK).content.decode()
    found["csv"] = client.get(api, {**WEEK, "format": "csv"}).content.decode()
    return found


@pytest.fixture
def walker(region):
    return UserFactory(username="supervisor-walks", role="supervisor", regions=[region])


@pytest.fixture
def seen(client, manager, supervisor, walker, shopper, store, tmp_path):
    """What the manager and a supervisor read of the week as each way of recording it gives it."""
    visit(shopper, store, "2026-03-04 11:00", MIXED, MIXED)  # the week before, for "what changed"
    client.force_login(manager)
    staff = Client()
    staff.force_login(supervisor)

    def week_of(first_observer, first_contacts: int, second_observer, second_contacts: int):
        try:
            with transaction.atomic():
                visit(first_observer, store, "2026-03-10 10:00", *[WARM] * first_contacts)
                visit(second_observer, store, "2026-03-12 16:00", *[COLD] * second_contacts)
                raise _Captured(
                    every_report_output(client, manager, store, tmp_path),
                    staff.get(reverse("report-store-weekly", kwargs={"code": store.code}), WEEK).json(),
                )
        except _Captured as captured:
            return captured

    return {
        "a shopper's visit and a supervisor's walk": week_of(shopper, 2, walker, 15),
        "two shopper visits": week_of(shopper, 2, shopper, 3),
        "two supervisor walks": week_of(walker, 12, walker, 15),
    }


def test_staff_read_three_different_weeks(seen):
    contacts = {name: week.staff_sees["n_interactions"] for name, week in seen.items()}
    assert contacts == {
        "a shopper's visit and a supervisor's walk": 17,
        "two shopper visits": 5,
        "two supervisor walks": 27,
    }
    assert seen["a shopper's visit and a supervisor's walk"].staff_sees["median_greeting_seconds"] == 19.0


def test_a_manager_reads_the_same_in_every_output_whoever_came_and_however_many_contacts(seen):
    first, *others = seen.values()
    assert set(first.manager_sees) >= {"page-en", "page-de", "json", "csv", "email-en", "email-de"}
    for other in others:
        for name, body in first.manager_sees.items():
            assert other.manager_sees[name] == body, f"{name} tells the weeks apart"


def test_a_manager_reads_the_week_but_no_count_of_contacts_and_no_seconds(seen):
    week = seen["a shopper's visit and a supervisor's walk"]
    report = json.loads(week.manager_sees["json"])
    assert (report["n_visits"], report["soi"] is not None) == (2, True)
    figures = [report, report["previous_week"], report["comparison"]["region"], report["comparison"]["company"]]
    figures += report["trend"]
    for item in figures:
        assert item["n_interactions"] is None
        assert (item["median_greeting_seconds"], item["median_response_seconds"]) == (None, None)
        assert (item["greeting_rate"], item["smile_rate"], item["hovering_rate"]) == (None, None, None)
    for name, body in week.manager_sees.items():
        assert not SECONDS_SHOWN.search(body), f"{name} shows a stopwatch time"
        assert "Interactions" not in body and not CONTACTS_COUNTED.search(body), name
    assert "The number of staff contacts is not shown to store managers" in week.manager_sees["page-en"]
    assert "Die Zahl der Personalkontakte wird Filialleitungen nicht gezeigt" in week.manager_sees["page-de"]
