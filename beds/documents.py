"""The beds, printed (printing.declare): the census per unit and the inpatient list (patient references:
"see patient data" only, each rendering logged), and blank fiches navettes for the paper kit."""

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from crisis import live
from crisis.models import Establishment
from printing.declare import BlankForm, PrintableDocument, Rendered, local, register, render_html

from . import permissions as access
from . import selectors, services
from .models import TOPIC, Bed


def _beds_stamp(establishment: Establishment) -> list:
    """What the map shows changes with a movement (the topic's counter) or a bed's structure (counts)."""
    beds = Bed.objects.filter(establishment=establishment).aggregate(
        n=Count("pk"), closed=Count("pk", filter=Q(is_closed=True))
    )
    units = list(selectors.units_of(establishment).values_list("pk", "name", "location"))
    return [live.version(establishment, [TOPIC]), beds["n"], beds["closed"], units]


class _PatientDocument(PrintableDocument):
    required_capability = access.PATIENT
    kit_order: int | None = None

    def kit_params(self, establishment: Establishment) -> list[dict]:
        return [{}] if Bed.objects.filter(establishment=establishment).exists() else []

    def data(self, establishment: Establishment, params: dict):
        return _beds_stamp(establishment)

    def _maps(self, establishment: Establishment):
        maps, hospital = selectors.current_map(establishment, with_patients=True)
        shown = sum(1 for m in maps for c in m.cells if c.patient)
        # Rendered by the print worker for whoever asked (or the nightly kit): logged without a person.
        services.access_log(establishment=establishment, user=None, what=f"document {self.name}", patients=shown)
        return maps, hospital


class CensusDocument(_PatientDocument):
    name = "beds_census"
    title = gettext_lazy("Recensement des lits par unité")
    description = gettext_lazy("Une page par unité : chaque lit, son patient ou son état, pour le tour des lits.")
    templates = ("pdf/beds_census.html",)
    kit_order = 31
    weight = 3

    def render(self, establishment, params: dict, *, generated_at) -> Rendered:
        maps, hospital = self._maps(establishment)
        return render_html(
            self.templates[0],
            establishment=establishment,
            title=str(self.title),
            generated_at=generated_at,
            data_label=_("carte des lits du %(at)s") % {"at": local(timezone.now())},
            maps=maps,
            hospital=hospital,
        )


class InpatientsDocument(_PatientDocument):
    name = "beds_inpatients"
    title = gettext_lazy("Liste des patients hospitalisés par unité")
    description = gettext_lazy("Les patients présents, unité par unité : pour continuer les soins sans le système.")
    templates = ("pdf/beds_inpatients.html",)
    kit_order = 32
    weight = 2

    def render(self, establishment, params: dict, *, generated_at) -> Rendered:
        maps, _hospital = self._maps(establishment)
        units = [(m.unit, [c for c in m.cells if c.patient]) for m in maps]
        return render_html(
            self.templates[0],
            establishment=establishment,
            title=str(self.title),
            generated_at=generated_at,
            data_label=_("patients présents le %(at)s") % {"at": local(timezone.now())},
            units=[(u, cells) for u, cells in units if cells],
        )


class FicheNavetteDocument(BlankForm):
    name = "beds_fiche_navette"
    title = gettext_lazy("Fiches navettes vierges")
    description = gettext_lazy("Admission, transfert, sortie : deux fiches par page, à remonter à la cellule des lits.")
    templates = ("pdf/beds_fiche_navette.html",)
    required_capability = access.READ
    kit_order = 33


register(CensusDocument())
register(InpatientsDocument())
register(FicheNavetteDocument())
