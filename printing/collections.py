"""Collections: documents made of other documents, planned and cached part by part like any other.

The engine knows only this interface: ``member_items`` says which items make the
collection for an audience, ``assemble`` turns their rendered parts into one
file. The paper kit (one PDF with a cover) and the offline bundle (a zip with an
index) are two; an evidence file (a zip with a SHA-256 manifest, attachments
included) is a third subclass, with nothing to change here or in the worker.
"""

from datetime import datetime
from functools import partial

from django import forms
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from crisis.models import Establishment
from crisis.permissions import Cap

from . import assembly, registry
from .registry import Item, PrintableDocument


class Collection(PrintableDocument):
    is_collection = True

    def members(self) -> list[PrintableDocument]:
        """Every document the collection may hold, whoever asks (default: the paper kit's)."""
        return registry.kit_documents()

    def audience(self, granted: list[str] | None) -> tuple[list[str], list[dict]]:
        """(capabilities needed to read the result, documents left out for lack of one)."""
        included = [d for d in self.members() if registry.allowed(d, granted)]
        left_out = [
            {"document": d.name, "capability": d.required_capability}
            for d in self.members()
            if not registry.allowed(d, granted)
        ]
        requires = {Cap.READ, self.required_capability} | {d.required_capability for d in included}
        return sorted(requires), left_out

    def member_items(self, establishment: Establishment, params: dict, granted: list[str] | None) -> list[Item]:
        raise NotImplementedError

    def assemble(
        self, establishment: Establishment, title: str, items: list[assembly.AssembledItem], generated_at: datetime
    ) -> assembly.Output:
        raise NotImplementedError


class KitForm(forms.Form):
    only = forms.MultipleChoiceField(
        label=gettext_lazy("Seulement ces documents"),
        required=False,
        help_text=gettext_lazy("Clés des documents à réimprimer ; tout le kit si vide."),
        error_messages={"invalid_choice": gettext_lazy("Document inconnu dans ce kit.")},
    )


def _kit_choices(establishment: Establishment) -> list[tuple[str, str]]:
    return [(item.key, item.label) for item in registry.kit_items(establishment)]


class PaperKit(Collection):
    """Every kit document of the establishment in one PDF, with a cover and a table of contents."""

    name = "kit"
    title = gettext_lazy("Kit papier")
    templates = ("pdf/kit_cover.html",)
    form_class = KitForm

    def form(self, establishment: Establishment | None, data=None) -> forms.Form:
        form = KitForm(data=data)
        if establishment is not None:
            # Lazily: the print button only asks which fields are required, and the dashboard, which
            # has just listed the kit for its freshness, would otherwise list it a second time.
            form.fields["only"].choices = partial(_kit_choices, establishment)
        return form

    def clean_params(self, establishment: Establishment, params: dict) -> dict:
        if "only" in params and not params["only"]:
            raise ValidationError({"only": _("Choisissez au moins un document du kit.")})
        cleaned = super().clean_params(establishment, params)
        return {"only": sorted(set(cleaned["only"]))} if cleaned.get("only") else {}

    def label(self, establishment: Establishment, params: dict) -> str:
        title = f"{self.title} — {establishment.name}"
        if params.get("only"):
            count = len(params["only"])
            title += " " + (
                _("(%(count)s document à réimprimer)") if count == 1 else _("(%(count)s documents à réimprimer)")
            ) % {"count": count}
        return title

    def member_items(self, establishment: Establishment, params: dict, granted: list[str] | None) -> list[Item]:
        items = [i for i in registry.kit_items(establishment, granted) if registry.get(i.document).extension == "pdf"]
        if params.get("only"):
            items = [i for i in items if i.key in set(params["only"])]
        return items

    def assemble(self, establishment, title, items, generated_at) -> assembly.Output:
        return assembly.build_kit(establishment, title, items, generated_at)


class OfflineBundle(PaperKit):
    """A zip to copy onto USB keys: the whole kit, each document alone, and a static index.html."""

    name = "bundle"
    title = gettext_lazy("Paquet hors ligne du kit papier")
    templates = ("pdf/kit_cover.html", "pdf/bundle_index.html")
    extension = "zip"

    def member_items(self, establishment: Establishment, params: dict, granted: list[str] | None) -> list[Item]:
        items = registry.kit_items(establishment, granted)
        if params.get("only"):
            items = [i for i in items if i.key in set(params["only"])]
        return items

    def assemble(self, establishment, title, items, generated_at) -> assembly.Output:
        pdf_items = [item for item in items if item.extension == "pdf"]
        kit = assembly.build_kit(establishment, title, pdf_items, generated_at)
        kit_name = f"00-{slugify(_('kit papier complet'))}.pdf"
        files = [(kit_name, kit.content)]
        rows = [
            {
                "file": kit_name,
                "label": _("Kit papier complet (couverture et sommaire)"),
                "group": "",
                "data_label": "",
                "pages": kit.pages,
                "size": len(kit.content),
            }
        ]
        for index, item in enumerate(items, start=1):
            content = item.content()
            name = assembly.file_name(index, item.label, item.extension)
            files.append((name, content))
            rows.append(
                {
                    "file": name,
                    "label": item.label,
                    "group": item.group,
                    "data_label": item.data_label,
                    "pages": item.pages if item.extension == "pdf" else "",
                    "size": len(content),
                }
            )
        index_html = render_to_string(
            "pdf/bundle_index.html",
            {"establishment": establishment, "title": title, "generated_at": generated_at, "rows": rows},
        )
        files.append(("index.html", index_html.encode()))
        return assembly.Output(assembly.zip_archive(files), kit.pages, "zip")
