"""Histories of records: who changed what, when, from what to what.

Every record but the journal (the crisis record, RIDA lines, tickets,
applications, procedures, beds) changes through ``record_update``: it locks the
row, diffs against the locked values, saves, writes the history and, where
asked, the journal, and moves the live version, in one transaction.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import Crisis, Establishment, JournalEntry, RecordChange
from .journal import journal_append_for_cell


@dataclass(frozen=True)
class FieldChange:
    name: str
    label: str
    before: Any
    after: Any
    before_shown: str
    after_shown: str

    def __str__(self) -> str:
        return f"{self.label} : {self.before_shown} → {self.after_shown}"


def history_record(
    *, obj, establishment: Establishment, by, before: dict, after: dict, action: str = "update", source: str = ""
) -> RecordChange:
    """Keep one change of a record: who (a member, or an integration's name), when, the fields before and after."""
    return RecordChange.objects.create(
        establishment=establishment,
        content_type=ContentType.objects.get_for_model(obj),
        object_id=obj.pk,
        action=action,
        changed_by=by,
        source=source,
        before=before,
        after=after,
    )


def shown(field: models.Field, value) -> str:
    """A value as a person reads it: choice labels, local times, the related record's name."""
    if value in (None, ""):
        return "—"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, datetime):
        return timezone.localtime(value).strftime("%d/%m/%Y %H:%M")
    if isinstance(value, bool):
        return _("oui") if value else _("non")
    if field.is_relation:
        related = field.related_model._base_manager.filter(pk=value).first()
        return str(related) if related is not None else f"#{value}"
    return str(value)


def _raw(field: models.Field, value):
    """The stored value of a field given as an object or as a raw value (a related record or its id)."""
    if field.is_relation and isinstance(value, models.Model):
        return value.pk
    return value


def record_update(
    *,
    instance: models.Model,
    by,
    changes: dict,
    establishment_id: int,
    crisis: Crisis | None = None,
    validate: Callable[[models.Model], None] | None = None,
    journal: Callable[[list[FieldChange]], str] | None = None,
    journal_kind: str = JournalEntry.Kind.INFORMATION,
    journal_occurred_at: datetime | None = None,
    source: str = "",
) -> list[FieldChange]:
    """Apply `changes` to the record, keeping their history; returns what actually changed.

    The diff is taken against the row as locked, not the caller's copy: two
    members editing at once each get a history that says what they really
    changed. `validate` sees the locked row with the changes applied and may
    raise ValidationError: then nothing is saved. `journal` turns the changes
    into the text of a journal entry of `crisis`, dated `journal_occurred_at`
    when the change records a past event (a meeting entered afterwards). The live version of the
    record's scope moves with the save, so the pages showing it refresh.
    """
    model = type(instance)
    fields = {name: model._meta.get_field(name) for name in changes}
    with transaction.atomic():
        locked = model._base_manager.select_for_update().get(pk=instance.pk)
        diff = []
        for name, value in changes.items():
            field = fields[name]
            before, after = getattr(locked, field.attname), _raw(field, value)
            if before != after:
                diff.append((field, before, after))
                setattr(locked, field.attname, after)
        if validate is not None:
            validate(locked)
        if not diff:
            return []
        auto_now = [f.name for f in model._meta.concrete_fields if getattr(f, "auto_now", False)]
        locked.save(update_fields=[field.name for field, _b, _a in diff] + auto_now)
        changed = [
            FieldChange(field.name, str(field.verbose_name), before, after, shown(field, before), shown(field, after))
            for field, before, after in diff
        ]
        history_record(
            obj=locked,
            establishment=Establishment(pk=establishment_id),
            by=by,
            source=source,
            before={c.name: c.before for c in changed},
            after={c.name: c.after for c in changed},
        )
        if crisis is not None and journal is not None:
            journal_append_for_cell(
                crisis=crisis,
                by=by,
                source=source,
                kind=journal_kind,
                text=journal(changed),
                occurred_at=journal_occurred_at or timezone.now(),
            )
        _bump_scope(crisis, establishment_id)
    for field, _before, _after in diff:
        setattr(instance, field.attname, getattr(locked, field.attname))
    for name in auto_now:
        setattr(instance, name, getattr(locked, name))
    return changed


def _bump_scope(crisis: Crisis | None, establishment_id: int) -> None:
    if crisis is not None:
        Crisis.bump(crisis.pk)
    else:
        Establishment.bump(establishment_id)
