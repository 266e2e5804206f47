"""Whether the weekly report e-mail carries the PDF is the store manager's own choice, on their
e-mail settings page (linked from their start page); head office sets the same in the admin."""

from __future__ import annotations

import pytest
from django.urls import reverse

from stores.models import Role

pytestmark = pytest.mark.django_db


def test_a_manager_switches_the_pdf_on_and_off_on_their_settings_page(client, manager):
    client.force_login(manager)
    url = reverse("email-settings")
    page = client.get(url, headers={"accept-language": "de"})
    assert page.status_code == 200
    html = page.content.decode()
    assert "Den Bericht als PDF anhängen" in html
    assert 'name="report_pdf"' in html and "checked" not in html  # off by default

    saved = client.post(url, {"report_pdf": "on"}, follow=True, headers={"accept-language": "de"})
    manager.refresh_from_db()
    assert manager.report_pdf is True
    assert "Gespeichert" in saved.content.decode()
    assert "checked" in client.get(url).content.decode()

    client.post(url, {})  # the box unticked
    manager.refresh_from_db()
    assert manager.report_pdf is False


def test_the_managers_start_page_says_what_their_email_carries_and_links_the_settings(client, manager):
    client.force_login(manager)
    html = client.get(reverse("home")).content.decode()
    assert "Your weekly report e-mail comes without a PDF." in html
    assert reverse("email-settings") in html
    manager.report_pdf = True
    manager.save()
    assert "Your weekly report e-mail carries the report as a PDF." in client.get(reverse("home")).content.decode()


@pytest.mark.parametrize("role", [Role.SHOPPER, Role.SUPERVISOR, Role.HEAD_OFFICE])
def test_only_store_managers_have_the_report_email_settings(client, role):
    from ..factories import UserFactory

    client.force_login(UserFactory(username=f"someone-{role}", role=role))
    assert client.get(reverse("email-settings")).status_code == 403


def test_the_settings_page_needs_a_log_in(client):
    response = client.get(reverse("email-settings"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
