"""The comms pages in the navigation (crisis.plugins): the crisis's communication, the establishment's directory."""

from django.utils.translation import gettext_lazy as _

from crisis.plugins import Scope, nav

from . import access

nav(Scope.CRISIS, _("Communication"), "comms:home", capability=access.READ, order=45)
nav(Scope.ESTABLISHMENT, _("Annuaire de crise"), "comms:directory", capability=access.READ, order=45)
