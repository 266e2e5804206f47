"""Every page with whatever query string a client sends: never a 5xx. (The report pages' own
parameters are fuzzed in tests/reports/test_parameter_fuzzing.py; the API's by schemathesis.)"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ..strategies import hostile_text, path_segment, query_string

pytestmark = pytest.mark.django_db

PAGES = [
    "/",
    "/health/",
    "/accounts/login/",
    "/accounts/password/",
    "/accounts/password/done/",
    "/accounts/my-data/",
    "/m/",
    "/m/sw.js",
    "/m/manifest.webmanifest",
    "/reports/",
    "/reports/branches/",
    "/reports/stores/ber-mitte/",
    "/admin/",
    "/admin/observations/visit/",
    "/admin/stores/store/",
    "/admin/api/devicetoken/",
    "/api/docs/",
    "/api/schema/",
]
NAMES = ["next", "week", "from", "to", "region", "sort", "format", "q", "o", "p", "cursor", "page_size", "lang",
         "status", "store", "e", "all", "_changelist_filters", "approved_only", "role__exact", "store__region"]  # fmt: skip
query = st.dictionaries(st.one_of(st.sampled_from(NAMES), hostile_text(10)), hostile_text(40), max_size=4)


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(params=query)
def test_no_query_string_makes_a_page_fail(client, head_office, store, params):
    head_office.is_superuser = True
    head_office.save()
    client.force_login(head_office)
    for page in PAGES:
        response = client.get(f"{page}?{query_string(params)}")
        assert response.status_code < 500, (page, params, response.status_code)


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(segment=hostile_text(40).filter(bool))
def test_no_path_segment_makes_a_page_fail(client, head_office, store, segment):
    head_office.is_superuser = True
    head_office.save()
    client.force_login(head_office)
    for template in ("/reports/stores/{}/", "/admin/stores/store/{}/change/", "/admin/observations/visit/{}/change/",
                     "/admin/stores/store/{}/history/", "/admin/stores/store/1/history/{}/", "/m/{}",
                     "/api/v1/visits/{}/", "/api/v1/reports/stores/{}/weekly/", "/api/v1/auth/devices/{}/"):  # fmt: skip
        response = client.get(template.format(path_segment(segment)))
        assert response.status_code < 500, (template, segment, response.status_code)
