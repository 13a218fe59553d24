"""Printable documents of tickets: the blank signalement form of the paper kit."""

from django.utils.translation import gettext_lazy

from printing.declare import BlankForm, register


class SignalementForm(BlankForm):
    """What the field writes when the ticketing tool is down: carried to the cell, typed in later."""

    name = "signalement_form"
    title = gettext_lazy("Fiche de signalement")
    kit_order = 63
    templates = ("pdf/signalement_form.html",)


register(SignalementForm())
