"""The crisis cell's pages in the navigation (crisis.plugins): the crisis tabs, and the establishment's home."""

from django.utils.translation import gettext_lazy as _

from .plugins import Scope, nav

nav(Scope.CRISIS, _("Tableau de bord"), "crisis:dashboard", order=0)
nav(Scope.CRISIS, _("Main courante"), "crisis:journal", order=10)
nav(Scope.CRISIS, _("RIDA"), "crisis:rida", order=20)
nav(Scope.CRISIS, _("Points de situation"), "crisis:meetings", order=30)
nav(Scope.CRISIS, _("Décisions"), "crisis:decisions", order=40)
nav(Scope.CRISIS, _("Cellule"), "crisis:roster", order=50)
nav(Scope.CRISIS, _("Fiche"), "crisis:edit", order=60)

nav(Scope.ESTABLISHMENT, _("Accueil"), "crisis:establishment", order=0)
