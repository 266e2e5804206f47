"""The weekly report e-mail can carry the report as a PDF: a store manager's own choice (off unless
they or head office switch it on), rendered by the worker as that manager downloads it from the page
(their language, the published week, the page's rounding), read back with poppler."""

from __future__ import annotations

import datetime as dt
import logging
import re
import shutil
import subprocess

import pytest
from django.core import mail
from django.urls import reverse
from PIL import Image
from prometheus_client import REGISTRY

from notifications import emails, services
from notifications.models import DeliveryStatus, ReportDelivery

from .conftest import MONDAY_0710_BERLIN

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils (pdftotext, pdftoppm) not installed"),
]


def send_due(now: dt.datetime = MONDAY_0710_BERLIN) -> list[str]:
    return [services.deliver_report(pk) for pk in services.weekly_report_deliveries_due(now)]


def pdf_attachments(message) -> list[tuple[str, bytes]]:
    return [(name, content) for name, content, mimetype in message.attachments if mimetype == "application/pdf"]


def pdf_text(data: bytes, tmp_path) -> str:
    path = tmp_path / "text.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


def page_count(data: bytes, tmp_path) -> int:
    path = tmp_path / "count.pdf"
    path.write_bytes(data)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))


def rendered_pages(data: bytes, tmp_path) -> list[Image.Image]:
    """Every page of the PDF as pdftoppm draws it at 50 dpi, in order."""
    (tmp_path / "pages").mkdir()
    path = tmp_path / "pages" / "report.pdf"
    path.write_bytes(data)
    subprocess.run(["pdftoppm", "-png", "-r", "50", str(path), str(tmp_path / "pages" / "page")], check=True)
    return [Image.open(png).convert("L") for png in sorted((tmp_path / "pages").glob("page*.png"))]


def dark_share(image: Image.Image) -> float:
    return image.point(lambda value: 255 if value < 128 else 0).histogram()[255] / (image.width * image.height)


def the_pages_soi(client, manager, language: str) -> str:
    """The week's SOI as the page shows it to this manager in this language."""
    client.force_login(manager)
    page = client.get(
        reverse("reports:store", args=["ber-mitte"]), {"week": "2026-W47"}, headers={"accept-language": language}
    )
    return re.search(r'class="soi-value">([^<]+)<', page.content.decode()).group(1)


def the_pages_pdf(client, manager, language: str) -> bytes:
    client.force_login(manager)
    response = client.get(
        reverse("reports:store", args=["ber-mitte"]),
        {"week": "2026-W47", "format": "pdf"},
        headers={"accept-language": language},
    )
    assert response["Content-Type"] == "application/pdf"
    return response.content


def test_a_german_manager_who_chose_the_pdf_gets_the_weeks_report_attached_in_german(
    client, store_manager, last_week_visits, tmp_path
):
    store_manager.report_pdf = True
    store_manager.save()

    assert send_due() == ["sent"]

    [message] = mail.outbox
    [(name, pdf)] = pdf_attachments(message)
    assert len(message.attachments) == 1
    assert name == "service-oasis-ber-mitte-2026-W47.pdf"
    text = pdf_text(pdf, tmp_path)
    soi = the_pages_soi(client, store_manager, "de")
    assert re.fullmatch(r"\d+,\d", soi)  # German decimal comma, one decimal as on the page
    assert soi in text
    assert "Berlin Mitte" in text
    assert "Kalenderwoche 47, 2026" in text
    assert "Week 47" not in text
    assert "Der Bericht ist als PDF angehängt." in message.body
    # The very PDF the manager downloads from the page in German: same text, same pages.
    downloaded = the_pages_pdf(client, store_manager, "de")
    assert text == pdf_text(downloaded, tmp_path)
    pages = rendered_pages(pdf, tmp_path)
    assert len(pages) == page_count(pdf, tmp_path) == page_count(downloaded, tmp_path) >= 1
    assert pages[0].height > pages[0].width  # portrait, as printed
    assert all(dark_share(page) > 0.002 for page in pages)  # no blank page
    assert dark_share(pages[0]) > 0.01  # the first page carries the figures and charts


def test_an_english_manager_gets_the_pdf_in_english(client, store, last_week_visits, tmp_path):
    from ..factories import UserFactory

    manager = UserFactory(
        username="manager-en", role="manager", stores=[store], email="en@store.example", language="en"
    )
    manager.report_pdf = True
    manager.save()
    send_due()
    [(_name, pdf)] = pdf_attachments(mail.outbox[0])
    text = pdf_text(pdf, tmp_path)
    soi = the_pages_soi(client, manager, "en")
    assert re.fullmatch(r"\d+\.\d", soi) and soi in text
    assert "Week 47, 2026" in text
    assert "The report is attached as a PDF." in mail.outbox[0].body


def test_without_the_choice_the_email_has_no_attachment(store_manager, last_week_visits):
    assert store_manager.report_pdf is False  # the default
    assert send_due() == ["sent"]
    [message] = mail.outbox
    assert message.attachments == []
    assert "PDF" not in message.body


def test_only_the_manager_who_chose_it_gets_the_pdf(store, store_manager, last_week_visits):
    from ..factories import UserFactory

    UserFactory(username="manager-two", role="manager", stores=[store], email="two@store.example", report_pdf=True)
    send_due()
    attached = {message.to[0]: len(pdf_attachments(message)) for message in mail.outbox}
    assert attached == {"greta@store.example": 0, "two@store.example": 1}


def pdf_outcome(outcome: str) -> float:
    return REGISTRY.get_sample_value("oasis_report_pdf_attachments_total", {"outcome": outcome}) or 0.0


def test_a_pdf_that_fails_to_render_does_not_hold_back_the_email(monkeypatch, caplog, store_manager, last_week_visits):
    store_manager.report_pdf = True
    store_manager.save()

    def broken(**kwargs):
        raise OSError("no fonts")

    monkeypatch.setattr(emails, "store_report_pdf", broken)
    failed_before = pdf_outcome("failed")
    with caplog.at_level(logging.ERROR, logger="notifications.emails"):
        assert send_due() == ["sent"]

    [message] = mail.outbox
    assert message.attachments == []
    assert "Das PDF des Berichts konnte diesmal nicht angehängt werden" in message.body
    assert "/reports/stores/ber-mitte/?week=2026-W47" in message.body  # where the PDF still is
    assert ReportDelivery.objects.get().status == DeliveryStatus.SENT
    assert pdf_outcome("failed") == failed_before + 1
    assert any("PDF of ber-mitte 2026-11-16 failed" in record.getMessage() for record in caplog.records)


def test_a_pdf_over_the_size_bound_is_left_out(settings, store_manager, last_week_visits):
    store_manager.report_pdf = True
    store_manager.save()
    settings.OASIS_REPORT_PDF_MAX_BYTES = 1000
    too_large_before = pdf_outcome("too_large")
    assert send_due() == ["sent"]
    [message] = mail.outbox
    assert message.attachments == []
    assert "nicht angehängt" in message.body
    assert pdf_outcome("too_large") == too_large_before + 1


def test_a_report_pdf_is_well_under_the_default_size_bound(settings, store_manager, last_week_visits):
    store_manager.report_pdf = True
    store_manager.save()
    send_due()
    [(_name, pdf)] = pdf_attachments(mail.outbox[0])
    assert len(pdf) < settings.OASIS_REPORT_PDF_MAX_BYTES / 5
