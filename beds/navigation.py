"""The beds' pages in the establishment's navigation (crisis.plugins)."""

from django.utils.translation import gettext_lazy as _

from crisis.plugins import Scope, nav

from . import permissions as access

nav(Scope.ESTABLISHMENT, _("Carte des lits"), "beds:map", capability=access.READ, order=50)
nav(Scope.ESTABLISHMENT, _("Fiches navettes"), "beds:slips", capability=access.WRITE, order=51)
nav(Scope.ESTABLISHMENT, _("Recensement"), "beds:census", capability=access.READ, order=52)
nav(Scope.ESTABLISHMENT, _("Unités"), "beds:units", capability=access.READ, order=53)
nav(Scope.ESTABLISHMENT, _("Accès aux données patients"), "beds:access-log", capability=access.ACCESS_LOG, order=90)
