from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

READINESS = _("préparation (score et points par établissement, vue du GHT)")
EXERCISES = _("injects d'exercice (chronogramme, import JSON ou CSV, livraison)")


class PreparednessConfig(AppConfig):
    name = "preparedness"
    verbose_name = _("Préparation")
    # The API's URL segments, named in its description (web.api_schema).
    api_resources = {
        "readiness": READINESS,
        "ghts": READINESS,
        "injects": EXERCISES,
        "deliver": EXERCISES,
        "campaigns": _("campagnes de sensibilisation"),
    }
