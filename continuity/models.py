"""Continuity: degraded-mode procedures, the bed inventory, and the print pipeline.

Procedures and beds are kept minimal here (what the paper kit prints); their
histories, tests and the bed map arrive with their own issues.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from crisis.models import Crisis, Establishment


class DegradedProcedure(models.Model):
    """A service's way of working without IT (PCRA sheet), printed in the paper kit."""

    establishment = models.ForeignKey(Establishment, on_delete=models.CASCADE, related_name="procedures")
    service = models.CharField(_("service"), max_length=120)
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
        ordering = ["service", "title"]
        indexes = [models.Index(fields=["establishment", "service"], name="procedure_estab_service")]

    def __str__(self) -> str:
        return f"{self.service} — {self.title}"


class CareUnit(models.Model):
    """A care unit and its beds: enough for the blank bed census sheets."""

    establishment = models.ForeignKey(Establishment, on_delete=models.CASCADE, related_name="care_units")
    name = models.CharField(_("unité"), max_length=120)
    code = models.CharField(_("code"), max_length=20, blank=True)
    location = models.CharField(_("localisation"), max_length=120, blank=True)
    position = models.PositiveIntegerField(_("ordre"), default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("unité de soins")
        verbose_name_plural = _("unités de soins")
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class Bed(models.Model):
    unit = models.ForeignKey(CareUnit, on_delete=models.CASCADE, related_name="beds")
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


class PrintJob(models.Model):
    """One print request and its outcome. Rendered by a Celery worker, never in a web request.

    A job is a document, a paper kit or an offline bundle; kits and multi-part
    documents fan out into PART children (one per stale part) and are assembled
    when the last child finishes.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("En attente")
        RUNNING = "running", _("En cours")
        DONE = "done", _("Terminé")
        FAILED = "failed", _("Échoué")

    class Kind(models.TextChoices):
        DOCUMENT = "document", _("Document")
        KIT = "kit", _("Kit papier")
        BUNDLE = "bundle", _("Paquet hors ligne")
        PART = "part", _("Partie de document")

    PENDING = (Status.QUEUED, Status.RUNNING)

    establishment = models.ForeignKey(Establishment, on_delete=models.CASCADE, related_name="print_jobs")
    crisis = models.ForeignKey(Crisis, null=True, blank=True, on_delete=models.CASCADE, related_name="print_jobs")
    kind = models.CharField(_("nature"), max_length=10, choices=Kind.choices, default=Kind.DOCUMENT)
    document = models.CharField(_("document"), max_length=60, blank=True)
    params = models.JSONField(_("paramètres"), default=dict, blank=True)
    title = models.CharField(_("intitulé"), max_length=250)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("demandé par"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="print_jobs",
    )
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="children")
    status = models.CharField(_("état"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    created_at = models.DateTimeField(_("demandé le"), auto_now_add=True)
    # When the broker took the message the job waits for (its render; its assembly while it waits
    # for its parts). Null: not published (broker down), the sweeper sends it on its next run.
    dispatched_at = models.DateTimeField(_("envoyé au worker le"), null=True, blank=True)
    started_at = models.DateTimeField(_("commencé le"), null=True, blank=True)
    finished_at = models.DateTimeField(_("terminé le"), null=True, blank=True)
    duration = models.DurationField(_("durée"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("tentatives"), default=0)
    # Composite jobs: the parts to assemble, and whether children are still rendering.
    plan = models.JSONField(default=list, blank=True, editable=False)
    waiting_for_parts = models.BooleanField(default=False, editable=False)
    part = models.ForeignKey("RenderedPart", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    page_count = models.PositiveIntegerField(_("pages"), null=True, blank=True)
    file = models.FileField(_("fichier"), upload_to="print/%Y/%m/", blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    error = models.TextField(_("erreur"), blank=True)

    class Meta:
        verbose_name = _("impression")
        verbose_name_plural = _("impressions")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "dispatched_at"], name="printjob_status_dispatched"),
            models.Index(fields=["requested_by", "-created_at"], name="printjob_user_recent"),
            models.Index(fields=["establishment", "kind", "status"], name="printjob_estab_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.get_status_display()})"

    @property
    def is_pending(self) -> bool:
        return self.status in self.PENDING

    @property
    def is_done(self) -> bool:
        return self.status == self.Status.DONE

    @property
    def extension(self) -> str:
        return "zip" if self.kind == self.Kind.BUNDLE else "pdf"


class RenderedPart(models.Model):
    """A rendered document part, cached by the fingerprint of the data it shows.

    A kit rebuilt after one change re-renders only the parts whose fingerprint
    changed and assembles the rest from here.
    """

    establishment = models.ForeignKey(Establishment, on_delete=models.CASCADE, related_name="rendered_parts")
    document = models.CharField(max_length=60)
    params_key = models.CharField(max_length=64)
    params = models.JSONField(default=dict)
    fingerprint = models.CharField(max_length=64)
    file = models.FileField(upload_to="print/parts/%Y/%m/")
    page_count = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    data_label = models.CharField(max_length=120, blank=True)
    rendered_at = models.DateTimeField(auto_now_add=True)
    used_at = models.DateTimeField(auto_now_add=True)
    duration = models.DurationField(null=True)

    class Meta:
        verbose_name = _("partie rendue")
        verbose_name_plural = _("parties rendues")
        constraints = [
            # Per establishment: a part is never shared with another one, even with the same name and data.
            models.UniqueConstraint(
                fields=["establishment", "document", "params_key", "fingerprint"], name="rendered_part_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.document} {self.params} ({self.fingerprint[:8]})"
