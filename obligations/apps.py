from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

OBLIGATIONS = _("obligations réglementaires (échéances, références, rapports préremplis)")


class ObligationsConfig(AppConfig):
    name = "obligations"
    verbose_name = _("Obligations et preuves")
    # Named in the API's description (web.api_schema): the URL segment, then the words naming it.
    api_resources = {
        "obligations": OBLIGATIONS,
        "draft": OBLIGATIONS,
        "costs": _("coûts de la crise"),
        "retex": _("RETEX (retour d'expérience)"),
    }
