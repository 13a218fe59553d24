"""Continuity: degraded-mode procedures and the bed inventory.

Procedures and beds are kept minimal here (what the paper kit prints); their
histories, tests and the bed map arrive with their own issues. Both point at the
establishment's one list of services and units (crisis.models.Service).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from django.core.validators import MaxValueValidator, MinValueValidator

from crisis.models import Establishment, Service

APPLICATIONS_TOPIC = "applications"  # the establishment's map: applications and their dependencies


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


class Application(models.Model):
    """An application (or a piece of infrastructure) of the establishment's map, with what it depends on."""

    class Kind(models.TextChoices):
        APPLICATION = "application", _("application")
        INFRASTRUCTURE = "infrastructure", _("infrastructure")

    class Hosting(models.TextChoices):
        ON_SITE = "sur_site", _("sur site")
        GHT = "ght", _("GHT")
        EXTERNAL = "hebergeur", _("hébergeur externe")

    class Criticality(models.TextChoices):
        VITAL = "vitale", _("vitale")
        HIGH = "haute", _("haute")
        MEDIUM = "moyenne", _("moyenne")
        LOW = "basse", _("basse")

    live_topic = APPLICATIONS_TOPIC

    establishment = models.ForeignKey(Establishment, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("nom"), max_length=120)
    kind = models.CharField(_("nature"), max_length=20, choices=Kind.choices, default=Kind.APPLICATION)
    vendor = models.CharField(_("éditeur"), max_length=120, blank=True)
    purpose = models.CharField(_("usage"), max_length=300, blank=True)
    services = models.ManyToManyField(Service, verbose_name=_("services utilisateurs"), blank=True, related_name="+")
    hosting = models.CharField(_("hébergement"), max_length=20, choices=Hosting.choices, default=Hosting.ON_SITE)
    criticality = models.CharField(
        _("criticité"), max_length=20, choices=Criticality.choices, default=Criticality.MEDIUM
    )
    priority = models.PositiveSmallIntegerField(
        _("priorité de redémarrage"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(4)],
        help_text=_("1 : redémarre en premier ; 4 : en dernier."),
    )
    rto_hours = models.PositiveIntegerField(_("RTO (heures)"), null=True, blank=True)
    rpo_hours = models.PositiveIntegerField(_("RPO (heures)"), null=True, blank=True)
    depends_on = models.ManyToManyField(
        "self", verbose_name=_("dépend de"), symmetrical=False, blank=True, related_name="dependents"
    )
    backup_verified_at = models.DateField(_("sauvegarde vérifiée le"), null=True, blank=True)
    backup_verified_by = models.CharField(_("sauvegarde vérifiée par"), max_length=120, blank=True)
    updated_at = models.DateTimeField(_("modifiée le"), auto_now=True)

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["priority", "name"]
        constraints = [
            models.UniqueConstraint(fields=["establishment", "name"], name="application_name_unique_per_estab"),
            models.CheckConstraint(
                condition=models.Q(priority__gte=1, priority__lte=4), name="application_priority_1_to_4"
            ),
        ]

    def __str__(self) -> str:
        return self.name
