"""The history of every record that is not the journal: one row per changed field."""

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _

from .organisation import Establishment


class RecordChange(models.Model):
    """History of every record but the journal: who changed what, when, before and after.

    The journal is its own history (append-only); crises, RIDA lines, tickets,
    procedures and beds record each change here through services.history_record.
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
        """(field label, before, after) for display, in the record's own words."""
        model = self.content_type.model_class()
        rows = []
        for name in sorted(self.before.keys() | self.after.keys()):
            try:
                field = model._meta.get_field(name)
            except FieldDoesNotExist:
                rows.append((name, _shown(self.before.get(name)), _shown(self.after.get(name))))
                continue
            rows.append(
                (str(field.verbose_name), _shown(self.before.get(name), field), _shown(self.after.get(name), field))
            )
        return rows


def _shown(value, field=None) -> str:
    if value in (None, ""):
        return "—"
    if field is not None and field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(field, models.DateTimeField) and isinstance(value, str) and (moment := parse_datetime(value)):
        if timezone.is_naive(moment):
            moment = timezone.make_aware(moment, timezone.get_default_timezone())
        return timezone.localtime(moment).strftime("%d/%m/%Y %H:%M")
    return str(value)
