"""The store report as a PDF: the page's figures with the page's rounding, in the reader's language,
checked by reading the file back (pdftotext) and rendering its first page to an image (pdftoppm)."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess

import pytest
from django.urls import reverse

from reports.periods import week_label
from reports.publication import latest_published_week

from ..factories import interaction_input, submit_visit

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils (pdftotext, pdftoppm) not installed"),
]


@pytest.fixture
def published_week(store, shopper):
    week = latest_published_week(store.tzinfo)
    started = dt.datetime.combine(week + dt.timedelta(days=1), dt.time(11), tzinfo=store.tzinfo)
    for smile in (5, 3):
        submit_visit(
            observer=shopper,
            store=store,
            started_at=started,
            interactions=[interaction_input(smile=smile, greeting_seconds=45)],
            now=started + dt.timedelta(hours=1),
        )
    return week


def pdf_text(data: bytes, tmp_path) -> str:
    path = tmp_path / "report.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


def test_the_pdf_carries_the_pages_figures_with_the_same_rounding(client, manager, store, published_week, tmp_path):
    client.force_login(manager)
    url = reverse("reports:store", kwargs={"code": store.code})
    page = client.get(url, {"week": week_label(published_week)})
    soi = re.search(r'class="soi-value">([^<]+)<', page.content.decode()).group(1)
    response = client.get(url, {"week": week_label(published_week), "format": "pdf"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert f"service-oasis-{store.code}-{week_label(published_week)}.pdf" in response["Content-Disposition"]
    text = pdf_text(response.content, tmp_path)
    assert store.name in text
    assert soi in text and re.fullmatch(r"\d+\.\d", soi)
    year, week, _ = published_week.isocalendar()
    assert f"Week {week}, {year}" in text
    assert "previous week" not in text  # the page's navigation stays on screen


def test_the_pdf_speaks_the_readers_language(client, manager, store, published_week, tmp_path):
    client.force_login(manager)
    response = client.get(
        reverse("reports:store", kwargs={"code": store.code}),
        {"week": week_label(published_week), "format": "pdf"},
        headers={"accept-language": "de"},
    )
    text = pdf_text(response.content, tmp_path)
    year, week, _ = published_week.isocalendar()
    assert f"Kalenderwoche {week}, {year}" in text


def test_the_pdfs_first_page_renders_to_an_image_with_content(client, manager, store, published_week, tmp_path):
    from PIL import Image

    client.force_login(manager)
    response = client.get(
        reverse("reports:store", kwargs={"code": store.code}), {"week": week_label(published_week), "format": "pdf"}
    )
    (tmp_path / "report.pdf").write_bytes(response.content)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "40", "-f", "1", "-l", "1", str(tmp_path / "report.pdf"), str(tmp_path / "page")],
        check=True,
    )
    image = Image.open(next(tmp_path.glob("page*.png"))).convert("L")
    dark = image.point(lambda value: 255 if value < 128 else 0).histogram()[255]
    assert image.height > image.width  # a portrait page
    assert dark > 0.01 * image.width * image.height  # text and charts, not a blank page


def test_a_manager_gets_no_pdf_of_a_week_not_published(client, manager, store):
    client.force_login(manager)
    running = latest_published_week(store.tzinfo) + dt.timedelta(weeks=1)
    response = client.get(
        reverse("reports:store", kwargs={"code": store.code}), {"week": week_label(running), "format": "pdf"}
    )
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
