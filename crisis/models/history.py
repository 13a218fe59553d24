"""The history of every record that is not the journal, and the one way a stored value is shown as text."""

from collections.abc import Iterable
from datetime import date, datetime

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from web import moments

from .organisation import Establishment


class RecordChange(models.Model):
    """History of every record but the journal: who changed what, when, before and after.

    The journal is its own history (append-only); crises, RIDA lines, tickets,
    procedures and beds record each change here through the record kit (services.records).
    """

    class Action(models.TextChoices):
        CREATE = "create", _("création")
        UPDATE = "update", _("modification")
        DELETE = "delete", _("suppression")

    establishment = models.ForeignKey(Establishment, on_delete=models.PROTECT, related_name="+")
    content_type = models.ForeignKey("contenttypes.ContentType", on_delete=models.PROTECT, related_name="+")
    object_id = models.PositiveBigIntegerField()
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("par"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    source = models.CharField(_("source"), max_length=120, blank=True)  # an integration, when changed_by is empty
    changed_at = models.DateTimeField(_("le"), default=timezone.now)
    before = models.JSONField(_("avant"), default=dict, encoder=DjangoJSONEncoder)
    after = models.JSONField(_("après"), default=dict, encoder=DjangoJSONEncoder)

    class Meta:
        verbose_name = _("modification")
        verbose_name_plural = _("historique des modifications")
        ordering = ["-changed_at", "-pk"]
        indexes = [models.Index(fields=["content_type", "object_id", "changed_at"], name="history_of_record")]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.content_type.model} #{self.object_id}"

    def changes(self) -> list[tuple[str, str, str]]:
        """(field label, before, after) for display, in the record's own words (see ``shown``)."""
        model = self.content_type.model_class()
        related = related_labels(model, [self])
        rows = []
        for name in sorted(self.before.keys() | self.after.keys()):
            field = field_or_none(model, name)
            label = str(field.verbose_name) if field is not None else name
            rows.append(
                (label, shown(field, self.before.get(name), related), shown(field, self.after.get(name), related))
            )
        return rows


# --- showing values: the one function, used by histories, journals, the API and documents ---


def label_of(obj) -> str:
    """How a related record is named: a person by their full name (or login), anything else by its str()."""
    if hasattr(obj, "get_full_name"):
        return obj.get_full_name() or obj.get_username()
    return str(obj)


def _moment(value) -> datetime | None:
    moment = parse_datetime(value) if isinstance(value, str) else value
    if not isinstance(moment, datetime):
        return None
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, timezone.get_default_timezone())
    return moment


def shown(field: models.Field | None, value, related: dict | None = None) -> str:
    """A value, live or as stored in a history row (JSON), as a person reads it.

    Choice labels; times in the local time zone (Europe/Paris); oui/non; the
    related record's name (from `related`, {(model, pk): label}, when the caller
    fetched them in bulk), or its number when it was deleted; a dash for empty.
    """
    if value is None or value == "" or value == [] or value == {}:
        return "—"
    if field is not None and field.is_relation:
        pk = value.pk if isinstance(value, models.Model) else value
        if related is not None and (field.related_model, pk) in related:
            return related[(field.related_model, pk)]
        obj = value if isinstance(value, models.Model) else field.related_model._base_manager.filter(pk=pk).first()
        return label_of(obj) if obj is not None else gettext("n° %(pk)s (supprimé)") % {"pk": pk}
    if field is not None and field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return gettext("oui") if value else gettext("non")
    if isinstance(field, models.DateTimeField) or isinstance(value, datetime):
        if (moment := _moment(value)) is not None:
            return moments.moment(moment, "date_time")
    if isinstance(field, models.DateField) or isinstance(value, date):
        day = parse_date(value) if isinstance(value, str) else value
        if isinstance(day, date):
            return moments.moment(day, "date")
    if isinstance(value, list | tuple):
        return ", ".join(str(item) for item in value)
    return str(value)


def field_or_none(model, name: str) -> models.Field | None:
    """The model's field of this name, or None when it no longer exists (old history rows)."""
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return None


def related_labels(model, changes: Iterable[RecordChange]) -> dict:
    """{(related model, pk): label} for every related value in these changes, one query per related model."""
    wanted: dict = {}
    for change in changes:
        for name, value in [*change.before.items(), *change.after.items()]:
            field = field_or_none(model, name)
            if field is not None and field.is_relation and value is not None:
                wanted.setdefault(field.related_model, set()).add(value)
    labels = {}
    for related_model, pks in wanted.items():
        for pk, obj in related_model._base_manager.in_bulk(pks).items():
            labels[(related_model, pk)] = label_of(obj)
    return labels
