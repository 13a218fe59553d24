"""Continuity: degraded-mode procedures and reflex sheets (PCRA), the application map and its
restart plan (PRA/PCRI), the crisis situation board, workarounds and the re-entry backlog.

A procedure is edited as a draft and published as numbered versions that are never changed.
Every other record changes through the core's record kit (history, live topic).
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from crisis.models import Crisis, Establishment, Service

APPLICATIONS_TOPIC = "applications"  # the establishment's map: applications and their dependencies
PROCEDURES_TOPIC = "procedures"  # the establishment's library of procedures
REENTRY_TOPIC = "reentry"  # the establishment's re-entry backlog
SITUATION_TOPIC = "situation"  # a crisis's application statuses
WORKAROUNDS_TOPIC = "workarounds"  # a crisis's workarounds


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


class Procedure(models.Model):
    """A service's procedure for one situation: its draft (title, body, triggers) and its published versions.

    The draft is what members edit; publishing copies it into a new ProcedureVersion, which is never
    changed. `version` is the number of the latest published version (0: never published).
    """

    class Kind(models.TextChoices):
        PROCEDURE = "procedure", _("procédure dégradée")
        REFLEX = "fiche_reflexe", _("fiche réflexe")

    class Status(models.TextChoices):
        DRAFT = "brouillon", _("brouillon")
        PUBLISHED = "publiee", _("publiée")

    live_topic = PROCEDURES_TOPIC

    establishment = models.ForeignKey(Establishment, on_delete=models.CASCADE, related_name="+")
    service = models.ForeignKey(Service, verbose_name=_("service"), on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("nature"), max_length=20, choices=Kind.choices, default=Kind.PROCEDURE)
    title = models.CharField(_("intitulé"), max_length=200)
    body = models.TextField(_("contenu (Markdown)"), max_length=50_000)
    trigger_applications = models.ManyToManyField(
        Application, verbose_name=_("déclenchée par la panne de"), blank=True, related_name="procedures"
    )
    owner = models.CharField(_("responsable"), max_length=200, blank=True)
    review_due = models.DateField(_("prochaine revue"), null=True, blank=True)
    tested_at = models.DateField(_("dernier exercice"), null=True, blank=True)
    status = models.CharField(_("état"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    version = models.PositiveIntegerField(_("version publiée"), default=0)
    validated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("validée par"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    validated_at = models.DateTimeField(_("validée le"), null=True, blank=True)
    updated_at = models.DateTimeField(_("modifiée le"), auto_now=True)

    class Meta:
        verbose_name = _("procédure")
        verbose_name_plural = _("procédures")
        ordering = ["service__position", "service__name", "kind", "title"]
        indexes = [models.Index(fields=["establishment", "service"], name="procedure_estab_svc")]

    def __str__(self) -> str:
        return self.title


class ProcedureVersion(models.Model):
    """A published version of a procedure, kept as it was published: never changed, never deleted."""

    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    kind = models.CharField(_("nature"), max_length=20, choices=Procedure.Kind.choices)
    service_name = models.CharField(_("service"), max_length=120)
    title = models.CharField(_("intitulé"), max_length=200)
    body = models.TextField(_("contenu (Markdown)"))
    triggers = models.JSONField(_("déclenchée par la panne de"), default=list)  # application names, as published
    owner = models.CharField(_("responsable"), max_length=200, blank=True)
    validated_by = models.ForeignKey(  # empty for a version carried over from before versions existed
        settings.AUTH_USER_MODEL,
        verbose_name=_("validée par"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    validated_at = models.DateTimeField(_("validée le"))
    review_due = models.DateField(_("prochaine revue"), null=True, blank=True)

    class Meta:
        verbose_name = _("version publiée")
        verbose_name_plural = _("versions publiées")
        ordering = ["procedure_id", "-number"]
        constraints = [models.UniqueConstraint(fields=["procedure", "number"], name="procedure_version_unique")]

    def __str__(self) -> str:
        return f"{self.title} (v{self.number})"


class ApplicationStatus(models.Model):
    """An application's status during one crisis: every change kept and written to the journal."""

    class Status(models.TextChoices):
        UP = "operationnel", _("opérationnel")
        DEGRADED = "degrade", _("dégradé")
        DOWN = "hors_service", _("hors service")
        NOT_CONCERNED = "non_concerne", _("non concerné")

    live_topic = SITUATION_TOPIC

    crisis = models.ForeignKey(Crisis, on_delete=models.CASCADE, related_name="+")
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="statuses")
    status = models.CharField(_("état"), max_length=20, choices=Status.choices)
    comment = models.CharField(_("commentaire"), max_length=500, blank=True)
    eta = models.DateTimeField(_("rétablissement estimé"), null=True, blank=True)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    class Meta:
        verbose_name = _("état d'une application")
        verbose_name_plural = _("états des applications")
        constraints = [
            models.UniqueConstraint(fields=["crisis", "application"], name="application_status_unique_per_crisis")
        ]

    def __str__(self) -> str:
        return f"{self.application_id}: {self.status}"


class Workaround(models.Model):
    """What was done instead (contournement): a taxi carrying imaging CDs, a 4G key for webmail..."""

    live_topic = WORKAROUNDS_TOPIC

    crisis = models.ForeignKey(Crisis, on_delete=models.CASCADE, related_name="+")
    service = models.ForeignKey(
        Service, verbose_name=_("service"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    application = models.ForeignKey(
        Application,
        verbose_name=_("application remplacée"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    description = models.CharField(_("contournement"), max_length=500)
    since = models.DateTimeField(_("depuis le"))
    until = models.DateTimeField(_("jusqu'au"), null=True, blank=True)
    cost = models.DecimalField(_("coût (€)"), max_digits=12, decimal_places=2, null=True, blank=True)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    class Meta:
        verbose_name = _("contournement")
        verbose_name_plural = _("contournements")
        ordering = ["-since", "-pk"]

    def __str__(self) -> str:
        return self.description


class ReentryKind(models.Model):
    """A kind of record to type back from paper after the crisis (billing acts, reports...), with its count."""

    live_topic = REENTRY_TOPIC

    establishment = models.ForeignKey(Establishment, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("nature"), max_length=120)
    total = models.PositiveIntegerField(_("à ressaisir"))
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    class Meta:
        verbose_name = _("ressaisie")
        verbose_name_plural = _("ressaisies")
        ordering = ["kind"]
        constraints = [models.UniqueConstraint(fields=["establishment", "kind"], name="reentry_kind_unique_per_estab")]

    def __str__(self) -> str:
        return self.kind


class ReentryDay(models.Model):
    """The entries typed back on one day for one kind."""

    live_topic = REENTRY_TOPIC

    reentry = models.ForeignKey(ReentryKind, on_delete=models.CASCADE, related_name="days")
    establishment = models.ForeignKey(Establishment, on_delete=models.CASCADE, related_name="+")
    day = models.DateField(_("jour"))
    count = models.PositiveIntegerField(_("saisies du jour"))

    class Meta:
        verbose_name = _("saisies d'un jour")
        verbose_name_plural = _("saisies par jour")
        ordering = ["-day"]
        constraints = [models.UniqueConstraint(fields=["reentry", "day"], name="reentry_day_unique")]
