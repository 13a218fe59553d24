"""Printable documents of the crisis core: the main courante, and its blank sheets for the paper kit."""

from django import forms
from django.db.models import Count, Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from printing.declare import BlankForm, Column, CrisisDocument, Rendered, local, register, render_html, sheets

from .models import Crisis, Establishment, JournalEntry, Meeting, RidaLine
from .selectors import RidaFilters, journal_in_time_order, meeting_releve, rida_in_number_order

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
            # The paper anchor: the chain's head on the last page (verify_journal --head checks it).
            last_chunk=start + self.CHUNK_ENTRIES >= crisis.journal_last_seq,
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


# --- RIDA and relevés of points de situation ------------------------------------------


class RidaPrintForm(forms.Form):
    """The RIDA table's filters, so the sheet prints what the table shows."""

    kind = forms.ChoiceField(label=gettext_lazy("Type"), choices=[("", "")] + RidaLine.Kind.choices, required=False)
    status = forms.ChoiceField(
        label=gettext_lazy("Statut"), choices=[("", "")] + RidaLine.Status.choices, required=False
    )
    owner = forms.IntegerField(label=gettext_lazy("Porteur (id)"), required=False, min_value=1)
    theme = forms.CharField(label=gettext_lazy("Thème"), required=False, max_length=200)
    overdue = forms.BooleanField(label=gettext_lazy("En retard seulement"), required=False)
    q = forms.CharField(label=gettext_lazy("Recherche"), required=False, max_length=200)


def _rida_filters(params: dict) -> RidaFilters:
    return RidaFilters(
        kind=params.get("kind") or "",
        status=params.get("status") or "",
        owner=params.get("owner"),
        theme=params.get("theme") or "",
        overdue=bool(params.get("overdue")),
        q=params.get("q") or "",
    )


class RidaDocument(CrisisDocument):
    """The RIDA in number order, filtered as the table is, overdue lines flagged: for the quality direction."""

    name = "rida"
    title = gettext_lazy("RIDA")
    description = gettext_lazy(
        "Les lignes du RIDA (informations, décisions, actions) avec porteur, échéance, statut et réponse apportée."
    )
    templates = ("pdf/rida.html",)
    form_class = RidaPrintForm
    stamp_page_numbers = True

    def data(self, establishment: Establishment, params: dict):
        # Lines change through record_update (updated_at); which are overdue changes with time alone.
        crisis = self.crisis_of(establishment, params)
        lines = RidaLine.objects.filter(crisis=crisis)
        stamps = lines.aggregate(n=Count("pk"), at=Max("updated_at"))
        overdue = lines.filter(due_at__lte=timezone.now(), status__in=RidaLine.OPEN_STATUSES).values_list("pk")
        return [crisis.rida_last_seq, stamps["n"], str(stamps["at"]), sorted(pk for (pk,) in overdue)]

    def render(self, establishment: Establishment, params: dict, *, generated_at) -> Rendered:
        crisis = self.crisis_of(establishment, params)
        lines = list(rida_in_number_order(crisis, _rida_filters(params)).select_related("source_entry"))
        return render_html(
            "pdf/rida.html",
            establishment=establishment,
            title=self.label(establishment, params),
            generated_at=generated_at,
            data_label=_("RIDA au %(at)s") % {"at": local(generated_at)},
            exercise=crisis.is_exercise,
            crisis=crisis,
            lines=lines,
            now=generated_at,
            filters_label="",
        )


class MeetingReleveForm(forms.Form):
    meeting_id = forms.IntegerField(label=gettext_lazy("Point de situation"), min_value=1)


class MeetingReleveDocument(CrisisDocument):
    """The relevé of one point de situation: attendees, information, decisions, actions with owners and due dates."""

    name = "meeting_releve"
    title = gettext_lazy("Relevé de point de situation")
    description = gettext_lazy(
        "Présents, informations, décisions et actions d'un point de situation, avec porteurs et échéances."
    )
    templates = ("pdf/meeting_releve.html",)
    form_class = MeetingReleveForm
    printed_from = "crisis:meetings"

    def clean_params(self, establishment: Establishment, params: dict) -> dict:
        cleaned = super().clean_params(establishment, params)
        if not Meeting.objects.filter(pk=cleaned["meeting_id"], crisis_id=cleaned["crisis_id"]).exists():
            raise forms.ValidationError({"meeting_id": _("Point de situation inconnu.")})
        return cleaned

    def _meeting(self, establishment: Establishment, params: dict) -> Meeting:
        crisis = self.crisis_of(establishment, params)
        return Meeting.objects.select_related("crisis", "chair").get(pk=params["meeting_id"], crisis=crisis)

    def data(self, establishment: Establishment, params: dict):
        meeting = self._meeting(establishment, params)
        lines = RidaLine.objects.filter(meeting=meeting).aggregate(n=Count("pk"), at=Max("updated_at"))
        attendees = sorted(meeting.attendees.values_list("pk", flat=True))
        times = [str(meeting.scheduled_at), str(meeting.started_at), str(meeting.ended_at)]
        return [
            meeting.pk,
            meeting.title,
            *times,
            meeting.overrun_minutes,
            attendees,
            meeting.guests,
            lines["n"],
            str(lines["at"]),
        ]

    def render(self, establishment: Establishment, params: dict, *, generated_at) -> Rendered:
        meeting = self._meeting(establishment, params)
        return render_html(
            "pdf/meeting_releve.html",
            establishment=establishment,
            title=self.label(establishment, params),
            generated_at=generated_at,
            data_label=_("relevé du %(at)s") % {"at": local(meeting.scheduled_at)},
            exercise=meeting.crisis.is_exercise,
            crisis=meeting.crisis,
            releve=meeting_releve(meeting),
        )


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
register(RidaDocument())
register(MeetingReleveDocument())
