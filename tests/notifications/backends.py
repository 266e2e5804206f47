"""E-mail backends for tests that run a real Celery worker in a subprocess."""

from __future__ import annotations

import os
import time
from pathlib import Path

from django.core.mail.backends.filebased import EmailBackend as FileBackend


class SlowFileBackend(FileBackend):
    """Writes a marker, waits SLOW_EMAIL_SECONDS (so a test can kill the worker mid-send), then
    writes the messages to EMAIL_FILE_PATH like Django's file backend."""

    def send_messages(self, email_messages):
        marker = Path(self.file_path) / f"sending-{os.getpid()}-{time.time_ns()}.marker"
        marker.write_text("sending")
        time.sleep(float(os.environ.get("SLOW_EMAIL_SECONDS", "0")))
        return super().send_messages(email_messages)


class BrokenBackend(FileBackend):
    def send_messages(self, email_messages):
        raise ConnectionRefusedError("mail server refused the connection")


class ClaimWitnessBackend(FileBackend):
    """Records, at the moment of sending, whether a transaction is open in the sending thread and
    what another database connection sees of the delivery rows (claim-then-send)."""

    seen: list[dict] = []

    def send_messages(self, email_messages):
        import threading

        from django.db import connection

        from notifications.models import ReportDelivery

        observed: dict = {"in_transaction": connection.in_atomic_block}

        def look() -> None:
            try:
                observed["statuses"] = list(ReportDelivery.objects.values_list("status", flat=True))
            finally:
                connection.close()

        other = threading.Thread(target=look)
        other.start()
        other.join(timeout=30)
        type(self).seen.append(observed)
        return len(email_messages)
