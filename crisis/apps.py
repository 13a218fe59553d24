from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CrisisConfig(AppConfig):
    name = "crisis"
    verbose_name = _("Crise")

    def ready(self) -> None:
        from django.urls import register_converter

        from .converters import IdConverter

        # Registered here, before any URLconf is imported: every app's URLs use <id:...>.
        register_converter(IdConverter, "id")
