"""Report parameters at and beyond the ends of the calendar, odd bytes, and anything hypothesis
makes of them: a 400 naming the parameter, never a 500, on the API and on the pages."""

from __future__ import annotations

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.test import APIClient

from ..strategies import hostile_text, query_string

pytestmark = pytest.mark.django_db

BRANCHES_API = "/api/v1/reports/branches/"


def store_api(code: str = "ber-mitte") -> str:
    return reverse("report-store-weekly", kwargs={"code": code})


def store_page(code: str = "ber-mitte") -> str:
    return reverse("reports:store", kwargs={"code": code})


@pytest.mark.parametrize("week", ["0001-W01", "0001-W02", "9999-W52", "1999-W52", "2101-W01"])
def test_a_week_at_the_ends_of_the_calendar_is_a_400_on_the_store_report(manager, store, week):
    api = APIClient()
    api.force_authenticate(manager)
    response = api.get(store_api(), {"week": week})
    assert response.status_code == 400
    assert response.json() == {"week": f"{week} is outside the years 2000 to 2100."}


def test_a_bad_report_parameter_is_named_in_the_users_language(head_office, store):
    api = APIClient()
    api.force_authenticate(head_office)
    german = {"HTTP_ACCEPT_LANGUAGE": "de"}
    assert api.get(store_api(), {"week": "0001-W01"}, **german).json() == {
        "week": "0001-W01 liegt außerhalb der Jahre 2000 bis 2100."
    }
    assert api.get(BRANCHES_API, {"from": "2026-W10"}, **german).json() == {
        "to": "from und to müssen zusammen angegeben werden."
    }
    assert api.get(BRANCHES_API, {"sort": "colour"}, **german).json()["sort"].startswith("muss eines von ")


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_dates_at_the_ends_of_the_calendar_are_a_400_on_the_branch_report(head_office, store, day):
    api = APIClient()
    api.force_authenticate(head_office)
    response = api.get(BRANCHES_API, {"from": day, "to": day})
    assert response.status_code == 400
    assert response.json() == {"from": f"{day} is outside the years 2000 to 2100."}


@pytest.mark.parametrize(
    "params",
    [{"week": "0001-W01"}, {"week": "9999-W52"}, {"from": "0001-01-01", "to": "0001-01-01"}, {"region": "\x00"}],
)
def test_the_pages_answer_the_same_400(client, head_office, store, params):
    client.force_login(head_office)
    assert client.get(reverse("reports:branches"), params).status_code == 400
    if "week" in params:
        assert client.get(store_page(), params).status_code == 400


def test_a_nul_byte_as_region_is_a_400_naming_the_region(head_office, store):
    api = APIClient()
    api.force_authenticate(head_office)
    response = api.get(BRANCHES_API, {"region": "\x00"})
    assert response.status_code == 400
    assert list(response.json()) == ["region"]


# Report parameters as a client could send them: well-formed weeks and dates of any year, and
# arbitrary text (control characters, NUL, non-ASCII) for every parameter.
weeks = st.builds("{:04d}-W{:02d}".format, st.integers(0, 9999), st.integers(0, 60))
dates = st.builds("{:04d}-{:02d}-{:02d}".format, st.integers(0, 9999), st.integers(0, 13), st.integers(0, 32))
text = hostile_text(30)
report_params = st.fixed_dictionaries(
    {},
    optional={
        "week": st.one_of(weeks, text),
        "from": st.one_of(weeks, dates, text),
        "to": st.one_of(weeks, dates, text),
        "region": st.one_of(st.sampled_from(["north", "south", ""]), text),
        "sort": st.one_of(st.sampled_from(["soi", "-soi", "rank", "-n_visits"]), text),
        "approved_only": st.one_of(st.sampled_from(["true", "false"]), text),
        "format": st.one_of(st.sampled_from(["json", "csv"]), text),
    },
)
FUZZ = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)


@FUZZ
@given(params=report_params)
def test_no_report_parameter_makes_the_api_fail(head_office, store, params):
    api = APIClient()
    api.force_authenticate(head_office)
    for url in (BRANCHES_API, store_api()):
        response = api.get(f"{url}?{query_string(params)}")
        assert response.status_code < 500, (url, params, response.content[:300])


@FUZZ
@given(params=report_params, code=st.one_of(st.just("ber-mitte"), st.from_regex(r"\A[-a-zA-Z0-9_]{1,60}\Z")))
def test_no_report_parameter_or_store_code_makes_a_page_fail(client, head_office, store, params, code):
    client.force_login(head_office)
    for url in (reverse("reports:branches"), store_page(code)):
        response = client.get(f"{url}?{query_string(params)}")
        assert response.status_code < 500, (url, params, response.content[:300])
