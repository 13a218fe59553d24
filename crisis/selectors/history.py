"""Reads of recorded changes (a record's history)."""

from dataclasses import dataclass
from datetime import datetime

from django.contrib.contenttypes.models import ContentType
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from ..models import RecordChange


def history_of(obj) -> QuerySet:
    """Every recorded change of one record, newest first."""
    return RecordChange.objects.filter(
        content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk
    ).select_related("changed_by", "content_type")


@dataclass
class HistoryRow:
    at: datetime
    by_id: int | None
    by_label: str
    action: str
    field: str
    label: str
    before: object
    after: object
    before_shown: str
    after_shown: str


def rida_history(line) -> list[HistoryRow]:
    """The line's history, newest first, one row per changed field, values as a person reads them."""
    changes = list(history_of(line))
    related = _related_names(type(line), changes)
    rows = []
    for change in changes:
        by = change.changed_by
        by_label = (by.get_full_name() or by.username) if by else change.source
        for name in sorted(change.before.keys() | change.after.keys()):
            field_ = type(line)._meta.get_field(name)
            before, after = change.before.get(name), change.after.get(name)
            rows.append(
                HistoryRow(
                    at=change.changed_at,
                    by_id=change.changed_by_id,
                    by_label=by_label,
                    action=change.action,
                    field=name,
                    label=str(field_.verbose_name),
                    before=before,
                    after=after,
                    before_shown=_history_shown(field_, before, related),
                    after_shown=_history_shown(field_, after, related),
                )
            )
    return rows


def _related_names(model, changes: list[RecordChange]) -> dict:
    """{(related model, pk): name} for every related value in these changes, one query per related model."""
    wanted: dict = {}
    for change in changes:
        for name, value in [*change.before.items(), *change.after.items()]:
            field_ = model._meta.get_field(name)
            if field_.is_relation and value is not None:
                wanted.setdefault(field_.related_model, set()).add(value)
    names = {}
    for related_model, pks in wanted.items():
        for pk, obj in related_model._base_manager.in_bulk(pks).items():
            label = obj.get_full_name() or obj.get_username() if hasattr(obj, "get_full_name") else str(obj)
            names[(related_model, pk)] = label
    return names


def _history_shown(field_, value, related: dict) -> str:
    if value in (None, ""):
        return "—"
    if field_.is_relation:
        return related.get((field_.related_model, value), f"#{value}")
    if field_.choices:
        return str(dict(field_.flatchoices).get(value, value))
    if isinstance(value, str) and field_.get_internal_type() == "DateTimeField" and (moment := parse_datetime(value)):
        return timezone.localtime(moment).strftime("%d/%m/%Y %H:%M")
    return str(value)
