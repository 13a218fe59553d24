"""Print jobs and the cache of rendered parts."""

import mimetypes
from pathlib import PurePosixPath

from django.conf import settings
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from crisis.models import Crisis, Establishment


class PrintJob(models.Model):
    """One print request and its outcome. Rendered by a Celery worker, never in a web request.

    ``document`` names a registered document: a plain one (the main courante) or a
    collection of others (the paper kit, the offline bundle). A job whose parts are
    not all in the cache fans out into child jobs, one per part, and is assembled
    when the last child finishes; a child has a parent and is never shown alone.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("En attente")
        RUNNING = "running", _("En cours")
        DONE = "done", _("Terminé")
        FAILED = "failed", _("Échoué")

    PENDING = (Status.QUEUED, Status.RUNNING)

    establishment = models.ForeignKey(Establishment, on_delete=models.CASCADE, related_name="print_jobs")
    crisis = models.ForeignKey(Crisis, null=True, blank=True, on_delete=models.CASCADE, related_name="print_jobs")
    document = models.CharField(_("document"), max_length=60)
    params = models.JSONField(_("paramètres"), default=dict, blank=True)
    title = models.CharField(_("intitulé"), max_length=250)
    # The title in every language of the console, computed at request time: shown in the reader's.
    titles = models.JSONField(default=dict, blank=True, editable=False)
    # The language the document is rendered in: the requester's (part of every fingerprint).
    language = models.CharField(_("langue"), max_length=10, default=settings.LANGUAGE_CODE)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("demandé par"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="print_jobs",
    )
    # The requester's capabilities when asked (null: the system, which may print everything):
    # a collection is assembled from the documents these allow.
    granted = models.JSONField(null=True, blank=True, editable=False)
    # Capabilities needed to see the job and download its file: those of the documents it holds.
    requires = models.JSONField(default=list, blank=True, editable=False)
    # Documents a collection left out for lack of a capability: [{"document": name, "capability": cap}].
    left_out = models.JSONField(default=list, blank=True, editable=False)
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
    worker = models.CharField(
        _("worker"), max_length=120, blank=True, help_text=_("Hôte et processus du dernier rendu.")
    )
    # Composite jobs: the parts to assemble, and whether children are still rendering.
    plan = models.JSONField(default=list, blank=True, editable=False)
    waiting_for_parts = models.BooleanField(default=False, editable=False)
    part = models.ForeignKey("RenderedPart", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    page_count = models.PositiveIntegerField(_("pages"), null=True, blank=True)
    file = models.FileField(_("fichier"), upload_to="print/%Y/%m/", blank=True)
    file_pruned_at = models.DateTimeField(_("fichier supprimé le"), null=True, blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    error = models.TextField(_("erreur"), blank=True)

    class Meta:
        verbose_name = _("impression")
        verbose_name_plural = _("impressions")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "dispatched_at"], name="printjob_status_dispatched"),
            models.Index(fields=["requested_by", "-created_at"], name="printjob_user_recent"),
            models.Index(fields=["establishment", "document", "status"], name="printjob_estab_document"),
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
    def display_title(self) -> str:
        """The title in the reader's language when it was recorded in it, else as requested."""
        return self.titles.get(translation.get_language() or "", self.title)

    @property
    def extension(self) -> str:
        return PurePosixPath(self.file.name).suffix.lstrip(".") if self.file else ""

    @property
    def content_type(self) -> str:
        return mimetypes.guess_type(self.file.name)[0] or "application/octet-stream"

    def progress(self) -> tuple[int, int]:
        """(parts done, parts in all): from the plan, once the worker has made it."""
        chunks = [chunk for entry in self.plan for chunk in entry["chunks"]]
        if not chunks:
            return (1, 1) if self.is_done else (0, 0)
        if self.is_done:
            return len(chunks), len(chunks)
        done_children = set(self.children.filter(status=self.Status.DONE).values_list("pk", flat=True))
        done = sum(1 for chunk in chunks if chunk["part"] or chunk["job"] in done_children)
        return done, len(chunks)


class RenderedPart(models.Model):
    """A rendered document part, cached by the fingerprint of what it shows.

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
        indexes = [models.Index(fields=["used_at"], name="rendered_part_used")]

    def __str__(self) -> str:
        return f"{self.document} {self.params} ({self.fingerprint[:8]})"
