"""Printable documents of comms: the crisis directory (alphabetical, by service), the external contacts
sheet, pocket cards for the cell, call lists, Flash info, messages (paper version) and the message form.

Lists are sorted with the French collation of DirectoryEntry.sort_name (accents and case ignored) and
print every character (sheets.py wraps, never cuts); "À jour du" is in every page's footer."""

from functools import cache, lru_cache

from django import forms
from django.db import connection
from django.db.models import Count, Max
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from crisis.models import Establishment, Service
from printing.declare import (
    BlankForm,
    Chunk,
    Column,
    CrisisDocument,
    Item,
    PrintableDocument,
    Rendered,
    local,
    local_day,
    register,
    render_html,
    sheets,
)

from .models import CallList, DirectoryEntry, FlashInfo, Message, sort_key

FONT_SIZE = 8.0  # pt: body.directory .grid in static/css/print.css


def _columns() -> list[Column]:
    # Every character is printed: a value wider than its column wraps onto more lines of the
    # same row, between "function" and "service" first (see sheets.wrap_parts).
    return [
        Column(_("Nom, prénom"), 40, lambda e: (e.last_name.upper(), e.first_name), separator=" "),
        Column(_("Fonction · service"), 58, _function_service),
        # One column per number, each under its own heading: on paper a phone and a mobile run
        # together ("04 90 00 10 01  06 70 00 10 01") cannot be told apart.
        Column(_("Poste"), 10, lambda e: e.extension, "digits"),
        Column(_("DECT"), 12, lambda e: e.dect, "digits"),
        Column(_("Ligne directe"), 25, lambda e: e.direct_line, "digits"),
        Column(_("Mobile"), 25, lambda e: e.mobile, "digits"),
        Column(_("Crise"), 16, lambda e: (e.crisis_role, _("astreinte") if e.on_call else ""), separator=" · "),
    ]


def _function_service(e) -> tuple[str, ...]:
    if e.is_external:
        return (e.function, e.organisation)
    return (e.function, e.service.name if e.service_id else "")


def directory_parts(establishment_id: int) -> dict[str, bool]:
    """Which parts of the directory have someone: anyone (the directory), staff in a service (by service),
    outside contacts, holders of a crisis role (the pocket cards). The kit's documents are planned on
    every dashboard render: one statement written once answers the four (four ORM exists() cost ten
    times its CPU); each condition is the one its document's list filters on."""
    with connection.cursor() as cursor:
        cursor.execute(_directory_parts_sql(), [establishment_id] * 4)
        row = cursor.fetchone()
    return dict(zip(("any", "by_service", "external", "holders"), (bool(flag) for flag in row), strict=True))


@cache
def _directory_parts_sql() -> str:
    table = DirectoryEntry._meta.db_table
    conditions = (
        "",
        " AND NOT is_external AND service_id IS NOT NULL",
        " AND is_external",
        " AND NOT is_external AND crisis_role <> ''",
    )
    parts = [f"EXISTS(SELECT 1 FROM {table} WHERE establishment_id = %s{condition})" for condition in conditions]
    return "SELECT " + ", ".join(parts)


_CHUNKED: dict[str, "DirectoryDocument"] = {}  # the chunked lists, by name: _page_starts lays them out


@lru_cache(maxsize=16)
def _page_starts(
    name: str, establishment_id: int, count: int, updated_at, services_at, lines_per_page: int
) -> tuple[int, ...]:
    """Index of the first row of every page, the whole list laid out once.

    Rows wrap, so how many people fit on a page depends on their text: numbering chunk pages
    ("page 27 / 56") needs the whole layout. The dashboard plans the kit on every page, hence
    the cache; its key changes with any added, edited or removed entry (count, latest change), and
    with a renamed service (the services' latest change).
    """
    document = _CHUNKED[name]
    rows = document.rows(establishment_id, slice(None))
    return tuple(sheets.page_starts(rows, document.columns(), style=document.STYLE, font_size=FONT_SIZE))


class DirectoryDocument(PrintableDocument):
    """The crisis directory, alphabetical, on ruled pages; long ones render in chunks, in parallel."""

    name = "directory"
    title = gettext_lazy("Annuaire de crise")
    templates = ("pdf/blank_sheet.html",)
    version = "4"
    kit_order = 10
    weight = 20
    CHUNK_PAGES = 26  # about 1,500 people: two chunks for 3,000, one per worker process
    KIT_PART = "any"  # in the kit when this part of the directory has someone (directory_parts)
    STYLE = "zebra"
    FIELDS = (
        "last_name",
        "first_name",
        "function",
        "service",
        "service__name",
        "extension",
        "dect",
        "direct_line",
        "mobile",
        "crisis_role",
        "on_call",
        "is_external",
        "organisation",
    )

    def __init__(self):
        _CHUNKED[self.name] = self

    @staticmethod
    def entries(establishment_id: int):
        return (
            DirectoryEntry.objects.filter(establishment_id=establishment_id)
            .select_related("service")
            .order_by("sort_name", "pk")
        )

    def columns(self) -> list[Column]:
        return _columns()

    def rows(self, establishment_id: int, rows: slice) -> list:
        """These rows of the list, as printed (a slice of the whole list's order)."""
        return list(self.entries(establishment_id).only(*self.FIELDS)[rows])

    def meta(self, count: int) -> str:
        return _(
            "%(count)s personnes et contacts, par ordre alphabétique (accents ignorés). "
            "Astreinte : joignable hors heures ouvrables."
        ) % {"count": count}

    def _summary(self, establishment: Establishment) -> dict:
        """How many entries, their latest change, and the latest change of the services they name
        (a renamed service reprints the directory)."""
        summary = self.entries(establishment.pk).aggregate(n=Count("pk"), at=Max("updated_at"))
        services = Service.objects.filter(establishment=establishment).aggregate(at=Max("updated_at"))
        return {**summary, "services_at": services["at"]}

    def _pages(self, establishment: Establishment, summary: dict) -> tuple[int, ...]:
        return _page_starts(
            self.name,
            establishment.pk,
            summary["n"],
            summary["at"],
            summary["services_at"],
            sheets.rows_per_page(self.STYLE),
        )

    def _chunk(self, establishment: Establishment, chunk: int) -> dict:
        """The chunk's rows (slice of the list), its first page number and the page total."""
        summary = self._summary(establishment)
        return self._chunk_of(summary, self._pages(establishment, summary), chunk)

    def _chunk_of(self, summary: dict, starts: tuple[int, ...], chunk: int) -> dict:
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
        return [{}] if directory_parts(establishment.pk)[self.KIT_PART] else []

    def chunks(self, establishment: Establishment, params: dict) -> list[dict]:
        return self._chunk_params(self._pages(establishment, self._summary(establishment)))

    def _chunk_params(self, starts: tuple[int, ...]) -> list[dict]:
        return [{"chunk": i} for i in range(-(-len(starts) // self.CHUNK_PAGES))]

    def items(self, establishment: Establishment, params_list: list[dict]) -> list[Item]:
        # The dashboard plans the kit on every render: the summary and the layout once for every
        # chunk (chunks() and each chunk's data() asked for them again).
        summary = self._summary(establishment)
        starts = self._pages(establishment, summary)
        return [
            Item(
                self.name,
                params,
                self.label(establishment, params),
                tuple(
                    Chunk(c, self.fingerprint_of(establishment, c, self._data(establishment, chunk)))
                    for c in self._chunk_params(starts)
                    for chunk in [self._chunk_of(summary, starts, c["chunk"])]
                ),
            )
            for params in params_list
        ]

    def data(self, establishment: Establishment, params: dict):
        return self._data(establishment, self._chunk(establishment, params.get("chunk", 0)))

    def _data(self, establishment: Establishment, chunk: dict) -> list:
        # The chunk's own rows, plus what every page shows: page numbers and date of the directory.
        summary = chunk["summary"]
        rows = self.entries(establishment.pk)[chunk["rows"]].values_list("pk", "updated_at")
        return [
            self.name,
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
            self.rows(establishment.pk, chunk["rows"]),
            self.columns(),
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
            data_label=_("À jour du %(at)s") % {"at": local_day(summary["at"])},
            pages=pages,
            style=self.STYLE,
            orientation="portrait",
            numbered=True,
            body_class="numbered directory",
            sheet_meta=self.meta(summary["n"]),
        )


class MessageForm(BlankForm):
    """HICS 213: the slip a runner carries when messaging is down (two per page)."""

    name = "message_form"
    title = gettext_lazy("Formulaire de message")
    kit_order = 61
    templates = ("pdf/message_form.html",)


register(DirectoryDocument())
register(MessageForm())


# --- the directory by service, the external contacts ---------------------------------


def _grouped(entries, key) -> list:
    """Each entry with `group` set to its group's name on the group's first row only (the rest blank)."""
    previous = object()
    for entry in entries:
        name = key(entry)
        entry.group = name if name != previous else ""
        previous = name
    return entries


class _GroupedSheet(PrintableDocument):
    """A ruled list whose first column names the group (service, category) on its first row."""

    templates = ("pdf/blank_sheet.html",)
    STYLE = "zebra"
    meta = ""

    def columns(self) -> list[Column]:
        raise NotImplementedError

    def rows(self, establishment: Establishment) -> list:
        raise NotImplementedError

    def data(self, establishment: Establishment, params: dict):
        rows = self.rows(establishment)
        return [[e.pk, e.updated_at.isoformat(), getattr(e, "group", "")] for e in rows]

    def render(self, establishment: Establishment, params: dict, *, generated_at) -> Rendered:
        rows = self.rows(establishment)
        latest = max((e.updated_at for e in rows), default=None)
        pages = sheets.layout(rows, self.columns(), style=self.STYLE, heading=str(self.title), font_size=FONT_SIZE)
        return render_html(
            "pdf/blank_sheet.html",
            establishment=establishment,
            title=str(self.title),
            generated_at=generated_at,
            data_label=_("À jour du %(at)s") % {"at": local_day(latest)} if latest else "",
            pages=pages,
            style=self.STYLE,
            orientation="portrait",
            numbered=True,
            body_class="numbered directory",
            sheet_meta=self.meta % {"count": len(rows)},
        )


class DirectoryByServiceDocument(DirectoryDocument):
    """The staff service by service (in the list's order), alphabetical within each; chunked like the
    alphabetical directory. The service is named on its first row."""

    name = "directory_by_service"
    title = gettext_lazy("Annuaire de crise par service")
    description = gettext_lazy("Le personnel service par service, dans l'ordre de la liste des services.")
    version = "1"
    kit_order = 11
    weight = 18
    KIT_PART = "by_service"

    @staticmethod
    def entries(establishment_id: int):
        return (
            DirectoryEntry.objects.filter(establishment_id=establishment_id, is_external=False, service__isnull=False)
            .select_related("service")
            .order_by("service__position", "service__name", "sort_name", "pk")
        )

    def columns(self) -> list[Column]:
        return [
            Column(_("Service"), 32, lambda e: e.group),
            Column(_("Nom, prénom"), 40, lambda e: (e.last_name.upper(), e.first_name), separator=" "),
            Column(_("Fonction · rôle de crise"), 40, lambda e: (e.function, e.crisis_role)),
            Column(_("Poste"), 12, lambda e: e.extension, "digits"),
            Column(_("DECT"), 12, lambda e: e.dect, "digits"),
            Column(_("Ligne directe"), 25, lambda e: e.direct_line, "digits"),
            Column(_("Mobile"), 25, lambda e: e.mobile, "digits"),
        ]

    def rows(self, establishment_id: int, rows: slice) -> list:
        # The whole list is labelled before it is cut: a chunk's first row names its service only
        # where it opens it, exactly as the whole layout (and its page numbers) counted it.
        everyone = list(self.entries(establishment_id).only(*self.FIELDS))
        return _grouped(everyone, lambda e: e.service.name)[rows]

    def meta(self, count: int) -> str:
        return _("%(count)s personnes, par service puis par ordre alphabétique.") % {"count": count}


class ExternalContactsDocument(_GroupedSheet):
    name = "external_contacts"
    title = gettext_lazy("Contacts extérieurs")
    description = gettext_lazy("Autorités, partenaires, prestataires et presse, par catégorie, avec le motif d'appel.")
    kit_order = 12
    meta = gettext_lazy("%(count)s contacts, par catégorie. Les journalistes sont orientés vers le porte-parole.")

    def columns(self) -> list[Column]:
        return [
            Column(_("Catégorie"), 30, lambda e: e.group),
            Column(
                _("Organisme · interlocuteur"), 52, lambda e: (e.organisation, f"{e.last_name} {e.first_name}".strip())
            ),
            Column(_("À appeler pour"), 54, lambda e: e.call_for),
            Column(_("Téléphone"), 25, lambda e: e.direct_line or e.extension, "digits"),
            Column(_("Mobile"), 25, lambda e: e.mobile, "digits"),
        ]

    def rows(self, establishment: Establishment) -> list:
        order = {value: i for i, value in enumerate(DirectoryEntry.Category.values)}
        entries = sorted(
            DirectoryEntry.objects.filter(establishment=establishment, is_external=True),
            key=lambda e: (order.get(e.category, len(order)), sort_key(e.organisation), e.sort_name, e.pk),
        )
        labels = dict(DirectoryEntry.Category.choices)
        return _grouped(entries, lambda e: str(labels.get(e.category, _("Autres contacts"))))

    def kit_params(self, establishment: Establishment) -> list[dict]:
        return [{}] if directory_parts(establishment.pk)["external"] else []


# --- pocket cards of the cell ----------------------------------------------------------


class PocketCardsDocument(PrintableDocument):
    """One card (85 × 54 mm, ten per page, to cut out) per member of the cell: their role and deputy, and
    the numbers every member needs when the network is down."""

    name = "pocket_cards"
    title = gettext_lazy("Cartes de poche de la cellule")
    description = gettext_lazy("Une carte par membre de la cellule : son rôle, son suppléant, les numéros utiles.")
    templates = ("pdf/comms_pocket_cards.html",)
    kit_order = 13
    KEY_CATEGORIES = ("cert_sante", "ars", "samu", "pris", "prefecture")

    def holders(self, establishment: Establishment) -> list:
        entries = DirectoryEntry.objects.filter(establishment=establishment, is_external=False).exclude(crisis_role="")
        return list(entries.select_related("deputy").order_by("sort_name", "pk"))

    def key_numbers(self, establishment: Establishment) -> list:
        """One number per key outside contact (the first checked entry of each category)."""
        contacts = DirectoryEntry.objects.filter(establishment=establishment, category__in=self.KEY_CATEGORIES)
        contacts = contacts.exclude(direct_line="", mobile="").order_by("-checked_at", "sort_name", "pk")
        first = {}
        for contact in contacts:
            first.setdefault(contact.category, contact)
        return [first[c] for c in self.KEY_CATEGORIES if c in first]

    def data(self, establishment: Establishment, params: dict):
        rows = self.holders(establishment) + self.key_numbers(establishment)
        return [[e.pk, e.updated_at.isoformat()] for e in rows]

    def kit_params(self, establishment: Establishment) -> list[dict]:
        return [{}] if directory_parts(establishment.pk)["holders"] else []

    def render(self, establishment: Establishment, params: dict, *, generated_at) -> Rendered:
        holders = self.holders(establishment)
        cell = [h for h in holders if h.crisis_role]
        latest = max((e.updated_at for e in holders), default=None)
        return render_html(
            "pdf/comms_pocket_cards.html",
            establishment=establishment,
            title=str(self.title),
            generated_at=generated_at,
            data_label=_("À jour du %(at)s") % {"at": local_day(latest)} if latest else "",
            holders=holders,
            cell=cell[:10],
            key_numbers=self.key_numbers(establishment),
            day=local_day(latest) if latest else "",
        )


# --- crisis documents: a call list, a Flash info, a message ------------------------------


class CallListForm(forms.Form):
    call_list = forms.IntegerField(label=gettext_lazy("Liste d'appel"), min_value=1)


class CallListDocument(CrisisDocument):
    name = "call_list"
    title = gettext_lazy("Liste d'appel")
    description = gettext_lazy("Une liste d'appel avec les numéros de chacun et des colonnes pour noter les appels.")
    templates = ("pdf/blank_sheet.html",)
    form_class = CallListForm
    printed_from = "comms:call-lists"

    def clean_params(self, establishment: Establishment, params: dict) -> dict:
        cleaned = super().clean_params(establishment, params)
        if not CallList.objects.filter(pk=cleaned["call_list"], crisis_id=cleaned["crisis_id"]).exists():
            raise forms.ValidationError({"call_list": _("Liste d'appel inconnue.")})
        return cleaned

    def _list(self, establishment, params) -> CallList:
        return CallList.objects.get(pk=params["call_list"], crisis_id=params["crisis_id"])

    def data(self, establishment: Establishment, params: dict):
        the_list = self._list(establishment, params)
        calls = the_list.calls.values_list("pk", "person_id", "person__updated_at", "outcome", "arrival")
        return [the_list.title, str(the_list.updated_at), [[a, b, str(c), d, e] for a, b, c, d, e in calls]]

    def render(self, establishment: Establishment, params: dict, *, generated_at) -> Rendered:
        the_list = self._list(establishment, params)
        calls = list(the_list.calls.select_related("person").order_by("position", "pk"))
        columns = [
            Column("#", 8, lambda c: str(c.position + 1), "digits"),
            Column(
                _("Nom, prénom · fonction"),
                52,
                lambda c: (f"{c.person.last_name.upper()} {c.person.first_name}", c.person.function),
            ),
            Column(_("Numéros"), 44, lambda c: tuple(f"{label} {n}" for label, n in c.person.phones), "digits"),
            Column(_("Résultat"), 26, lambda c: (c.get_outcome_display(), c.arrival)),
            Column(_("Heure"), 14, None),
            Column(_("Par"), 42, None),
        ]
        pages = sheets.layout(calls, columns, style="lined", heading=the_list.title, font_size=FONT_SIZE)
        return render_html(
            "pdf/blank_sheet.html",
            establishment=establishment,
            title=str(self.title),
            generated_at=generated_at,
            data_label=_("À jour du %(at)s") % {"at": local_day(the_list.updated_at)},
            pages=pages,
            style="lined",
            orientation="portrait",
            numbered=True,
            body_class="numbered directory",
            sheet_meta=_("Joint · pas de réponse · message laissé · vient (heure d'arrivée)."),
            exercise=the_list.crisis.is_exercise,
        )


class FlashForm(forms.Form):
    flash = forms.IntegerField(label=gettext_lazy("Numéro"), min_value=1)


class FlashInfoDocument(CrisisDocument):
    """One issue on one A4 page, to post in the services."""

    name = "flash_info"
    title = gettext_lazy("Flash info")
    description = gettext_lazy("Un numéro du Flash info, sur une page A4 à afficher dans les services.")
    templates = ("pdf/comms_flash.html",)
    form_class = FlashForm
    printed_from = "comms:flash-list"

    def clean_params(self, establishment: Establishment, params: dict) -> dict:
        cleaned = super().clean_params(establishment, params)
        if not FlashInfo.objects.filter(pk=cleaned["flash"], crisis_id=cleaned["crisis_id"]).exists():
            raise forms.ValidationError({"flash": _("Numéro inconnu.")})
        return cleaned

    def _flash(self, params) -> FlashInfo:
        return FlashInfo.objects.select_related("crisis__establishment", "zoom_service").get(
            pk=params["flash"], crisis_id=params["crisis_id"]
        )

    def data(self, establishment: Establishment, params: dict):
        flash = self._flash(params)
        return [flash.pk, str(flash.updated_at), flash.status]

    def render(self, establishment: Establishment, params: dict, *, generated_at) -> Rendered:
        flash = self._flash(params)
        return render_html(
            "pdf/comms_flash.html",
            establishment=establishment,
            title=str(flash),
            generated_at=generated_at,
            data_label=_("À jour du %(at)s") % {"at": local(flash.published_at or flash.updated_at)},
            exercise=flash.crisis.is_exercise,
            flash=flash,
        )


class MessageDocumentForm(forms.Form):
    message = forms.IntegerField(label=gettext_lazy("Message"), min_value=1)


class MessageDocument(CrisisDocument):
    """A message's paper version (a note to slip under doors, a sign, a letter): only once approved, so a
    placeholder left unfilled never prints as a blank."""

    name = "message"
    title = gettext_lazy("Message")
    description = gettext_lazy("La version papier d'un message approuvé.")
    templates = ("pdf/comms_message.html",)
    form_class = MessageDocumentForm
    printed_from = "comms:messages"

    def clean_params(self, establishment: Establishment, params: dict) -> dict:
        cleaned = super().clean_params(establishment, params)
        approved = Message.objects.filter(pk=cleaned["message"], crisis_id=cleaned["crisis_id"]).exclude(
            status=Message.Status.DRAFT
        )
        if not approved.exists():
            raise forms.ValidationError({"message": _("Message inconnu ou pas encore approuvé.")})
        return cleaned

    def _message(self, params) -> Message:
        return Message.objects.select_related("crisis").get(pk=params["message"], crisis_id=params["crisis_id"])

    def data(self, establishment: Establishment, params: dict):
        message = self._message(params)
        return [message.pk, str(message.updated_at), message.status]

    def render(self, establishment: Establishment, params: dict, *, generated_at) -> Rendered:
        from .services import filled

        message = self._message(params)
        return render_html(
            "pdf/comms_message.html",
            establishment=establishment,
            title=filled(message.title, message.values),
            generated_at=generated_at,
            data_label=_("À jour du %(at)s") % {"at": local(message.approved_at or message.updated_at)},
            exercise=message.crisis.is_exercise,
            message=message,
            text=filled(message.body, message.values),
            signage=message.kind == "signaletique",
        )


register(DirectoryByServiceDocument())
register(ExternalContactsDocument())
register(PocketCardsDocument())
register(CallListDocument())
register(FlashInfoDocument())
register(MessageDocument())
