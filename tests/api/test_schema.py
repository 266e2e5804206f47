from __future__ import annotations

import pytest
import yaml
from django.urls import reverse
from drf_spectacular.validation import validate_schema

pytestmark = pytest.mark.django_db


def test_the_openapi_document_is_valid_and_describes_every_operation(client):
    response = client.get(reverse("schema"))
    assert response.status_code == 200
    schema = yaml.safe_load(response.content)
    validate_schema(schema)
    paths = schema["paths"]
    for path, method in [
        ("/api/v1/auth/token/", "post"),
        ("/api/v1/me/", "get"),
        ("/api/v1/stores/", "get"),
        ("/api/v1/rubric/", "get"),
        ("/api/v1/visits/", "get"),
        ("/api/v1/visits/", "post"),
        ("/api/v1/visits/sync/", "post"),
        ("/api/v1/visits/{id}/", "get"),
        ("/api/v1/visits/{id}/review/", "post"),
        ("/api/v1/reports/stores/{code}/weekly/", "get"),
        ("/api/v1/reports/branches/", "get"),
    ]:
        assert method in paths[path], f"{method.upper()} {path} missing"
    create = paths["/api/v1/visits/"]["post"]
    assert set(create["responses"]) >= {"200", "201", "400", "409", "413"}
    assert "requestBody" in create
    visit = schema["components"]["schemas"]["Visit"]
    assert {"id", "store", "scores", "interactions", "status"} <= set(visit["properties"])
    assert schema["components"]["schemas"]["VisitStatusEnum"]["enum"] == ["submitted", "approved", "rejected"]


def test_the_interactive_docs_are_served_from_this_site(client):
    response = client.get(reverse("api-docs"))
    assert response.status_code == 200
    assert b"swagger-ui" in response.content
    assert b"cdn.jsdelivr" not in response.content


def test_every_operation_on_an_object_documents_404_and_token_auth(client, head_office):
    client.force_login(head_office)
    schema = yaml.safe_load(client.get(reverse("schema")).content)
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            if "{" in path:
                assert "404" in operation["responses"], f"{method.upper()} {path}"
    assert schema["components"]["securitySchemes"]["tokenAuth"]["name"] == "Authorization"


def test_options_with_format_csv_describes_a_planning_endpoint_in_json(client, head_office):
    client.force_login(head_office)
    response = client.options("/api/v1/planning/waves/0/coverage/?format=csv")
    assert response.status_code < 500
    assert response["Content-Type"].startswith("application/json")
