"""What an app's documents.py imports to declare its printable documents, and nothing else.

    from printing.declare import PrintableDocument, register

    class MessageForm(PrintableDocument):
        name, title, templates, kit_order = "message_form", gettext_lazy("Formulaire de message"), ("pdf/message_form.html",), 61
        ...

    register(MessageForm())

A crisis document subclasses CrisisDocument (crisis_id in its parameters, checked
once); a collection of documents subclasses Collection. See printing/registry.py
for every attribute and hook.
"""

from crisis.permissions import Cap

from . import sheets
from .collections import Collection
from .registry import Chunk, CrisisDocument, Item, PrintableDocument, Rendered, Scope, register
from .render import BlankForm, local, local_day, render_html
from .sheets import Column

__all__ = [
    "BlankForm",
    "Cap",
    "Chunk",
    "Collection",
    "Column",
    "CrisisDocument",
    "Item",
    "PrintableDocument",
    "Rendered",
    "Scope",
    "local",
    "local_day",
    "register",
    "render_html",
    "sheets",
]
