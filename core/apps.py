from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """Infrastructure every app may use and that knows none of them: the outbox of follow-up work,
    the audit trail, the cache, the client's address, the deployment's checks, the domain error."""

    name = "core"
    verbose_name = _("Infrastructure")

    def ready(self) -> None:
        # The system checks, the outbox tasks, the failed log-in counter (a signal receiver).
        from . import checks, metrics, tasks  # noqa: F401
