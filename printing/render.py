"""Shared helpers for document renderers: the common context of templates/pdf/base.html."""

from datetime import datetime

from django.template.loader import render_to_string
from django.utils import timezone

from crisis.models import Establishment

from .registry import Rendered


def local(value: datetime | None) -> str:
    return timezone.localtime(value).strftime("%d/%m/%Y à %H:%M") if value else ""


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
    html = render_to_string(
        template,
        {
            "establishment": establishment,
            "doc_title": title,
            "generated_at": generated_at,
            "data_label": data_label,
            "exercise": exercise,
            **context,
        },
    )
    return Rendered(html=html, data_label=data_label)
