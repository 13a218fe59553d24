from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

TICKETS = _("signalements et tickets (liste, création, triage, fusion, escalade, top incidents)")
ALERTS = _("alertes SOC/EDR (réception par jeton de source, triage, rapport mensuel)")


class TicketsConfig(AppConfig):
    name = "tickets"
    verbose_name = _("Signalements et tickets")
    default_auto_field = "django.db.models.BigAutoField"
    # Named in the API's description (web.api_schema): the URL segment, then the words naming it.
    api_resources = {
        "tickets": TICKETS,
        "merge": TICKETS,
        "escalate": TICKETS,
        "top": TICKETS,
        "alerts": ALERTS,
        "report": ALERTS,
    }

    def ready(self) -> None:
        from . import schema, signals  # noqa: F401 — the RIDA answer's way back; the source token in the API description
