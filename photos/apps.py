from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PhotosConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "photos"
    verbose_name = _("Photos")

    def ready(self) -> None:
        from . import personal_data

        personal_data.register()  # what it holds about a person (core.personal_data)
