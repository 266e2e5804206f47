from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ObservationsConfig(AppConfig):
    name = "observations"
    verbose_name = _("Observations")

    def ready(self) -> None:
        from . import personal_data

        personal_data.register()  # what it holds about a person (core.personal_data)
