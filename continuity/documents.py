"""Printable documents of continuity: degraded-mode procedures and bed census sheets."""

from collections import defaultdict

from django import forms
from django.db.models import Count, Max
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from crisis.models import Establishment, Service
from printing.declare import Chunk, Column, Item, PrintableDocument, Rendered, local_day, register, render_html, sheets

from .models import Bed, DegradedProcedure

# --- degraded-mode procedures -------------------------------------------------------


def _paragraphs(body: str) -> list[dict]:
    """Plain text to blocks: blank line between paragraphs, "- " for a list, "## " for a sub-heading."""
    blocks: list[dict] = []
    for chunk in body.replace("\r\n", "\n").split("\n\n"):
        lines = [line.strip() for line in chunk.strip().split("\n") if line.strip()]
        if not lines:
            continue
        if all(line.startswith("- ") for line in lines):
            blocks.append({"kind": "list", "items": [line[2:] for line in lines]})
        elif lines[0].startswith("## "):
            blocks.append({"kind": "heading", "text": lines[0][3:]})
            if lines[1:]:
                blocks.append({"kind": "text", "text": " ".join(lines[1:])})
        else:
            blocks.append({"kind": "text", "text": " ".join(lines)})
    return blocks


class ServiceForm(forms.Form):
    service = forms.ChoiceField(
        label=gettext_lazy("Service"),
        error_messages={"invalid_choice": gettext_lazy("Aucune procédure pour ce service.")},
    )


class ProceduresDocument(PrintableDocument):
    """One service's degraded-mode procedures: one kit item per service (the parameter is the service's name)."""

    name = "procedures"
    title = gettext_lazy("Procédures dégradées")
    templates = ("pdf/procedures.html",)
    form_class = ServiceForm
    version = "1"
    kit_order = 20

    def form(self, establishment: Establishment | None, data=None) -> forms.Form:
        form = ServiceForm(data=data)
        if establishment is not None:
            form.fields["service"].choices = [(s["service"], s["service"]) for s in self.kit_params(establishment)]
        return form

    def label(self, establishment: Establishment, params: dict) -> str:
        return _("Procédures dégradées — %(service)s") % {"service": params["service"]}

    def kit_params(self, establishment: Establishment) -> list[dict]:
        services = DegradedProcedure.objects.filter(establishment=establishment).values_list("service__name", flat=True)
        return [{"service": s} for s in sorted(set(services))]

    @staticmethod
    def _stamps(procedures) -> list:
        return [[p.pk, p.version, p.updated_at.isoformat()] for p in procedures]

    def data(self, establishment: Establishment, params: dict):
        procedures = DegradedProcedure.objects.filter(establishment=establishment, service__name=params["service"])
        return self._stamps(procedures.only("pk", "version", "updated_at"))

    def items(self, establishment: Establishment, params_list: list[dict]) -> list[Item]:
        # One query for all services: the dashboard's freshness check plans the whole kit.
        by_service = defaultdict(list)
        for p in (
            DegradedProcedure.objects.filter(establishment=establishment)
            .select_related("service")
            .only("pk", "version", "updated_at", "service__name")
        ):
            by_service[p.service.name].append(p)
        items = []
        for params in params_list:
            fp = self.fingerprint_of(establishment, params, self._stamps(by_service[params["service"]]))
            items.append(Item(self.name, params, self.label(establishment, params), (Chunk(params, fp),)))
        return items

    def render(self, establishment: Establishment, params: dict, *, generated_at) -> Rendered:
        procedures = list(
            DegradedProcedure.objects.filter(establishment=establishment, service__name=params["service"])
        )
        for procedure in procedures:
            procedure.blocks = _paragraphs(procedure.body)
        updated = max((p.updated_at for p in procedures), default=None)
        return render_html(
            "pdf/procedures.html",
            establishment=establishment,
            title=self.label(establishment, params),
            generated_at=generated_at,
            data_label=_("procédures à jour du %(at)s") % {"at": local_day(updated)} if updated else "",
            service=params["service"],
            procedures=procedures,
        )


# --- bed census sheets -----------------------------------------------------------------


class BedCensusDocument(PrintableDocument):
    """Blank bed census sheets, one per unit, each bed pre-printed: rebuilding the bed map from paper.

    A unit is a service of the core list that has beds (crisis.models.Service); it prints once its
    beds are listed, so an establishment without beds has no census to print."""

    name = "bed_census"
    title = gettext_lazy("Relevé des lits — fiches par unité")
    templates = ("pdf/blank_sheet.html",)
    version = "1"
    kit_order = 30
    weight = 3

    def kit_params(self, establishment: Establishment) -> list[dict]:
        return [{}] if Bed.objects.filter(unit__establishment=establishment).exists() else []

    def _stamps(self, establishment: Establishment) -> dict:
        units = Service.objects.filter(establishment=establishment, has_beds=True).aggregate(
            n=Count("pk"), at=Max("updated_at")
        )
        beds = Bed.objects.filter(unit__establishment=establishment).aggregate(n=Count("pk"), at=Max("updated_at"))
        return {
            "units": units["n"],
            "beds": beds["n"],
            "at": max(filter(None, [units["at"], beds["at"]]), default=None),
        }

    def data(self, establishment: Establishment, params: dict):
        # Counts catch deletions, which leave the latest updated_at unchanged.
        stamps = self._stamps(establishment)
        return [stamps["units"], stamps["beds"], str(stamps["at"])]

    def render(self, establishment: Establishment, params: dict, *, generated_at) -> Rendered:
        beds_by_unit = defaultdict(list)
        for bed in Bed.objects.filter(unit__establishment=establishment).order_by("unit_id", "position", "label"):
            beds_by_unit[bed.unit_id].append(bed)
        columns = [
            Column(_("Lit"), 16, lambda bed: bed.label, "digits"),
            Column(_("Patient : NOM, prénom"), 52),
            Column(_("Né(e) le"), 20),
            Column(_("N° de dossier"), 24),
            Column(_("Entrée le"), 20),
            Column(_("Mouvement prévu"), 26),
            Column(_("Observations"), 28),
        ]
        pages = []
        for unit in Service.objects.filter(establishment=establishment, has_beds=True, is_active=True):
            if not beds_by_unit[unit.pk]:
                continue
            heading = _("Relevé des lits — %(unit)s") % {"unit": unit.name}
            if unit.location:
                heading = f"{heading} ({unit.location})"
            pages += sheets.layout(beds_by_unit[unit.pk], columns, style="lined", heading=heading)
        return render_html(
            "pdf/blank_sheet.html",
            establishment=establishment,
            title=str(self.title),
            generated_at=generated_at,
            data_label=_("lits à jour du %(at)s") % {"at": local_day(self._stamps(establishment)["at"])},
            pages=pages,
            style="lined",
            orientation="portrait",
            sheet_meta=_(
                "Date : ...../...../..........  Heure : ......h......  Relevé par : ..............................  Visa du cadre : .................."
            ),
            sheet_foot=_(
                "Une ligne par lit. Lit libre : laisser vide. Sortie ou transfert : barrer et noter la destination en observation ; remonter la fiche à la cellule de crise à chaque relève."
            ),
        )


register(ProceduresDocument())
register(BedCensusDocument())
