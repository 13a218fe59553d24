"""Each app declares its printable documents here, from its own documents.py.

A document has a name, a renderer (parameters in, HTML or PDF bytes out) and a
fingerprint telling what data it depends on: a kit rebuilt after a change
re-renders only the parts whose fingerprint moved. A document may split into
chunks (a long directory) that render in parallel and are merged.
"""

import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from crisis.models import Establishment

from .engine import style_version


def canonical(params: dict) -> str:
    return json.dumps(params, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)


def params_key(document: str, params: dict) -> str:
    return hashlib.sha256(f"{document}\n{canonical(params)}".encode()).hexdigest()


def digest(*parts) -> str:
    """SHA-256 of JSON-able parts: the building block of every fingerprint."""
    return hashlib.sha256(canonical(list(parts)).encode()).hexdigest()


@dataclass(frozen=True)
class Chunk:
    params: dict
    fingerprint: str

    @property
    def key(self) -> str:
        return self.params.get("_chunk_key") or canonical(self.params)


@dataclass(frozen=True)
class Item:
    """One entry of the kit, downloadable alone: a document with its parameters."""

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
    """What a renderer returns: HTML (laid out by the engine) or finished PDF bytes."""

    html: str = ""
    pdf: bytes = b""
    data_label: str = ""  # "version 3 du 12/03", "données du 12/03 à 14:05": shown in the footer


class PrintableDocument:
    """Subclass, set the attributes, and register an instance with ``register``."""

    name: str = ""
    title = ""
    scope = "establishment"  # or "crisis": params carry crisis_id
    version = "1"  # bump when the template changes in a way the style hash misses
    kit_order: int | None = None  # None: not part of the paper kit
    weight = 1  # rough render cost; heavy parts are dispatched first

    def clean_params(self, establishment: Establishment, params: dict) -> dict:
        if params:
            raise ValidationError({"params": _("Ce document ne prend pas de paramètre.")})
        return {}

    def label(self, establishment: Establishment, params: dict) -> str:
        return str(self.title)

    def kit_params(self, establishment: Establishment) -> list[dict]:
        return [{}] if self.kit_order is not None else []

    def chunks(self, establishment: Establishment, params: dict) -> list[dict]:
        return [params]

    def data(self, establishment: Establishment, params: dict):
        """What the fingerprint hashes: every value the document shows."""
        return None

    def fingerprint(self, establishment: Establishment, params: dict) -> str:
        return self.fingerprint_of(establishment, params, self.data(establishment, params))

    def fingerprint_of(self, establishment: Establishment, params: dict, data) -> str:
        """The one fingerprint formula; documents that batch their queries (items()) pass their data here.

        The establishment's id, not only its name: two establishments may share a name and the
        same data, and a rendered part must never be served to another establishment.
        """
        return digest(self.name, self.version, style_version(), establishment.pk, establishment.name, params, data)

    def items(self, establishment: Establishment, params_list: list[dict]) -> list[Item]:
        """Plan several items at once; documents with many items override this to batch their queries."""
        return [self.item(establishment, params) for params in params_list]

    def item(self, establishment: Establishment, params: dict) -> Item:
        chunks = tuple(Chunk(c, self.fingerprint(establishment, c)) for c in self.chunks(establishment, params))
        return Item(self.name, params, self.label(establishment, params), chunks)

    def render(self, establishment: Establishment, params: dict, *, generated_at: datetime) -> Rendered:
        raise NotImplementedError


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


def get(name: str) -> PrintableDocument:
    try:
        return _registry[name]
    except KeyError:
        raise UnknownDocument(name) from None


def all_documents() -> list[PrintableDocument]:
    return list(_registry.values())


def kit_documents() -> list[PrintableDocument]:
    return sorted((d for d in _registry.values() if d.kit_order is not None), key=lambda d: (d.kit_order, d.name))


def kit_items(establishment: Establishment) -> list[Item]:
    """Every item of the establishment's kit, in kit order, with current fingerprints."""
    items: list[Item] = []
    for document in kit_documents():
        params_list = document.kit_params(establishment)
        if params_list:
            items.extend(document.items(establishment, params_list))
    return items
