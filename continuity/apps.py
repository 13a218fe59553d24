from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

PROCEDURES = _("procédures dégradées et fiches réflexes (brouillons, publication, versions, lacunes, import)")
MAP = _("cartographie des applications, plan de redémarrage, état des applications et situation d'une crise")


class ContinuityConfig(AppConfig):
    name = "continuity"
    verbose_name = _("Continuité d'activité")
    # The API's URL segments, named in its description (web.api_schema).
    api_resources = {
        "procedures": PROCEDURES,
        "versions": PROCEDURES,
        "publish": PROCEDURES,
        "gaps": PROCEDURES,
        "import": PROCEDURES,
        "applications": MAP,
        "restart-plan": MAP,
        "status": MAP,
        "situation": MAP,
        "workarounds": _("contournements"),
        "reentry": _("ressaisie après crise"),
    }
