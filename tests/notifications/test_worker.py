"""A real Celery worker on the real broker (Redis in CI): e-mails go out exactly once, even when
beat fires twice or the worker is killed in the middle of sending."""

from __future__ import annotations

import time
import uuid
from pathlib import Path

import pytest
import redis
from django.conf import settings
from django.db import connection

from notifications.models import DeliveryStatus, ReportDelivery
from notifications.tasks import deliver_report, queue_weekly_reports

from ..processes import Process, celery_worker
from .conftest import MONDAY_0710_BERLIN

pytestmark = [pytest.mark.broker, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def needs_broker_and_postgres():
    if not settings.CELERY_BROKER_URL:
        pytest.skip("needs a broker: set CELERY_BROKER_URL (CI uses redis://127.0.0.1:6379/0)")
    if connection.vendor != "postgresql":
        pytest.skip("the worker process needs a database it can share with the test: PostgreSQL")


def worker(tmp_path: Path, queue: str, slow_seconds: float) -> Process:
    """A worker whose e-mails take `slow_seconds` to send, so that a test can kill it mid-send."""
    return celery_worker(
        queue,
        env={
            "EMAIL_BACKEND": "tests.notifications.backends.SlowFileBackend",
            "EMAIL_FILE_PATH": str(tmp_path),
            "SLOW_EMAIL_SECONDS": str(slow_seconds),
            # A claim of a killed sender expires after 2 x 2 + 10 s.
            "EMAIL_TIMEOUT": "2",
            # Messages of a killed worker come back after 3 s, looked for every 10 s.
            "CELERY_VISIBILITY_TIMEOUT": "3",
            "CELERY_UNACKED_RESTORE_THROTTLE": "1",
        },
    )


@pytest.fixture
def queue():
    return f"test-{uuid.uuid4().hex[:12]}"


@pytest.fixture
def workers(tmp_path, queue):
    started: list[Process] = []

    def start(slow_seconds: float = 0) -> Process:
        process = worker(tmp_path, queue, slow_seconds).start()
        started.append(process)
        return process

    yield start
    for process in started:
        process.stop()


def wait_for(condition, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting for the worker")
        time.sleep(0.25)


def worker_idle(queue: str) -> bool:
    """Nothing waits in the queue and nothing is being worked on (with late acks a task stays
    in the broker's unacked set until it has finished)."""
    client = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    try:
        return client.llen(queue) == 0 and client.hlen("unacked") == 0
    finally:
        client.close()


def wait_until_idle(queue: str, steady_for: float = 1.0, timeout: float = 60) -> None:
    """Wait (bounded) until the worker has run everything queued, including any duplicate a
    design fault would have queued; idle must hold for `steady_for` seconds."""
    deadline = time.monotonic() + timeout
    idle_since = None
    while True:
        now = time.monotonic()
        if worker_idle(queue):
            idle_since = idle_since or now
            if now - idle_since >= steady_for:
                return
        else:
            idle_since = None
        if now > deadline:
            raise AssertionError("timed out waiting for the worker to finish its queue")
        time.sleep(0.1)


def emails_to(tmp_path: Path, address: str) -> int:
    return sum(path.read_text().count(f"To: {address}") for path in tmp_path.glob("*.log"))


def test_a_doubled_beat_sends_one_email_per_recipient(workers, tmp_path, queue, store_manager, last_week_visits):
    workers()
    moment = MONDAY_0710_BERLIN.isoformat()
    queue_weekly_reports.apply_async((moment,), queue=queue)
    queue_weekly_reports.apply_async((moment,), queue=queue)  # beat fired twice

    wait_for(lambda: ReportDelivery.objects.filter(status=DeliveryStatus.SENT).count() == 1)
    wait_until_idle(queue)  # a duplicate, if the design allowed one, would have gone out by now
    assert emails_to(tmp_path, "greta@store.example") == 1
    assert ReportDelivery.objects.count() == 1


def test_a_worker_killed_mid_send_and_restarted_delivers_exactly_once(
    workers, tmp_path, queue, store_manager, last_week_visits
):
    from notifications import services

    [delivery_id] = services.weekly_report_deliveries_due(MONDAY_0710_BERLIN)
    first = workers(slow_seconds=30)
    deliver_report.apply_async((delivery_id,), queue=queue)
    wait_for(lambda: any(tmp_path.glob("sending-*.marker")))
    first.kill()  # SIGKILL in the middle of sending
    assert emails_to(tmp_path, "greta@store.example") == 0
    # The claim was committed before the mail server was called: the row says so.
    assert ReportDelivery.objects.get().status == DeliveryStatus.SENDING

    workers(slow_seconds=0)  # restarted; the unacknowledged task comes back to it
    wait_for(lambda: ReportDelivery.objects.get().status == DeliveryStatus.SENT, timeout=90)
    wait_until_idle(queue)
    assert emails_to(tmp_path, "greta@store.example") == 1


def test_the_worker_renders_and_attaches_the_pdf_a_manager_chose(
    workers, tmp_path, queue, store_manager, last_week_visits
):
    """The PDF is made by the worker process that sends the e-mail (WeasyPrint there, no request)."""
    import email
    import shutil
    import subprocess

    if not shutil.which("pdftotext"):
        pytest.skip("poppler-utils (pdftotext) not installed")
    store_manager.report_pdf = True
    store_manager.save()
    workers()
    queue_weekly_reports.apply_async((MONDAY_0710_BERLIN.isoformat(),), queue=queue)

    wait_for(lambda: ReportDelivery.objects.filter(status=DeliveryStatus.SENT).count() == 1, timeout=90)
    [log] = tmp_path.glob("*.log")
    message = email.message_from_bytes(log.read_bytes().split(b"\n" + b"-" * 79)[0])
    [pdf] = [part for part in message.walk() if part.get_content_type() == "application/pdf"]
    assert pdf.get_filename() == "service-oasis-ber-mitte-2026-W47.pdf"
    (tmp_path / "attached.pdf").write_bytes(pdf.get_payload(decode=True))
    text = subprocess.run(
        ["pdftotext", str(tmp_path / "attached.pdf"), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "Kalenderwoche 47, 2026" in text  # Greta reads German
