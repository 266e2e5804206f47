from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = "API"

    def ready(self) -> None:
        from . import personal_data

        personal_data.register()  # what it holds about a person (core.personal_data)
