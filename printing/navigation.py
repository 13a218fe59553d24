"""Printing's pages in the navigation (crisis.plugins): a crisis's prints, an establishment's paper kit."""

from django.utils.translation import gettext_lazy as _

from crisis.plugins import Scope, nav

nav(Scope.CRISIS, _("Impressions"), "printing:crisis-prints", order=70)
nav(Scope.ESTABLISHMENT, _("Kit papier"), "printing:paper-kit", order=50)
