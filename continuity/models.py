"""Continuity: degraded-mode procedures and the bed inventory.

Procedures and beds are kept minimal here (what the paper kit prints); their
histories, tests and the bed map arrive with their own issues. Both point at the
establishment's one list of services and units (crisis.models.Service).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from crisis.models import Establishment, Service


class DegradedProcedure(models.Model):
    """A service's way of working without IT (PCRA sheet), printed in the paper kit."""

    establishment = models.ForeignKey(Establishment, on_delete=models.CASCADE, related_name="procedures")
    service = models.ForeignKey(Service, verbose_name=_("service"), on_delete=models.PROTECT, related_name="procedures")
    title = models.CharField(_("intitulé"), max_length=200)
    owner = models.CharField(_("responsable"), max_length=200, blank=True)
    version = models.CharField(_("version"), max_length=20, default="1")
    reviewed_at = models.DateField(_("dernière revue"), null=True, blank=True)
    tested_at = models.DateField(_("dernier test"), null=True, blank=True)
    body = models.TextField(
        _("procédure"), help_text=_("Paragraphes séparés par une ligne vide ; « - » en début de ligne pour une liste.")
    )
    updated_at = models.DateTimeField(_("modifiée le"), auto_now=True)

    class Meta:
        verbose_name = _("procédure dégradée")
        verbose_name_plural = _("procédures dégradées")
        ordering = ["service__name", "title"]
        indexes = [models.Index(fields=["establishment", "service"], name="procedure_estab_service")]

    def __str__(self) -> str:
        return f"{self.service} — {self.title}"


class Bed(models.Model):
    """A bed of a care unit (a service of the core list that has beds): enough for the blank census sheets."""

    unit = models.ForeignKey(
        Service,
        verbose_name=_("unité"),
        on_delete=models.PROTECT,
        related_name="beds",
        limit_choices_to={"has_beds": True},
    )
    label = models.CharField(_("lit"), max_length=20, help_text=_("Chambre et lit, par ex. 112-A."))
    position = models.PositiveIntegerField(_("ordre"), default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("lit")
        verbose_name_plural = _("lits")
        ordering = ["position", "label"]
        constraints = [models.UniqueConstraint(fields=["unit", "label"], name="bed_label_unique_per_unit")]

    def __str__(self) -> str:
        return f"{self.unit} {self.label}"
