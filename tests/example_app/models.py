"""A service's instruction (consigne): an establishment's record that keeps its history."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from crisis.models import Establishment, Service

TOPIC = "consignes"  # its live topic: every page showing consignes follows it


class Consigne(models.Model):
    class Status(models.TextChoices):
        IN_FORCE = "en_vigueur", _("en vigueur")
        LIFTED = "levee", _("levée")

    live_topic = TOPIC  # what the record kit bumps in the record's establishment

    establishment = models.ForeignKey(Establishment, on_delete=models.CASCADE, related_name="+")
    service = models.ForeignKey(Service, verbose_name=_("service"), on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("consigne"), max_length=200)
    status = models.CharField(_("état"), max_length=20, choices=Status.choices, default=Status.IN_FORCE)
    updated_at = models.DateTimeField(_("modifiée le"), auto_now=True)

    class Meta:
        verbose_name = _("consigne de service")
        verbose_name_plural = _("consignes de service")
        ordering = ["service__position", "service__name", "pk"]

    def __str__(self) -> str:
        return self.title
