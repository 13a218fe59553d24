"""The consignes' page in the establishment's navigation (crisis.plugins)."""

from django.utils.translation import gettext_lazy as _

from crisis.plugins import Scope, nav

from . import access

nav(Scope.ESTABLISHMENT, _("Consignes"), "example_app:consignes", capability=access.READ, order=40)
