from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("E-mails and alerts")

    def ready(self) -> None:
        from core.metrics import register_scrape_collector

        from . import (
            personal_data,
            tasks,  # noqa: F401  (registers the outbox kinds of notifications)
        )
        from .metrics import DeliveryCollector

        personal_data.register()  # what it holds about a person (core.personal_data)
        register_scrape_collector(DeliveryCollector)  # e-mail deliveries in the operator's metrics
