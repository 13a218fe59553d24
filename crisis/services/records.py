"""The record kit: create, update and read the history of any record that keeps one, in either scope.

Every record but the journal (the crisis record, RIDA lines, meetings,
procedures, beds, tickets...) is created through ``record_create`` and changed
through ``record_update``. Each locks what it must, writes the record, its
history row (who, when, before, after) and, where asked, a journal entry, and
bumps the live topic of the record's scope (a crisis, or an establishment), in
one transaction. ``record_history`` reads it back, one row per changed field,
every value shown by ``shown``, the one function that turns a stored value
into text.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils import timezone

from .. import live
from ..models import Crisis, Establishment, JournalEntry, RecordChange
from ..models.history import shown
from ..selectors.history import HistoryRow, record_history
from .journal import journal_append_for_cell

# --- history rows -----------------------------------------------------------

# The kit, in one import: its writes here, its read (the history) with the selectors.
__all__ = ["FieldChange", "HistoryRow", "history_record", "record_create", "record_history", "record_update", "shown"]


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
    """Keep one change of a record: who (a member, or an integration's name), when, the fields before and after.

    Low level: records change through record_create and record_update, which call it.
    """
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


# --- the kit ----------------------------------------------------------------


def _raw(field: models.Field, value):
    """The stored value of a field given as an object or as a raw value (a related record or its id)."""
    if field.is_relation and isinstance(value, models.Model):
        return value.pk
    return value


def _scope(instance: models.Model, crisis: Crisis | None, establishment_id: int | None) -> Crisis | Establishment:
    """The scope whose live topic the record moves: the crisis given, the record itself, its crisis, its establishment."""
    if crisis is not None:
        return crisis
    if isinstance(instance, Crisis):
        return instance
    if establishment_id is None and getattr(instance, "crisis_id", None) is not None:
        return Crisis.objects.only("pk", "establishment_id").get(pk=instance.crisis_id)
    establishment_id = establishment_id or getattr(instance, "establishment_id", None)
    if establishment_id is None:
        raise TypeError(f"{type(instance).__name__} has no crisis nor establishment: give one")
    return Establishment(pk=establishment_id)


def _establishment_of(scope: Crisis | Establishment) -> Establishment:
    return Establishment(pk=scope.establishment_id) if isinstance(scope, Crisis) else scope


def _topic(model, topic: str | None) -> str:
    topic = topic or getattr(model, "live_topic", None)
    if not topic:
        raise TypeError(f"{model.__name__} declares no live_topic: give the topic its changes move")
    return topic


def created_values(instance: models.Model, fields: Iterable[str] | None = None) -> dict:
    """What a creation records: the given fields (by default every editable one), empty ones left out."""
    meta = instance._meta
    if fields is None:
        fields = [f.name for f in meta.concrete_fields if f.editable and not f.primary_key]
    values = {name: getattr(instance, meta.get_field(name).attname) for name in fields}
    return {name: value for name, value in values.items() if value not in (None, "")}


def record_create(
    *,
    instance: models.Model,
    by,
    crisis: Crisis | None = None,
    establishment_id: int | None = None,
    topic: str | None = None,
    fields: Iterable[str] | None = None,
    prepare: Callable[[models.Model], None] | None = None,
    validate: Callable[[models.Model], None] | None = None,
    saved: Callable[[models.Model], None] | None = None,
    journal: Callable[[models.Model], str] | None = None,
    journal_crisis: Crisis | None = None,
    journal_kind: str = JournalEntry.Kind.INFORMATION,
    journal_occurred_at: datetime | None = None,
    source: str = "",
) -> models.Model:
    """Save a new record with its "création" history row, in one transaction; returns it.

    `prepare` runs first inside the transaction (take a number under a lock,
    link a journal entry); `validate` sees the record ready to save and may
    raise ValidationError, then nothing is saved; `saved` runs after the save
    (many-to-many links). The history keeps `fields` (default: every editable
    field that has a value). `journal` turns the saved record into the text of
    an entry of `journal_crisis` (default: the record's crisis). The record's
    `topic` (default: its model's `live_topic`) moves in its scope.
    """
    model = type(instance)
    topic = _topic(model, topic)
    with transaction.atomic():
        if prepare is not None:
            prepare(instance)
        if validate is not None:
            validate(instance)
        instance.save(force_insert=True)
        if saved is not None:
            saved(instance)
        _keep(
            obj=instance,
            scope=_scope(instance, crisis, establishment_id),
            topic=topic,
            by=by,
            source=source,
            before={},
            after=created_values(instance, fields),
            action=RecordChange.Action.CREATE,
            journal_text=journal and (lambda: journal(instance)),
            journal_crisis=journal_crisis,
            journal_kind=journal_kind,
            journal_occurred_at=journal_occurred_at,
        )
    return instance


def record_update(
    *,
    instance: models.Model,
    by,
    changes: dict,
    crisis: Crisis | None = None,
    establishment_id: int | None = None,
    topic: str | None = None,
    derive: Callable[[models.Model, dict], dict] | None = None,
    validate: Callable[[models.Model], None] | None = None,
    journal: Callable[[list[FieldChange]], str] | None = None,
    journal_crisis: Crisis | None = None,
    journal_kind: str = JournalEntry.Kind.INFORMATION,
    journal_occurred_at: datetime | None = None,
    source: str = "",
) -> list[FieldChange]:
    """Apply `changes` to the record, keeping their history; returns what actually changed.

    The diff is taken against the row as locked, not the caller's copy: two
    members editing at once each get a history that says what they really
    changed. `derive(locked, changed)` computes the fields that follow from
    the change (who validated a closure, when an answer was given) from the
    locked row, never from the caller's copy: `changed` is {name: (before,
    after)} of what really changed, `locked` already carries the changes, and
    the fields it returns are applied and diffed the same way. `validate` sees
    the locked row with every change applied and may raise ValidationError:
    then nothing is saved. `journal` turns the changes into the text of a
    journal entry of `journal_crisis` (default: the record's crisis), dated
    `journal_occurred_at` when the change records a past event. The record's
    `topic` (default: its model's `live_topic`) moves in its scope (the crisis
    given, else the record's crisis or establishment), so the pages showing it
    refresh.
    """
    model = type(instance)
    topic = _topic(model, topic)
    with transaction.atomic():
        locked = model._base_manager.select_for_update().get(pk=instance.pk)
        diff = _apply(locked, changes, {})
        if derive is not None:
            derived = derive(locked, {field.name: (before, after) for field, before, after in diff.values()})
            diff = _apply(locked, derived, diff)
        if validate is not None:
            validate(locked)
        if not diff:
            return []
        auto_now = [f.name for f in model._meta.concrete_fields if getattr(f, "auto_now", False)]
        locked.save(update_fields=[field.name for field, _b, _a in diff.values()] + auto_now)
        changed = [
            FieldChange(field.name, str(field.verbose_name), before, after, shown(field, before), shown(field, after))
            for field, before, after in diff.values()
        ]
        _keep(
            obj=locked,
            scope=_scope(locked, crisis, establishment_id),
            topic=topic,
            by=by,
            source=source,
            before={c.name: c.before for c in changed},
            after={c.name: c.after for c in changed},
            action=RecordChange.Action.UPDATE,
            journal_text=journal and (lambda: journal(changed)),
            journal_crisis=journal_crisis,
            journal_kind=journal_kind,
            journal_occurred_at=journal_occurred_at,
        )
    for field, _before, _after in diff.values():
        setattr(instance, field.attname, getattr(locked, field.attname))
    for name in auto_now:
        setattr(instance, name, getattr(locked, name))
    return changed


def _keep(
    *,
    obj,
    scope,
    topic: str,
    by,
    source: str,
    before: dict,
    after: dict,
    action: str,
    journal_text: Callable[[], str] | None,
    journal_crisis: Crisis | None,
    journal_kind: str,
    journal_occurred_at: datetime | None,
) -> None:
    """What every write of a record leaves, inside its transaction: the history row, the journal
    entry where asked (in the record's crisis unless another is named), the bump of its topic."""
    history_record(
        obj=obj, establishment=_establishment_of(scope), by=by, source=source, before=before, after=after, action=action
    )
    journal_crisis = journal_crisis or (scope if isinstance(scope, Crisis) else None)
    if journal_text is not None and journal_crisis is not None:
        journal_append_for_cell(
            crisis=journal_crisis,
            by=by,
            source=source,
            kind=journal_kind,
            text=journal_text(),
            occurred_at=journal_occurred_at or timezone.now(),
        )
    live.bump(scope, topic)


def _apply(locked: models.Model, changes: dict, diff: dict) -> dict:
    """Set `changes` on the locked row; {name: (field, value locked, new value)} of what differs from it."""
    diff = dict(diff)
    for name, value in changes.items():
        field = locked._meta.get_field(name)
        after = _raw(field, value)
        before = diff[name][1] if name in diff else getattr(locked, field.attname)
        setattr(locked, field.attname, after)
        if before != after:
            diff[name] = (field, before, after)
        else:
            diff.pop(name, None)
    return diff
