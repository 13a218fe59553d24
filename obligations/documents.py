"""Printed documents of the obligations app: each report as the form "by any means", the RETEX (printing.declare).

The evidence file (a collection: a zip with a signed manifest) is declared in obligations/evidence.py.
"""

from django import forms
from django.db.models import Count, Max
from django.utils.translation import gettext_lazy

from printing.declare import CrisisDocument, Rendered, local, register, render_html

from . import access, drafts, retex
from .models import Kind, Obligation, Retex


class ObligationFormParams(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Obligation"), choices=Kind.choices)


class ObligationFormDocument(CrisisDocument):
    """A report pre-filled from the console, printed to send "by any means" when the portal is unreachable."""

    name = "obligation_form"
    title = gettext_lazy("Formulaire de signalement « par tout moyen »")
    description = gettext_lazy(
        "Le signalement prérempli (établissement, déclarant, heures, périmètre, impacts), imprimé pour "
        "l'envoyer par tout moyen quand le portail est injoignable."
    )
    templates = ("pdf/obligations/obligation_form.html",)
    form_class = ObligationFormParams
    required_capability = access.READ

    def data(self, establishment, params: dict):
        crisis = self.crisis_of(establishment, params)
        obligation = Obligation.objects.filter(crisis=crisis, kind=params["kind"]).first()
        obligation = obligation or Obligation(crisis=crisis, kind=params["kind"])
        obligation.crisis = crisis
        return drafts.draft(obligation, None)

    def render(self, establishment, params: dict, *, generated_at) -> Rendered:
        crisis = self.crisis_of(establishment, params)
        return render_html(
            "pdf/obligations/obligation_form.html",
            establishment=establishment,
            title=str(dict(Kind.choices)[params["kind"]]),
            generated_at=generated_at,
            data_label=local(generated_at),
            exercise=crisis.is_exercise,
            crisis=crisis,
            draft=self.data(establishment, params),
        )


class RetexDocument(CrisisDocument):
    """The RETEX: figures and chronology from the data, the five written sections, the action plan."""

    name = "retex"
    title = gettext_lazy("RETEX")
    description = gettext_lazy(
        "Retour d'expérience : chiffres, chronologie des faits marquants, les cinq questions et le plan d'actions."
    )
    templates = ("pdf/obligations/retex.html",)
    required_capability = access.READ

    def data(self, establishment, params: dict):
        crisis = self.crisis_of(establishment, params)
        report = Retex.objects.filter(crisis=crisis).values_list("updated_at", flat=True).first()
        rida = crisis.rida_lines.aggregate(n=Count("pk"), at=Max("updated_at"))
        return [str(report), crisis.journal_last_seq, rida["n"], str(rida["at"]), retex.figures(crisis)]

    def render(self, establishment, params: dict, *, generated_at) -> Rendered:
        crisis = self.crisis_of(establishment, params)
        report = Retex.objects.filter(crisis=crisis).first() or Retex(crisis=crisis)
        return render_html(
            "pdf/obligations/retex.html",
            establishment=establishment,
            title=self.label(establishment, params),
            generated_at=generated_at,
            data_label=local(generated_at),
            exercise=crisis.is_exercise,
            crisis=crisis,
            retex=report,
            sections=[(report._meta.get_field(n).verbose_name, getattr(report, n)) for n in Retex.SECTIONS],
            figures=retex.figures(crisis),
            chronology=retex.chronology(crisis),
            actions=list(crisis.rida_lines.filter(source_label="RETEX").order_by("seq")),
        )


register(ObligationFormDocument())
register(RetexDocument())
