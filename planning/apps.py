from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlanningConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "planning"
    verbose_name = _("Planning")

    def ready(self) -> None:
        from . import (
            followup,  # noqa: F401  (registers the outbox kind of planning's e-mails)
            personal_data,
            staffing,  # noqa: F401  (registers the outbox kind that explains an understaffed wave)
        )

        personal_data.register()  # what it holds about a person (core.personal_data)
