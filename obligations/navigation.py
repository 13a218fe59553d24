"""The obligations' pages in the crisis tabs (crisis.plugins)."""

from django.utils.translation import gettext_lazy as _

from crisis.plugins import Scope, nav

from . import access

nav(Scope.CRISIS, _("Obligations"), "obligations:list", capability=access.READ, order=55)
nav(Scope.CRISIS, _("Coûts"), "obligations:costs", capability=access.READ, order=56)
nav(Scope.CRISIS, _("RETEX"), "obligations:retex", capability=access.READ, order=57)
