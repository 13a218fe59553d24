"""Printable documents of comms: the crisis directory and the message form."""

from django.db.models import Count, Max
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from crisis.models import Establishment
from printing.declare import BlankForm, Column, PrintableDocument, Rendered, local, register, render_html, sheets

from .models import DirectoryEntry

FIGURE_SPACE = "\u2007"  # as wide as a digit: an empty number keeps the next one aligned
NUMBER_WIDTH = 14  # "01 23 45 67 89"
BLANK_NUMBER = "".join(FIGURE_SPACE if ch.isdigit() else ch for ch in "01 23 45 67 89")


def _number(value: str) -> str:
    if not value:
        return BLANK_NUMBER
    return value[:NUMBER_WIDTH].ljust(NUMBER_WIDTH, FIGURE_SPACE)


def _numbers(entry: DirectoryEntry) -> str:
    return f"{_number(entry.phone)}  {_number(entry.mobile)}  {entry.bip[:6]}"


class DirectoryDocument(PrintableDocument):
    """The crisis directory, alphabetical, on ruled pages; long ones render in chunks, in parallel."""

    name = "directory"
    title = gettext_lazy("Annuaire de crise")
    templates = ("pdf/blank_sheet.html",)
    version = "1"
    kit_order = 10
    weight = 20
    CHUNK_PAGES = 26  # about 1,500 people: two chunks for 3,000, one per worker process
    STYLE = "zebra"

    def _entries(self, establishment: Establishment):
        return DirectoryEntry.objects.filter(establishment=establishment).order_by("last_name", "first_name", "pk")

    def _summary(self, establishment: Establishment) -> dict:
        return self._entries(establishment).aggregate(n=Count("pk"), at=Max("updated_at"))

    def kit_params(self, establishment: Establishment) -> list[dict]:
        return [{}] if self._entries(establishment).exists() else []

    def chunks(self, establishment: Establishment, params: dict) -> list[dict]:
        total = sheets.page_count(self._summary(establishment)["n"], self.STYLE)
        return [{"chunk": i} for i in range(-(-total // self.CHUNK_PAGES))]

    def _chunk_rows(self, establishment: Establishment, chunk: int):
        per_chunk = sheets.rows_per_page(self.STYLE) * self.CHUNK_PAGES
        return self._entries(establishment)[chunk * per_chunk : (chunk + 1) * per_chunk]

    def data(self, establishment: Establishment, params: dict):
        # The chunk's own rows, plus what every page shows: page total and date of the directory.
        summary = self._summary(establishment)
        rows = self._chunk_rows(establishment, params.get("chunk", 0)).values_list("pk", "updated_at")
        return [summary["n"], local(summary["at"])[:10], [[pk, at.isoformat()] for pk, at in rows]]

    def render(self, establishment: Establishment, params: dict, *, generated_at) -> Rendered:
        chunk = params.get("chunk", 0)
        summary = self._summary(establishment)
        columns = [
            Column(_("Nom, prénom"), 54, lambda e: f"{e.last_name.upper()} {e.first_name}"),
            Column(_("Fonction · service"), 60, lambda e: " · ".join(filter(None, [e.function, e.service]))),
            Column(_("Téléphone · mobile · bip"), 58, _numbers, "digits"),
            Column(_("Astreinte"), 14, lambda e: _("oui") if e.on_call else ""),
        ]
        pages = sheets.layout(
            list(self._chunk_rows(establishment, chunk)),
            columns,
            style=self.STYLE,
            heading=str(self.title),
            first_number=chunk * self.CHUNK_PAGES + 1,
            total=sheets.page_count(summary["n"], self.STYLE),
        )
        return render_html(
            "pdf/blank_sheet.html",
            establishment=establishment,
            title=str(self.title),
            generated_at=generated_at,
            data_label=_("annuaire à jour du %(at)s") % {"at": local(summary["at"])[:10]},
            pages=pages,
            style=self.STYLE,
            orientation="portrait",
            numbered=True,
            body_class="numbered directory",
            sheet_meta=_("%(count)s personnes, par ordre alphabétique. Astreinte : joignable hors heures ouvrables.")
            % {"count": summary["n"]},
        )


class MessageForm(BlankForm):
    """HICS 213: the slip a runner carries when messaging is down (two per page)."""

    name = "message_form"
    title = gettext_lazy("Formulaire de message")
    kit_order = 61
    templates = ("pdf/message_form.html",)


register(DirectoryDocument())
register(MessageForm())
