from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class PrintingConfig(AppConfig):
    name = "printing"
    verbose_name = _("Impressions")

    def ready(self):
        # Each app's documents.py registers its printable documents at import.
        autodiscover_modules("documents")
        from . import checks  # noqa: F401 — registers the start-up checks
