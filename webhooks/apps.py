from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebhooksConfig(AppConfig):
    name = "webhooks"
    verbose_name = _("Webhooks")

    def ready(self) -> None:
        from . import (
            handlers,  # noqa: F401 (registers the outbox kinds)
            personal_data,
        )

        personal_data.register()  # what it holds about a person (core.personal_data)
