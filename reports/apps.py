from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Reports")

    def ready(self) -> None:
        from . import (
            signals,  # noqa: F401 (connects the receivers)
            tasks,  # noqa: F401 (registers the rollup refresh with the outbox)
        )
