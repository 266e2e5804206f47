"""Plans never reveal the observer: not on the plan pages, in the API or in the e-mails a manager reads."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client

from coaching import notices
from coaching.models import NoticeKind
from coaching.services import plan_decide
from tests.factories import UserFactory

from .conftest import W47, smile_visit

pytestmark = pytest.mark.django_db


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
def observed_plan(submitted_plan, secret_shopper, region_supervisor, store):
    region_supervisor.first_name, region_supervisor.last_name = "Bernhard", "Aufsicht"
    region_supervisor.save()
    smile_visit(secret_shopper, store, W47, [1, 2])
    smile_visit(region_supervisor, store, W47, [2], day=3)
    return plan_decide(plan=submitted_plan, by=region_supervisor, accept=False, note="Please name who checks it.")


def secrets(shopper, supervisor) -> list[str]:
    return [
        shopper.username, shopper.first_name, shopper.last_name, shopper.email, str(shopper.pk),
        supervisor.username, supervisor.first_name, supervisor.last_name, supervisor.email,
    ]  # fmt: skip


@pytest.mark.parametrize("language", ["en", "de"])
def test_no_plan_page_or_api_response_names_an_observer(
    plan_manager, secret_shopper, region_supervisor, observed_plan, language
):
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(plan_manager)
    for url in [
        "/action-plans/",
        f"/action-plans/{observed_plan.pk}/",
        "/api/v1/action-plans/",
        f"/api/v1/action-plans/{observed_plan.pk}/",
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        for secret in secrets(secret_shopper, region_supervisor):
            assert secret not in body, f"{secret!r} visible to a manager at {url}"


def test_the_plan_emails_to_managers_name_no_observer(plan_manager, secret_shopper, region_supervisor, observed_plan):
    for notice in observed_plan.notices.filter(recipient=plan_manager, kind=NoticeKind.RETURNED):
        notices.deliver(notice.pk)
    [message] = mail.outbox
    content = message.subject + message.body + message.alternatives[0][0]
    assert "Please name who checks it." in content
    for secret in secrets(secret_shopper, region_supervisor):
        assert secret not in content
