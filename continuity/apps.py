from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContinuityConfig(AppConfig):
    name = "continuity"
    verbose_name = _("Continuité d'activité")
