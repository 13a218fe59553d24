"""Reads of recorded changes: a record's history, each value shown by the one function (models.history.shown)."""

from dataclasses import dataclass
from datetime import datetime

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import QuerySet

from ..models import RecordChange
from ..models.history import field_or_none, label_of, related_labels, shown


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


def record_history(obj: models.Model) -> list[HistoryRow]:
    """The record's history, newest first, one row per changed field, values as a person reads them.

    Three queries whatever its length: the changes with their authors, then the
    related records they name, one query per related model.
    """
    model = type(obj)
    changes = list(history_of(obj).order_by("-changed_at", "-pk"))
    related = related_labels(model, changes)
    rows = []
    for change in changes:
        by = change.changed_by
        by_label = label_of(by) if by is not None else change.source
        for name in sorted(change.before.keys() | change.after.keys()):
            field = field_or_none(model, name)
            before, after = change.before.get(name), change.after.get(name)
            rows.append(
                HistoryRow(
                    at=change.changed_at,
                    by_id=change.changed_by_id,
                    by_label=by_label,
                    action=change.action,
                    field=name,
                    label=str(field.verbose_name) if field is not None else name,
                    before=before,
                    after=after,
                    before_shown=shown(field, before, related),
                    after_shown=shown(field, after, related),
                )
            )
    return rows
