"""Continuity's pages in the navigation (crisis.plugins): the work done ahead of time for the
establishment, and the situation board and workarounds of a crisis."""

from django.utils.translation import gettext_lazy as _

from crisis.plugins import Scope, nav

from . import permissions as access

nav(Scope.ESTABLISHMENT, _("Procédures dégradées"), "continuity:procedures", capability=access.READ, order=50)
nav(
    Scope.ESTABLISHMENT, _("Cartographie des applications"), "continuity:applications", capability=access.READ, order=51
)
nav(Scope.ESTABLISHMENT, _("Graphe des dépendances"), "continuity:graph", capability=access.READ, order=52)
nav(Scope.ESTABLISHMENT, _("Plan de redémarrage"), "continuity:restart-plan", capability=access.READ, order=53)
nav(Scope.ESTABLISHMENT, _("Ressaisie après crise"), "continuity:reentry", capability=access.READ, order=54)
nav(Scope.CRISIS, _("Situation des applications"), "continuity:situation", capability=access.READ, order=45)
nav(Scope.CRISIS, _("Contournements"), "continuity:workarounds", capability=access.READ, order=46)
