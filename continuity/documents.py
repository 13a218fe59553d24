"""Printable documents of continuity: the procedures in force (published versions only).

- ``procedures``: one service's set, one paper-kit item per service that has a published procedure;
- ``procedure``: one procedure, from its page;
- ``procedure_library``: the whole library, one chunk per service (after one change, one chunk renders);
- ``restart_plan``: the restart plan, wave by wave, a box to tick per application.

Every procedure starts with a QR code linking back to its online page and carries its version number
in the running head of every page. The Markdown goes through continuity.markdown (no raw HTML).
"""

from collections import defaultdict
from functools import lru_cache

import segno
from django import forms
from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from crisis.models import Establishment
from printing.declare import Chunk, Item, PrintableDocument, Rendered, local_day, register, render_html

from . import permissions as access
from . import selectors
from .markdown import render_markdown
from .models import Procedure

TEMPLATE = "pdf/procedures.html"


def console_origin() -> str:
    """Where the QR codes point: the first trusted origin (set in production), else the first allowed host."""
    if settings.CSRF_TRUSTED_ORIGINS:
        return settings.CSRF_TRUSTED_ORIGINS[0].rstrip("/")
    host = next((h for h in settings.ALLOWED_HOSTS if h not in ("*", "")), "localhost").lstrip(".")
    return f"http://{host}"


@lru_cache(maxsize=2048)
def qr_data_uri(url: str) -> str:
    return segno.make(url, error="m").svg_data_uri(scale=3, border=1)


def _stamps(versions) -> list:
    return [[v.pk, v.number, v.procedure_id] for v in versions]


def _prepared(establishment: Establishment, versions) -> list:
    origin = console_origin()
    for version in versions:
        version.html = render_markdown(version.body)
        version.url = origin + reverse("continuity:procedure", args=[establishment.pk, version.procedure_id])
        version.qr = qr_data_uri(version.url)
    return versions


def _render(document, establishment, title, versions, generated_at, **context) -> Rendered:
    latest = max((v.validated_at for v in versions), default=None)
    return render_html(
        TEMPLATE,
        establishment=establishment,
        title=title,
        generated_at=generated_at,
        data_label=_("versions publiées au %(at)s") % {"at": local_day(latest)} if latest else "",
        versions=_prepared(establishment, versions),
        **context,
    )


class ServiceForm(forms.Form):
    service = forms.ChoiceField(
        label=gettext_lazy("Service"),
        error_messages={"invalid_choice": gettext_lazy("Aucune procédure pour ce service.")},
    )


class ProceduresDocument(PrintableDocument):
    """One service's procedures in force: one kit item per service (the parameter is the service's name)."""

    name = "procedures"
    title = gettext_lazy("Procédures dégradées")
    description = gettext_lazy("Les procédures en vigueur d'un service, chacune avec sa version et son QR code.")
    templates = (TEMPLATE,)
    form_class = ServiceForm
    required_capability = access.READ
    version = "2"
    kit_order = 20

    def form(self, establishment: Establishment | None, data=None) -> forms.Form:
        form = ServiceForm(data=data)
        if establishment is not None:
            form.fields["service"].choices = [(s["service"], s["service"]) for s in self.kit_params(establishment)]
        return form

    def label(self, establishment: Establishment, params: dict) -> str:
        return _("Procédures dégradées — %(service)s") % {"service": params["service"]}

    def kit_params(self, establishment: Establishment) -> list[dict]:
        versions = selectors.published_procedures(establishment).order_by()
        names = set(versions.values_list("procedure__service__name", flat=True))
        return [{"service": s} for s in sorted(names)]

    def _versions(self, establishment: Establishment, service: str) -> list:
        return list(selectors.published_procedures(establishment).filter(procedure__service__name=service))

    def data(self, establishment: Establishment, params: dict):
        return [console_origin(), _stamps(self._versions(establishment, params["service"]))]

    def items(self, establishment: Establishment, params_list: list[dict]) -> list[Item]:
        # One query for all services: the dashboard's freshness check plans the whole kit.
        by_service = defaultdict(list)
        for version in selectors.published_procedures(establishment):
            by_service[version.procedure.service.name].append(version)
        origin = console_origin()
        items = []
        for params in params_list:
            data = [origin, _stamps(by_service[params["service"]])]
            fp = self.fingerprint_of(establishment, params, data)
            items.append(Item(self.name, params, self.label(establishment, params), (Chunk(params, fp),)))
        return items

    def render(self, establishment: Establishment, params: dict, *, generated_at) -> Rendered:
        versions = self._versions(establishment, params["service"])
        return _render(
            self, establishment, self.label(establishment, params), versions, generated_at, service=params["service"]
        )


class ProcedureForm(forms.Form):
    procedure = forms.IntegerField(label=gettext_lazy("Procédure"), min_value=1, max_value=2**31 - 1)


class ProcedureDocument(PrintableDocument):
    """One procedure in force (its latest published version), printed from its page."""

    name = "procedure"
    title = gettext_lazy("Procédure")
    description = gettext_lazy("La dernière version publiée d'une procédure.")
    templates = (TEMPLATE,)
    form_class = ProcedureForm
    required_capability = access.READ

    def clean_params(self, establishment: Establishment, params: dict) -> dict:
        cleaned = super().clean_params(establishment, params)
        if not Procedure.objects.filter(pk=cleaned["procedure"], establishment=establishment, version__gt=0).exists():
            raise forms.ValidationError({"procedure": _("Aucune version publiée de cette procédure.")})
        return cleaned

    def _versions(self, establishment: Establishment, params: dict) -> list:
        return list(selectors.published_procedures(establishment).filter(procedure_id=params["procedure"]))

    def label(self, establishment: Establishment, params: dict) -> str:
        versions = self._versions(establishment, params)
        return versions[0].title if versions else str(self.title)

    def data(self, establishment: Establishment, params: dict):
        return [console_origin(), _stamps(self._versions(establishment, params))]

    def render(self, establishment: Establishment, params: dict, *, generated_at) -> Rendered:
        versions = self._versions(establishment, params)
        return _render(self, establishment, self.label(establishment, params), versions, generated_at)


class LibraryChunkForm(forms.Form):
    service = forms.CharField(required=False)


class LibraryDocument(PrintableDocument):
    """The whole library in force, service by service: one chunk per service, numbered once merged."""

    name = "procedure_library"
    title = gettext_lazy("Bibliothèque des procédures")
    description = gettext_lazy("Toutes les procédures en vigueur de l'établissement, service par service.")
    templates = (TEMPLATE,)
    required_capability = access.READ
    stamp_page_numbers = True
    weight = 5

    def chunks(self, establishment: Establishment, params: dict) -> list[dict]:
        versions = selectors.published_procedures(establishment).order_by()
        names = set(versions.values_list("procedure__service__name", flat=True))
        return [{"service": s} for s in sorted(names)] or [{"service": ""}]

    def item(self, establishment: Establishment, params: dict) -> Item:
        by_service = defaultdict(list)
        for version in selectors.published_procedures(establishment):
            by_service[version.procedure.service.name].append(version)
        origin = console_origin()
        chunks = tuple(
            Chunk(c, self.fingerprint_of(establishment, c, [origin, _stamps(by_service[c["service"]])]))
            for c in ([{"service": s} for s in sorted(by_service)] or [{"service": ""}])
        )
        return Item(self.name, params, self.label(establishment, params), chunks)

    def data(self, establishment: Establishment, params: dict):
        # A chunk's data is its service's versions: the same as item() computes for it.
        versions = selectors.published_procedures(establishment)
        if params.get("service") is not None:
            versions = versions.filter(procedure__service__name=params["service"])
        return [console_origin(), _stamps(versions)]

    def render(self, establishment: Establishment, params: dict, *, generated_at) -> Rendered:
        versions = selectors.published_procedures(establishment)
        if params.get("service") is not None:
            versions = versions.filter(procedure__service__name=params["service"])
        return _render(self, establishment, str(self.title), list(versions), generated_at, numbered=True)


class RestartPlanDocument(PrintableDocument):
    """The restart plan on paper, with a box to tick per application: the cell restarts without the map."""

    name = "restart_plan"
    title = gettext_lazy("Plan de redémarrage")
    description = gettext_lazy("L'ordre de redémarrage des applications, vague par vague, avec ce que chacune attend.")
    templates = ("pdf/restart_plan.html",)
    required_capability = access.READ

    def data(self, establishment: Establishment, params: dict):
        apps, deps = selectors.dependency_graph(establishment)
        return [
            [[a.pk, a.name, a.priority, a.rto_hours] for a in apps.values()],
            sorted((source, sorted(targets)) for source, targets in deps.items()),
        ]

    def render(self, establishment: Establishment, params: dict, *, generated_at) -> Rendered:
        return render_html(
            "pdf/restart_plan.html",
            establishment=establishment,
            title=str(self.title),
            generated_at=generated_at,
            plan=selectors.restart_plan(establishment),
        )


register(ProceduresDocument())
register(RestartPlanDocument())
register(ProcedureDocument())
register(LibraryDocument())
