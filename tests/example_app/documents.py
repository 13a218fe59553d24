"""The consignes, printed: the list in force, by service (printing.declare)."""

from django.db.models import Count, Max
from django.utils.translation import gettext_lazy

from printing.declare import PrintableDocument, Rendered, local, register, render_html

from . import access
from .models import Consigne


class ConsignesDocument(PrintableDocument):
    name = "example_consignes"
    title = gettext_lazy("Consignes de service")
    description = gettext_lazy("Les consignes en vigueur, service par service.")
    templates = ("example_app/pdf/consignes.html",)
    required_capability = access.READ

    @staticmethod
    def in_force(establishment):
        return Consigne.objects.filter(establishment=establishment, status=Consigne.Status.IN_FORCE).select_related(
            "service"
        )

    def data(self, establishment, params: dict):
        summary = self.in_force(establishment).aggregate(n=Count("pk"), at=Max("updated_at"))
        return [summary["n"], str(summary["at"])]

    def render(self, establishment, params: dict, *, generated_at) -> Rendered:
        consignes = list(self.in_force(establishment))
        latest = max((c.updated_at for c in consignes), default=None)
        return render_html(
            "example_app/pdf/consignes.html",
            establishment=establishment,
            title=str(self.title),
            generated_at=generated_at,
            data_label=local(latest),
            consignes=consignes,
        )


register(ConsignesDocument())
