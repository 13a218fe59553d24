from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BedsConfig(AppConfig):
    name = "beds"
    verbose_name = _("Lits et mouvements")
