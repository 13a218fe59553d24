from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CrisisConfig(AppConfig):
    name = "crisis"
    verbose_name = _("Crise")

    def ready(self) -> None:
        from . import signals

        signals.connect()
