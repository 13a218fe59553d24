"""Printable documents of the crisis core: the main courante, and its blank sheets for the paper kit."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from printing.declare import BlankForm, Column, CrisisDocument, Rendered, local, register, render_html, sheets

from .models import Crisis, Establishment, JournalEntry
from .selectors import journal_in_time_order

# --- main courante ------------------------------------------------------------


class JournalDocument(CrisisDocument):
    """A crisis's main courante in time order: urgent entries stand out, corrections show both lines.

    Long journals render in chunks of CHUNK_ENTRIES entries, in parallel; the pages
    are numbered once merged. About 11 ms and 0.1 MB per entry: a chunk stays well
    inside a render task's limits whatever the journal's length.
    """

    name = "journal"
    title = gettext_lazy("Main courante")
    description = gettext_lazy(
        "Toute la main courante dans l'ordre des événements, entrées urgentes en évidence, corrections "
        "visibles avec l'entrée corrigée. Pour le dossier de retour d'expérience et le dossier juridique."
    )
    templates = ("pdf/journal.html",)
    stamp_page_numbers = True
    weight = 5
    CHUNK_ENTRIES = 500

    def chunks(self, establishment: Establishment, params: dict) -> list[dict]:
        count = self.crisis_of(establishment, params).journal_last_seq  # seq runs 1..n with no gap
        total = max(1, -(-count // self.CHUNK_ENTRIES))
        return [params] if total == 1 else [{**params, "chunk": i} for i in range(total)]

    def data(self, establishment: Establishment, params: dict):
        # The hash chain's head covers every entry, corrections included.
        crisis = self.crisis_of(establishment, params)
        return [crisis.journal_last_seq, crisis.journal_last_hash, self.CHUNK_ENTRIES]

    def render(self, establishment: Establishment, params: dict, *, generated_at) -> Rendered:
        crisis = self.crisis_of(establishment, params)
        chunk = params.get("chunk", 0)
        start = chunk * self.CHUNK_ENTRIES
        entries = list(journal_in_time_order(crisis)[start : start + self.CHUNK_ENTRIES])
        self._mark_corrections(crisis, entries)
        return render_html(
            "pdf/journal.html",
            establishment=establishment,
            title=self.label(establishment, params),
            generated_at=generated_at,
            data_label=self._data_label(crisis),
            exercise=crisis.is_exercise,
            crisis=crisis,
            entries=entries,
            first_chunk=chunk == 0,
            entry_count=crisis.journal_last_seq,
            urgent_count=JournalEntry.objects.filter(crisis=crisis, priority=JournalEntry.Priority.URGENT).count(),
        )

    @staticmethod
    def _mark_corrections(crisis: Crisis, entries: list[JournalEntry]) -> None:
        corrected_by: dict[int, list[int]] = {}
        corrections = JournalEntry.objects.filter(crisis=crisis, corrects__in=[e.pk for e in entries])
        for corrects_id, seq in corrections.order_by("seq").values_list("corrects_id", "seq"):
            corrected_by.setdefault(corrects_id, []).append(seq)
        for entry in entries:
            entry.corrected_by = corrected_by.get(entry.pk, [])

    @staticmethod
    def _data_label(crisis: Crisis) -> str:
        last = JournalEntry.objects.filter(crisis=crisis, seq=crisis.journal_last_seq).only("recorded_at").first()
        if last is None:
            return ""
        return _("main courante au n° %(seq)s du %(at)s") % {
            "seq": crisis.journal_last_seq,
            "at": local(last.recorded_at),
        }


# --- blank sheets of the paper kit ------------------------------------------------


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
    templates = ("pdf/blank_sheet.html",)

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


class BlankRidaSheet(BlankForm):
    name = "blank_rida"
    title = gettext_lazy("RIDA — relevé vierge")
    kit_order = 62
    templates = ("pdf/blank_sheet.html",)

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


register(JournalDocument())
register(BlankJournalSheet())
register(BlankRidaSheet())
