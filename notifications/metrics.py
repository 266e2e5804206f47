"""E-mail deliveries in the operator's metrics: how many each kind has sent, how many wait and how
many failed (and will be retried), read from the delivery rows at scrape time."""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import Count, Sum
from prometheus_client import Counter
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.metrics_core import Metric
from prometheus_client.registry import Collector

from .models import Delivery, DeliveryStatus

REPORT_PDFS = Counter(
    "oasis_report_pdf_attachments_total",
    "Weekly report e-mails asked to carry the report as a PDF, by outcome: attached, failed (sent "
    "without it) or too_large (over OASIS_REPORT_PDF_MAX_BYTES, sent without it).",
    ["outcome"],
)


def delivery_models() -> list[type[Delivery]]:
    """Every e-mail record (reports and alerts here; plan notices, assignment mails in their apps)."""
    return [model for model in Delivery.__subclasses__() if not model._meta.abstract]


class DeliveryCollector(Collector):
    def collect(self) -> Iterator[Metric]:
        rows = GaugeMetricFamily(
            "oasis_email_deliveries", "E-mail delivery records by kind and status (pending, sent, failed, skipped).",
            labels=["kind", "status"],
        )  # fmt: skip
        attempts = GaugeMetricFamily(
            "oasis_email_failed_attempts",
            "Failed sending attempts of the e-mails not sent yet, by kind (the mail server refused or did not answer).",
            labels=["kind"],
        )
        for model in delivery_models():
            kind = model._meta.model_name
            counts = dict.fromkeys(DeliveryStatus.values, 0)
            for row in model.objects.order_by().values("status").annotate(n=Count("pk")):
                counts[row["status"]] = row["n"]
            for status, n in counts.items():
                rows.add_metric([kind, status], n)
            failed = model.objects.filter(status=DeliveryStatus.FAILED).aggregate(n=Sum("attempts"))["n"]
            attempts.add_metric([kind], failed or 0)
        yield rows
        yield attempts
