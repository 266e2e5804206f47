from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoachingConfig(AppConfig):
    name = "coaching"
    verbose_name = _("Action plans")

    def ready(self) -> None:
        from . import (
            briefing,  # noqa: F401  (adds what to work on to the store report page)
            notices,  # noqa: F401  (registers the outbox kind of plan e-mails)
            personal_data,
        )

        personal_data.register()  # what it holds about a person (core.personal_data)
