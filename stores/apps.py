from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StoresConfig(AppConfig):
    name = "stores"
    verbose_name = _("Stores and people")

    def ready(self) -> None:
        from . import import_jobs, personal_data  # noqa: F401 (import_jobs: its outbox handler)

        personal_data.register()  # what it holds about a person (core.personal_data)
