"""Preparedness's printable documents: the readiness report (one page, for the management board) and
an exercise's observation grid."""

from django.utils.translation import gettext_lazy

from printing.declare import CrisisDocument, PrintableDocument, Rendered, register, render_html

from . import access, readiness, selectors
from .models import Campaign


class ReadinessReport(PrintableDocument):
    name = "readiness_report"
    title = gettext_lazy("Rapport de préparation")
    description = gettext_lazy("Le score de préparation et chaque point, sur une page, pour le directoire.")
    templates = ("pdf/readiness_report.html",)
    required_capability = access.READ

    def data(self, establishment, params: dict):
        result = readiness.readiness(establishment)
        return [result.score, result.trend, [(i.key, i.ok, i.detail) for i in result.items]]

    def render(self, establishment, params: dict, *, generated_at) -> Rendered:
        result = readiness.readiness(establishment)
        campaign = selectors.latest_campaign(establishment, Campaign.Kind.PHISHING)
        return render_html(
            "pdf/readiness_report.html",
            establishment=establishment,
            title=str(self.title),
            generated_at=generated_at,
            readiness=result,
            campaign=campaign,
        )


class ObservationGrid(CrisisDocument):
    """The chronogramme with what the observers marked, and room to write by hand."""

    name = "observation_grid"
    title = gettext_lazy("Grille d'observation")
    description = gettext_lazy(
        "Les injects de l'exercice, la réaction attendue et l'observation : faite, en retard, manquée."
    )
    templates = ("pdf/observation_grid.html",)
    required_capability = access.OBSERVE

    def data(self, establishment, params: dict):
        crisis = self.crisis_of(establishment, params)
        return list(
            selectors.injects_of(crisis).values_list(
                "pk",
                "offset_minutes",
                "content",
                "expected_reaction",
                "delivered_at",
                "observation",
                "observation_comment",
            )
        )

    def render(self, establishment, params: dict, *, generated_at) -> Rendered:
        crisis = self.crisis_of(establishment, params)
        return render_html(
            "pdf/observation_grid.html",
            establishment=establishment,
            title=self.label(establishment, params),
            generated_at=generated_at,
            exercise=crisis.is_exercise,
            crisis=crisis,
            injects=list(selectors.injects_of(crisis)),
            level=getattr(selectors.exercise_or_none(crisis), "get_level_display", lambda: "")(),
        )


register(ReadinessReport())
register(ObservationGrid())
