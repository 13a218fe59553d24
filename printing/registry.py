"""The document registry: every printable document, declared once in its app's documents.py.

A document has a name, a scope (an establishment, or one of its crises), the
capability a reader needs, a form for its parameters, the templates it renders,
a renderer (parameters in, HTML or finished bytes out) and the data it shows.
The fingerprint of a part is made by the mechanism from that data, the sources
of the templates (with what they extend and include), the print stylesheet and
the language: a kit rebuilt after a change re-renders only the parts whose
fingerprint moved. A document may split into chunks that render in parallel
and are merged.
"""

import hashlib
import json
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext as _

from crisis.models import Crisis, Establishment
from crisis.permissions import Cap

from . import engine


def canonical(params: dict) -> str:
    return json.dumps(params, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)


def params_key(document: str, params: dict) -> str:
    return hashlib.sha256(f"{document}\n{canonical(params)}".encode()).hexdigest()


def digest(*parts) -> str:
    """SHA-256 of JSON-able parts: the building block of every fingerprint."""
    return hashlib.sha256(canonical(list(parts)).encode()).hexdigest()


class Scope:
    ESTABLISHMENT = "establishment"
    CRISIS = "crisis"  # params carry crisis_id


@dataclass(frozen=True)
class Chunk:
    params: dict
    fingerprint: str


@dataclass(frozen=True)
class Item:
    """One entry of a collection, downloadable alone: a document with its parameters."""

    document: str
    params: dict
    label: str
    chunks: tuple[Chunk, ...] = field(default=())

    @property
    def key(self) -> str:
        return params_key(self.document, self.params)[:16]

    @property
    def fingerprint(self) -> str:
        return digest([c.fingerprint for c in self.chunks])


@dataclass
class Rendered:
    """What a renderer returns: HTML (laid out by the engine) or finished bytes (``content``)."""

    html: str = ""
    content: bytes = b""
    data_label: str = ""  # "version 3 du 12/03", "données du 12/03 à 14:05": shown in the footer


_rendering: ContextVar["PrintableDocument | None"] = ContextVar("rendering", default=None)


@contextmanager
def rendering(document: "PrintableDocument") -> Iterator[None]:
    """While a document renders, render_html refuses templates it did not declare (they would escape its fingerprint)."""
    token = _rendering.set(document)
    try:
        yield
    finally:
        _rendering.reset(token)


def document_rendering() -> "PrintableDocument | None":
    return _rendering.get()


class PrintableDocument:
    """Subclass, set the attributes, and register an instance with ``register``."""

    name: str = ""
    title = ""
    description = ""  # one sentence for the pages that offer it
    scope = Scope.ESTABLISHMENT
    required_capability = Cap.READ  # to request it, see its job and download its file
    templates: tuple[str, ...] = ()  # every template render() uses; their sources are in the fingerprint
    form_class: type[forms.Form] | None = None  # its parameters (none by default)
    # A document about one record (a meeting's relevé) prints from that record's page: the name of
    # the crisis page that lists them, which the printing page links to instead of a bare button.
    printed_from = ""
    extension = "pdf"  # another extension: render() returns Rendered(content=...), never merged into a PDF
    stamp_page_numbers = False  # "page x / y" stamped on the merged chunks (their own counters are off)
    version = "1"  # bump when the output changes in a way neither data nor templates show
    kit_order: int | None = None  # None: not part of the paper kit
    weight = 1  # rough render cost; heavy parts are dispatched first
    is_collection = False

    # --- parameters -------------------------------------------------------------------

    def form(self, establishment: Establishment | None, data=None) -> forms.Form:
        """The form of the parameters (establishment None: to describe it, as the API does)."""
        return (self.form_class or forms.Form)(data=data)

    def clean_params(self, establishment: Establishment, params: dict) -> dict:
        form = self.form(establishment, data=params)
        unknown = sorted(set(params) - set(form.fields))
        if unknown:
            if not form.fields:
                raise ValidationError({"params": _("Ce document ne prend pas de paramètre.")})
            raise ValidationError({"params": _("Paramètre inconnu : %(names)s.") % {"names": ", ".join(unknown)}})
        if not form.is_valid():
            raise ValidationError(form.errors.as_data())
        return json.loads(canonical(form.cleaned_data))  # what a JSONField stores, and a fingerprint hashes

    def parameters(self) -> list[dict]:
        """The parameters, described for the API's list of documents."""
        described = []
        for name, form_field in self.form(None).fields.items():
            entry = {
                "name": name,
                "label": str(form_field.label or name),
                "type": type(form_field).__name__.removesuffix("Field").lower(),
                "required": form_field.required,
                "help_text": str(form_field.help_text or ""),
            }
            if getattr(form_field, "choices", None):
                entry["choices"] = [str(value) for value, _label in form_field.choices if value != ""]
            described.append(entry)
        return described

    # --- planning -----------------------------------------------------------------------

    def label(self, establishment: Establishment, params: dict) -> str:
        return str(self.title)

    def kit_params(self, establishment: Establishment) -> list[dict]:
        return [{}] if self.kit_order is not None else []

    def chunks(self, establishment: Establishment, params: dict) -> list[dict]:
        return [params]

    def data(self, establishment: Establishment, params: dict):
        """What the fingerprint hashes of the data: every value the document shows."""
        return None

    def fingerprint(self, establishment: Establishment, params: dict) -> str:
        return self.fingerprint_of(establishment, params, self.data(establishment, params))

    def fingerprint_of(self, establishment: Establishment, params: dict, data) -> str:
        """The one fingerprint formula; documents that batch their queries (items()) pass their data here.

        The establishment's id, not only its name: two establishments may share a name and the
        same data, and a rendered part must never be served to another establishment. The
        language is the active one: the worker renders and plans in the job's.
        """
        return digest(
            self.name,
            self.version,
            engine.style_version(),
            engine.templates_digest(self.templates),
            translation.get_language(),
            establishment.pk,
            establishment.name,
            params,
            data,
        )

    def items(self, establishment: Establishment, params_list: list[dict]) -> list[Item]:
        """Plan several items at once; documents with many items override this to batch their queries."""
        return [self.item(establishment, params) for params in params_list]

    def item(self, establishment: Establishment, params: dict) -> Item:
        chunks = tuple(Chunk(c, self.fingerprint(establishment, c)) for c in self.chunks(establishment, params))
        return Item(self.name, params, self.label(establishment, params), chunks)

    def render(self, establishment: Establishment, params: dict, *, generated_at: datetime) -> Rendered:
        raise NotImplementedError

    def crisis_of(self, establishment: Establishment, params: dict) -> Crisis | None:
        return None

    def audience(self, granted: list[str] | None) -> tuple[list[str], list[dict]]:
        """(capabilities needed to read the job, documents left out): collections leave some out."""
        return sorted({Cap.READ, self.required_capability}), []

    def assemble(self, establishment: Establishment, title: str, items: list, generated_at: datetime):
        """One item, its chunks merged (and numbered): the job's file."""
        from .assembly import Output

        (item,) = items
        return Output(item.content(), item.pages if self.extension == "pdf" else None, self.extension)


class CrisisDocument(PrintableDocument):
    """A document about one crisis: ``crisis_id`` in its parameters, checked to be of the establishment.

    The crisis's title, phase, exercise flag and closure are in the fingerprint and the
    label; render() gets the crisis with ``self.crisis_of(establishment, params)``.
    """

    scope = Scope.CRISIS

    def clean_params(self, establishment: Establishment, params: dict) -> dict:
        params = dict(params)
        try:
            crisis_id = int(params.pop("crisis_id"))
        except (KeyError, TypeError, ValueError):
            raise ValidationError({"crisis_id": _("Crise inconnue.")}) from None
        if not Crisis.objects.filter(pk=crisis_id, establishment=establishment).exists():
            raise ValidationError({"crisis_id": _("Crise inconnue.")})
        return {"crisis_id": crisis_id, **super().clean_params(establishment, params)}

    def crisis_of(self, establishment: Establishment, params: dict) -> Crisis:
        return Crisis.objects.get(pk=params["crisis_id"], establishment=establishment)

    def label(self, establishment: Establishment, params: dict) -> str:
        return _("%(document)s — %(crisis)s") % {
            "document": self.title,
            "crisis": self.crisis_of(establishment, params).title,
        }

    def crisis_data(self, crisis: Crisis) -> list:
        return [crisis.pk, crisis.title, crisis.phase, crisis.is_exercise, str(crisis.closed_at)]

    def fingerprint_of(self, establishment: Establishment, params: dict, data) -> str:
        crisis = self.crisis_of(establishment, params)
        return super().fingerprint_of(establishment, params, [self.crisis_data(crisis), data])


_registry: dict[str, PrintableDocument] = {}


class UnknownDocument(LookupError):
    pass


def register(document: PrintableDocument) -> PrintableDocument:
    if not document.name:
        raise ValueError("A printable document needs a name")
    if document.name in _registry and type(_registry[document.name]) is not type(document):
        raise ValueError(f"Document {document.name!r} is already registered")
    _registry[document.name] = document
    return document


def unregister(name: str) -> None:
    _registry.pop(name, None)


def get(name: str) -> PrintableDocument:
    try:
        return _registry[name]
    except KeyError:
        raise UnknownDocument(name) from None


def all_documents() -> list[PrintableDocument]:
    return sorted(_registry.values(), key=lambda d: (d.scope, d.kit_order is None, d.kit_order or 0, d.name))


def documents_of_scope(scope: str) -> list[PrintableDocument]:
    return [d for d in all_documents() if d.scope == scope]


def allowed(document: PrintableDocument, granted: list[str] | None) -> bool:
    """None: the system (the nightly kit), which may print everything."""
    return granted is None or document.required_capability in granted


def kit_documents(granted: list[str] | None = None) -> list[PrintableDocument]:
    kit = sorted((d for d in _registry.values() if d.kit_order is not None), key=lambda d: (d.kit_order, d.name))
    return [d for d in kit if allowed(d, granted)]


def kit_items(establishment: Establishment, granted: list[str] | None = None) -> list[Item]:
    """Every item of the establishment's kit this audience may read, in kit order, with current fingerprints."""
    items: list[Item] = []
    for document in kit_documents(granted):
        params_list = document.kit_params(establishment)
        if params_list:
            items.extend(document.items(establishment, params_list))
    return items
