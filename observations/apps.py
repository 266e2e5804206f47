from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ObservationsConfig(AppConfig):
    name = "observations"
    verbose_name = _("Observations")

    def ready(self) -> None:
        from project import checks  # noqa: F401  (the deployment's system checks)

        from . import tasks  # noqa: F401  (registers the outbox kinds of observations)
