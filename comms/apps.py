from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

DIRECTORY = _("annuaire de crise (recherche, import CSV)")
CALLS = _("listes d'appel (appels, SMS)")
FLASH = _("Flash info (brouillon prérempli, publication, texte)")
MESSAGES = _("messages préparés (approbation, publication, accusés de réception)")


class CommsConfig(AppConfig):
    name = "comms"
    verbose_name = _("Communication")
    # Named in the API's description (web.api_schema): the URL segment, then the words naming it.
    api_resources = {
        "directory": DIRECTORY,
        "call-lists": CALLS,
        "calls": CALLS,
        "sms": CALLS,
        "flash": FLASH,
        "draft": FLASH,
        "text": FLASH,
        "messages": MESSAGES,
        "approve": MESSAGES,
        "acknowledgements": MESSAGES,
        "contacts-log": _("journal des contacts extérieurs"),
    }
