"""Printable documents of comms: the crisis directory and the message form."""

from functools import lru_cache

from django.db.models import Count, Max
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from crisis.models import Establishment, Service
from printing.declare import BlankForm, Column, PrintableDocument, Rendered, local_day, register, render_html, sheets

from .models import DirectoryEntry

FONT_SIZE = 8.0  # pt: body.directory .grid in static/css/print.css


def _columns() -> list[Column]:
    # Every character is printed: a value wider than its column wraps onto more lines of the
    # same row, between "function" and "service" first (see sheets.wrap_parts).
    return [
        Column(_("Nom, prénom"), 50, lambda e: (e.last_name.upper(), e.first_name), separator=" "),
        Column(_("Fonction · service"), 62, lambda e: (e.function, e.service.name if e.service else "")),
        # One column per number, each under its own heading: on paper a phone and a mobile run
        # together ("04 90 00 10 01  06 70 00 10 01") cannot be told apart.
        Column(_("Téléphone"), 25, lambda e: e.phone, "digits"),
        Column(_("Mobile"), 25, lambda e: e.mobile, "digits"),
        Column(_("Bip"), 10, lambda e: e.bip, "digits"),
        Column(_("Astreinte"), 14, lambda e: _("oui") if e.on_call else ""),
    ]


@lru_cache(maxsize=16)
def _page_starts(establishment_id: int, count: int, updated_at, services_at, lines_per_page: int) -> tuple[int, ...]:
    """Index of the first entry of every page, the whole directory laid out once.

    Rows wrap, so how many people fit on a page depends on their text: numbering chunk pages
    ("page 27 / 56") needs the whole layout. The dashboard plans the kit on every page, hence
    the cache; its key changes with any added, edited or removed entry (count, latest change), and
    with a renamed service (the services' latest change).
    """
    entries = DirectoryDocument.entries(establishment_id).only(
        "last_name", "first_name", "function", "service__name", "phone", "mobile", "bip", "on_call"
    )
    return tuple(sheets.page_starts(list(entries), _columns(), style=DirectoryDocument.STYLE, font_size=FONT_SIZE))


class DirectoryDocument(PrintableDocument):
    """The crisis directory, alphabetical, on ruled pages; long ones render in chunks, in parallel."""

    name = "directory"
    title = gettext_lazy("Annuaire de crise")
    templates = ("pdf/blank_sheet.html",)
    version = "3"
    kit_order = 10
    weight = 20
    CHUNK_PAGES = 26  # about 1,500 people: two chunks for 3,000, one per worker process
    STYLE = "zebra"

    @staticmethod
    def entries(establishment_id: int):
        return (
            DirectoryEntry.objects.filter(establishment_id=establishment_id)
            .select_related("service")
            .order_by("last_name", "first_name", "pk")
        )

    def _summary(self, establishment: Establishment) -> dict:
        """How many entries, their latest change, and the latest change of the services they name
        (a renamed service reprints the directory)."""
        summary = self.entries(establishment.pk).aggregate(n=Count("pk"), at=Max("updated_at"))
        services = Service.objects.filter(establishment=establishment).aggregate(at=Max("updated_at"))
        return {**summary, "services_at": services["at"]}

    def _pages(self, establishment: Establishment, summary: dict) -> tuple[int, ...]:
        return _page_starts(
            establishment.pk, summary["n"], summary["at"], summary["services_at"], sheets.rows_per_page(self.STYLE)
        )

    def _chunk(self, establishment: Establishment, chunk: int) -> dict:
        """The chunk's rows (slice of the directory), its first page number and the page total."""
        summary = self._summary(establishment)
        starts = self._pages(establishment, summary)
        bounds = (*starts, summary["n"])
        first = min(chunk * self.CHUNK_PAGES, len(starts))
        last = min(first + self.CHUNK_PAGES, len(starts))
        return {
            "summary": summary,
            "rows": slice(bounds[first], bounds[last]),
            "first_number": first + 1,
            "total": len(starts),
        }

    def kit_params(self, establishment: Establishment) -> list[dict]:
        return [{}] if self.entries(establishment.pk).exists() else []

    def chunks(self, establishment: Establishment, params: dict) -> list[dict]:
        total = len(self._pages(establishment, self._summary(establishment)))
        return [{"chunk": i} for i in range(-(-total // self.CHUNK_PAGES))]

    def data(self, establishment: Establishment, params: dict):
        # The chunk's own rows, plus what every page shows: page numbers and date of the directory.
        chunk = self._chunk(establishment, params.get("chunk", 0))
        summary = chunk["summary"]
        rows = self.entries(establishment.pk)[chunk["rows"]].values_list("pk", "updated_at")
        return [
            summary["n"],
            local_day(summary["at"]),
            chunk["first_number"],
            chunk["total"],
            [[pk, at.isoformat()] for pk, at in rows],
            str(summary["services_at"]),
        ]

    def render(self, establishment: Establishment, params: dict, *, generated_at) -> Rendered:
        chunk = self._chunk(establishment, params.get("chunk", 0))
        summary = chunk["summary"]
        pages = sheets.layout(
            list(self.entries(establishment.pk)[chunk["rows"]]),
            _columns(),
            style=self.STYLE,
            heading=str(self.title),
            first_number=chunk["first_number"],
            total=chunk["total"],
            font_size=FONT_SIZE,
        )
        return render_html(
            "pdf/blank_sheet.html",
            establishment=establishment,
            title=str(self.title),
            generated_at=generated_at,
            data_label=_("annuaire à jour du %(at)s") % {"at": local_day(summary["at"])},
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
