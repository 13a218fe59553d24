"""Shared helpers for document renderers: the common context of templates/pdf/base.html."""

from datetime import datetime

from django.core.exceptions import ImproperlyConfigured
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from crisis.models import Establishment
from web.moments import moment

from .registry import PrintableDocument, Rendered, document_rendering


def local(value: datetime | None) -> str:
    """A document's moment, date and time: 06/12/2026 à 17:37, 6 Dec 2026 at 17:37 (web.moments)."""
    return moment(value, "date_at_time")


def local_day(value: datetime | None) -> str:
    """A document's day, without the time: 06/12/2026, 6 Dec 2026."""
    return moment(value, "date")


def render_html(
    template: str,
    *,
    establishment: Establishment,
    title: str,
    generated_at: datetime,
    data_label: str = "",
    exercise: bool = False,
    **context,
) -> Rendered:
    document = document_rendering()
    if document is not None and template not in document.templates:
        # Its source would be missing from the fingerprint: edits to it would never re-render the part.
        raise ImproperlyConfigured(f"Document {document.name!r} renders {template!r}: add it to its templates.")
    html = render_to_string(
        template,
        {
            "establishment": establishment,
            "doc_title": title,
            "generated_at": generated_at,
            "data_label": data_label,
            "exercise": exercise,
            "stamped": bool(document and document.stamp_page_numbers),
            **context,
        },
    )
    return Rendered(html=html, data_label=data_label)


class BlankForm(PrintableDocument):
    """A blank form: its data is its template and the establishment's name (both in the fingerprint)."""

    def render(self, establishment: Establishment, params: dict, *, generated_at) -> Rendered:
        return render_html(
            self.templates[0],
            establishment=establishment,
            title=str(self.title),
            generated_at=generated_at,
            data_label=_("formulaire vierge v%(version)s") % {"version": self.version},
            **self.context(),
        )

    def context(self) -> dict:
        return {}
