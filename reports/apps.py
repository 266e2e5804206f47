from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Reports")

    def ready(self) -> None:
        from observations import submission_sql

        from . import (
            signals,  # noqa: F401 (connects the receivers)
            submission_rollups,
            tasks,  # registers the rollup refresh with the outbox
        )

        # A new visit's share of the rollups is added by the statement that stores it.
        submission_sql.register(submission_rollups.part(replaces=tasks.ROLLUP_REFRESH))
