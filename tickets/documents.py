"""Printable documents of tickets: the blank signalement form of the paper kit, and the SOC/EDR
alerts' monthly report (figures and chart)."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy

from printing.declare import BlankForm, PrintableDocument, Rendered, register, render_html

from . import access, selectors
from .charts import report_chart


class SignalementForm(BlankForm):
    """What the field writes when the ticketing tool is down: carried to the cell, typed in later."""

    name = "signalement_form"
    title = gettext_lazy("Fiche de signalement")
    kit_order = 63
    templates = ("pdf/signalement_form.html",)


class MonthForm(forms.Form):
    month = forms.RegexField(label=gettext_lazy("Mois (AAAA-MM)"), regex=r"^20\d\d-(0[1-9]|1[0-2])$")


class AlertsMonthlyReport(PrintableDocument):
    name = "alerts_monthly_report"
    title = gettext_lazy("Rapport mensuel des alertes SOC/EDR")
    description = gettext_lazy("Alertes reçues, résolues, faux positifs, par sévérité et par hôte, délai médian.")
    templates = ("tickets/pdf/alerts_report.html", "tickets/_report_body.html")
    required_capability = access.READ
    form_class = MonthForm

    def label(self, establishment, params: dict) -> str:
        return f"{self.title} — {params.get('month', '')}"

    def data(self, establishment, params: dict):
        return selectors.monthly_report(establishment.pk, params["month"])  # a few aggregates: cheap to hash

    def render(self, establishment, params: dict, *, generated_at) -> Rendered:
        report = selectors.monthly_report(establishment.pk, params["month"])
        return render_html(
            "tickets/pdf/alerts_report.html",
            establishment=establishment,
            title=f"{self.title} — {params['month']}",
            generated_at=generated_at,
            data_label=timezone.localtime(generated_at).strftime("%d/%m/%Y %H:%M"),
            report=report,
            chart=report_chart(report),
            pdf=True,
        )


register(SignalementForm())
register(AlertsMonthlyReport())
