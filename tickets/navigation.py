"""Tickets' pages in the navigation (crisis.plugins)."""

from django.utils.translation import gettext_lazy as _

from crisis.plugins import Scope, nav

from . import access

nav(Scope.CRISIS, _("Tickets"), "tickets:crisis-board", capability=access.READ, order=35)
nav(Scope.ESTABLISHMENT, _("Signaler"), "tickets:intake", capability=access.REPORT, order=30)
nav(Scope.ESTABLISHMENT, _("Tickets"), "tickets:board", capability=access.READ, order=31)
nav(Scope.ESTABLISHMENT, _("Alertes SOC/EDR"), "tickets:alerts", capability=access.READ, order=32)
