"""Printable documents of the crisis core and of continuity.

The main courante PDF belongs to the crisis app's data, but the crisis app
imports nothing else: its document is declared here.
"""

from collections import defaultdict

from django.core.exceptions import ValidationError
from django.db.models import Count, Max
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from crisis.models import Crisis, Establishment, JournalEntry
from crisis.selectors import journal_in_time_order

from .models import Bed, CareUnit, DegradedProcedure
from .printing import sheets
from .printing.registry import Chunk, Item, PrintableDocument, Rendered, register
from .printing.render import local, render_html
from .printing.sheets import Column

# --- main courante ------------------------------------------------------------


class JournalDocument(PrintableDocument):
    """A crisis's main courante in time order: urgent entries stand out, corrections show both lines."""

    name = "journal"
    title = gettext_lazy("Main courante")
    scope = "crisis"
    version = "1"

    def clean_params(self, establishment: Establishment, params: dict) -> dict:
        try:
            crisis_id = int(params.get("crisis_id"))
        except (TypeError, ValueError):
            raise ValidationError({"crisis_id": _("Crise inconnue.")}) from None
        if not Crisis.objects.filter(pk=crisis_id, establishment=establishment).exists():
            raise ValidationError({"crisis_id": _("Crise inconnue.")})
        return {"crisis_id": crisis_id}

    def _crisis(self, establishment: Establishment, params: dict) -> Crisis:
        return Crisis.objects.get(pk=params["crisis_id"], establishment=establishment)

    def label(self, establishment: Establishment, params: dict) -> str:
        return _("Main courante — %(crisis)s") % {"crisis": self._crisis(establishment, params).title}

    def data(self, establishment: Establishment, params: dict):
        # The hash chain's head covers every entry; the rest is what the header shows.
        crisis = self._crisis(establishment, params)
        return [
            crisis.pk,
            crisis.journal_last_hash,
            crisis.title,
            crisis.phase,
            crisis.is_exercise,
            str(crisis.closed_at),
        ]

    def render(self, establishment: Establishment, params: dict, *, generated_at) -> Rendered:
        crisis = self._crisis(establishment, params)
        entries = list(journal_in_time_order(crisis))
        corrected_by = defaultdict(list)
        for entry in entries:
            if entry.corrects_id:
                corrected_by[entry.corrects_id].append(entry.seq)
        for entry in entries:
            entry.corrected_by = corrected_by.get(entry.pk, [])
        last = entries[-1] if entries else None
        data_label = (
            _("main courante au n° %(seq)s du %(at)s") % {"seq": last.seq, "at": local(last.recorded_at)}
            if last
            else ""
        )
        return render_html(
            "pdf/journal.html",
            establishment=establishment,
            title=self.label(establishment, params),
            generated_at=generated_at,
            data_label=data_label,
            exercise=crisis.is_exercise,
            crisis=crisis,
            entries=entries,
            urgent_count=sum(1 for e in entries if e.priority == JournalEntry.Priority.URGENT),
        )


# --- blank forms ----------------------------------------------------------------


class BlankForm(PrintableDocument):
    """A blank form: its data is the template and the establishment's name (in the fingerprint)."""

    template = ""
    weight = 1

    def render(self, establishment: Establishment, params: dict, *, generated_at) -> Rendered:
        return render_html(
            self.template,
            establishment=establishment,
            title=str(self.title),
            generated_at=generated_at,
            data_label=_("formulaire vierge v%(version)s") % {"version": self.version},
            **self.context(),
        )

    def context(self) -> dict:
        return {}


def _lined_sheet(columns: list[Column], *, meta: str, foot: str, copies: int = 1) -> dict:
    """A landscape sheet of ruled lines with these columns, to fill in by hand."""
    rows = sheets.rows_per_page("lined", "landscape")
    pages = sheets.layout([], columns, style="lined", orientation="landscape", min_rows=rows)
    return {
        "pages": pages * copies,
        "style": "lined",
        "orientation": "landscape",
        "body_class": "landscape",
        "sheet_meta": meta,
        "sheet_foot": foot,
    }


class BlankJournalSheet(BlankForm):
    name = "blank_journal"
    title = gettext_lazy("Main courante — feuille vierge")
    kit_order = 60
    template = "pdf/blank_sheet.html"

    def context(self) -> dict:
        columns = [
            Column(_("Heure"), 16),
            Column(_("Émetteur"), 38),
            Column(_("Destinataire"), 38),
            Column(_("Canal"), 20),
            Column(_("Type · priorité"), 24),
            Column(_("Fait, information, décision, action"), 116),
            Column(_("Visa"), 21),
        ]
        return _lined_sheet(
            columns,
            copies=2,
            meta=_(
                "Crise : ............................................  Feuille n° ......  Tenue par : ..............................  Date : ...../...../.........."
            ),
            foot=_(
                "Type : F fait, I information, D décision, A action, C communication. Priorité : U urgent, N normal, PI pour information. Urgent : entourer la ligne. Une erreur se barre d'un trait et se corrige sur une nouvelle ligne."
            ),
        )


class MessageForm(BlankForm):
    """HICS 213: the slip a runner carries when messaging is down (two per page)."""

    name = "message_form"
    title = gettext_lazy("Formulaire de message")
    kit_order = 61
    template = "pdf/message_form.html"


class BlankRidaSheet(BlankForm):
    name = "blank_rida"
    title = gettext_lazy("RIDA — relevé vierge")
    kit_order = 62
    template = "pdf/blank_sheet.html"

    def context(self) -> dict:
        columns = [
            Column(_("N°"), 11),
            Column(_("Point du"), 20),
            Column(_("Thème"), 30),
            Column(_("I/D/A"), 12),
            Column(_("Information, décision ou action"), 85),
            Column(_("Porteur"), 32),
            Column(_("Échéance"), 20),
            Column(_("Statut"), 18),
            Column(_("Réponse apportée"), 45),
        ]
        return _lined_sheet(
            columns,
            meta=_(
                "Crise : ............................................  Point de situation du ...../...../.......... à ......h......  Rédacteur : ..............................  Feuille n° ......"
            ),
            foot=_(
                "Type : I information, D décision, A action. Statut : à faire, en cours, fait, abandonné. Source possible : main courante, signalement, exercice, RETEX."
            ),
        )


class SignalementForm(BlankForm):
    name = "signalement_form"
    title = gettext_lazy("Fiche de signalement")
    kit_order = 63
    template = "pdf/signalement_form.html"


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


class ProceduresDocument(PrintableDocument):
    """One service's degraded-mode procedures: one kit item per service."""

    name = "procedures"
    title = gettext_lazy("Procédures dégradées")
    version = "1"
    kit_order = 20

    def clean_params(self, establishment: Establishment, params: dict) -> dict:
        service = str(params.get("service", "")).strip()
        if not DegradedProcedure.objects.filter(establishment=establishment, service=service).exists():
            raise ValidationError({"service": _("Aucune procédure pour ce service.")})
        return {"service": service}

    def label(self, establishment: Establishment, params: dict) -> str:
        return _("Procédures dégradées — %(service)s") % {"service": params["service"]}

    def kit_params(self, establishment: Establishment) -> list[dict]:
        services = DegradedProcedure.objects.filter(establishment=establishment).values_list("service", flat=True)
        return [{"service": s} for s in sorted(set(services))]

    @staticmethod
    def _stamps(procedures) -> list:
        return [[p.pk, p.version, p.updated_at.isoformat()] for p in procedures]

    def data(self, establishment: Establishment, params: dict):
        procedures = DegradedProcedure.objects.filter(establishment=establishment, service=params["service"])
        return self._stamps(procedures.only("pk", "version", "updated_at"))

    def items(self, establishment: Establishment, params_list: list[dict]) -> list[Item]:
        # One query for all services: the dashboard's freshness check plans the whole kit.
        by_service = defaultdict(list)
        for p in DegradedProcedure.objects.filter(establishment=establishment).only(
            "pk", "service", "version", "updated_at"
        ):
            by_service[p.service].append(p)
        items = []
        for params in params_list:
            fp = self.fingerprint_of(establishment, params, self._stamps(by_service[params["service"]]))
            items.append(Item(self.name, params, self.label(establishment, params), (Chunk(params, fp),)))
        return items

    def render(self, establishment: Establishment, params: dict, *, generated_at) -> Rendered:
        procedures = list(DegradedProcedure.objects.filter(establishment=establishment, service=params["service"]))
        for procedure in procedures:
            procedure.blocks = _paragraphs(procedure.body)
        updated = max((p.updated_at for p in procedures), default=None)
        return render_html(
            "pdf/procedures.html",
            establishment=establishment,
            title=self.label(establishment, params),
            generated_at=generated_at,
            data_label=_("procédures à jour du %(at)s") % {"at": local(updated)[:10]} if updated else "",
            service=params["service"],
            procedures=procedures,
        )


# --- bed census sheets -----------------------------------------------------------------


class BedCensusDocument(PrintableDocument):
    """Blank bed census sheets, one per unit, each bed pre-printed: rebuilding the bed map from paper."""

    name = "bed_census"
    title = gettext_lazy("Relevé des lits — fiches par unité")
    version = "1"
    kit_order = 30
    weight = 3

    def kit_params(self, establishment: Establishment) -> list[dict]:
        return [{}] if CareUnit.objects.filter(establishment=establishment).exists() else []

    def _stamps(self, establishment: Establishment) -> dict:
        units = CareUnit.objects.filter(establishment=establishment).aggregate(n=Count("pk"), at=Max("updated_at"))
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
        for unit in CareUnit.objects.filter(establishment=establishment):
            heading = _("Relevé des lits — %(unit)s") % {"unit": unit.name}
            if unit.location:
                heading = f"{heading} ({unit.location})"
            pages += sheets.layout(beds_by_unit[unit.pk], columns, style="lined", heading=heading)
        return render_html(
            "pdf/blank_sheet.html",
            establishment=establishment,
            title=str(self.title),
            generated_at=generated_at,
            data_label=_("lits à jour du %(at)s") % {"at": local(self._stamps(establishment)["at"])[:10]},
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


register(JournalDocument())
register(BlankJournalSheet())
register(MessageForm())
register(BlankRidaSheet())
register(SignalementForm())
register(ProceduresDocument())
register(BedCensusDocument())
