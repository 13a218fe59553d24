"""Preparedness's pages in the establishment's navigation (crisis.plugins). The inject player is
reached from the exercises' list and from an exercise crisis's dashboard card (a real crisis has none)."""

from django.utils.translation import gettext_lazy as _

from crisis.plugins import Scope, nav

from . import access

nav(Scope.ESTABLISHMENT, _("Préparation"), "preparedness:readiness", capability=access.READ, order=5)
nav(Scope.ESTABLISHMENT, _("Exercices"), "preparedness:exercises", capability=access.READ, order=70)
nav(Scope.ESTABLISHMENT, _("Sensibilisation"), "preparedness:campaigns", capability=access.READ, order=75)
