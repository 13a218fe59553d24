"""The RIDA: points de situation, lines (informations, décisions, actions), decisions."""

import unicodedata
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from web.errors import RefusedWrite
from web.moments import moment

from .crises import Crisis
from .journal import JournalEntry
from .live import Topic


def search_key(*texts) -> str:
    """Lowercase text without accents, for accent-insensitive search on SQLite and PostgreSQL alike."""
    joined = " ".join(str(text) for text in texts if text)
    decomposed = unicodedata.normalize("NFKD", joined)
    return "".join(char for char in decomposed if not unicodedata.combining(char)).casefold()


class Meeting(models.Model):
    """A point de situation of the cell: 30 minutes at most, its agenda built from the RIDA."""

    live_topic = Topic.MEETINGS

    class Kind(models.TextChoices):
        CELLULE = "cellule", _("Cellule de crise")
        POINT_TECHNIQUE = "point_technique", _("Point technique quotidien")
        AUTRE = "autre", _("Autre")

    crisis = models.ForeignKey(Crisis, on_delete=models.PROTECT, related_name="meetings")
    kind = models.CharField(_("type de point"), max_length=20, choices=Kind.choices, default=Kind.CELLULE)
    title = models.CharField(_("intitulé"), max_length=200, blank=True)
    scheduled_at = models.DateTimeField(_("prévu le"))
    started_at = models.DateTimeField(_("ouvert à"), null=True, blank=True)
    ended_at = models.DateTimeField(_("clos à"), null=True, blank=True)
    max_minutes = models.PositiveSmallIntegerField(_("durée maximale (min)"), default=30)
    overrun_minutes = models.PositiveSmallIntegerField(_("dépassement (min)"), null=True, blank=True)
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("président"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    attendees = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("participants"), blank=True, related_name="meetings"
    )
    # Free-text guests (ANSSI, ARS, RSSI du GHT): people without an account.
    guests = models.JSONField(_("invités"), default=list, blank=True)
    agenda_items = models.JSONField(_("points divers"), default=list, blank=True)
    # The 08:30 technical point: ending one schedules the next day's at the same local time.
    repeats_daily = models.BooleanField(_("créneau quotidien"), default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)

    class Meta:
        verbose_name = _("point de situation")
        verbose_name_plural = _("points de situation")
        ordering = ["-scheduled_at"]
        indexes = [models.Index(fields=["crisis", "scheduled_at"], name="meeting_crisis_scheduled")]

    def __str__(self) -> str:
        label = self.title or self.get_kind_display()
        return f"{label} — {moment(self.scheduled_at, 'day_time')}"

    @property
    def is_running(self) -> bool:
        return self.started_at is not None and self.ended_at is None

    @property
    def planned_end(self):
        return (self.started_at or self.scheduled_at) + timedelta(minutes=self.max_minutes)

    @property
    def warn_at(self):
        """Five minutes before the end: 25 minutes into a 30-minute point."""
        return self.planned_end - timedelta(minutes=min(5, self.max_minutes))


class RidaLine(models.Model):
    """One line of the RIDA: an information, decision or action, its owner, due time, status and answer.

    Never deleted: a line is abandoned with a reason. Every change goes through
    services.record_update, so its history is the line's history.
    """

    live_topic = Topic.RIDA

    class Kind(models.TextChoices):
        INFORMATION = "information", _("Information")
        DECISION = "decision", _("Décision")
        ACTION = "action", _("Action")

    class Status(models.TextChoices):
        A_FAIRE = "a_faire", _("À faire")
        EN_COURS = "en_cours", _("En cours")
        FAIT = "fait", pgettext_lazy("statut d'une ligne du RIDA", "Fait")  # done, not the journal's "fact"
        ABANDONNE = "abandonne", _("Abandonné")

    OPEN_STATUSES = (Status.A_FAIRE, Status.EN_COURS)
    # Only actions are to do: an information is noted, a decision taken. Their lines are
    # created closed ("fait", shown as these words) and never counted among open lines.
    CLOSED_KIND_LABELS = {
        (Kind.INFORMATION, Status.FAIT): _("Notée"),
        (Kind.DECISION, Status.FAIT): _("Prise"),
    }
    # What may change after creation (the number, kind, source and meeting stay).
    EDITABLE_FIELDS = (
        "theme",
        "text",
        "source_label",
        "owner",
        "owner_other",
        "due_at",
        "status",
        "answer",
        "answered_at",
        "abandon_reason",
        "closure_validated_by",
    )

    crisis = models.ForeignKey(Crisis, on_delete=models.PROTECT, related_name="rida_lines")
    seq = models.PositiveIntegerField(_("n°"), editable=False)
    kind = models.CharField(_("type"), max_length=12, choices=Kind.choices, default=Kind.ACTION)
    theme = models.CharField(_("thème"), max_length=120, blank=True)
    text = models.TextField(_("texte"))
    source_entry = models.ForeignKey(
        JournalEntry,
        verbose_name=_("entrée de main courante d'origine"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="rida_lines",
    )
    source_label = models.CharField(_("source"), max_length=200, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("porteur"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="rida_lines",
    )
    # A person or service without an account ("Service biomédical").
    owner_other = models.CharField(_("porteur (autre)"), max_length=200, blank=True)
    due_at = models.DateTimeField(_("échéance"), null=True, blank=True)
    status = models.CharField(_("statut"), max_length=12, choices=Status.choices, default=Status.A_FAIRE)
    answer = models.TextField(_("réponse apportée"), blank=True)
    answered_at = models.DateTimeField(_("date de la réponse"), null=True, blank=True)
    closure_validated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("clôture validée par"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    abandon_reason = models.TextField(_("motif d'abandon"), blank=True)
    meeting = models.ForeignKey(
        Meeting,
        verbose_name=_("point de situation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="rida_lines",
    )
    # The "décision" entry a decision line wrote in the journal.
    journal_entry = models.ForeignKey(
        JournalEntry,
        verbose_name=_("entrée de décision"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("créée le"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("créée par"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(_("modifiée le"), auto_now=True)
    search_text = models.TextField(editable=False, default="")
    # The crisis's RIDA counter (crisis.live) as this line's last change left it, set by the record
    # kit in the same transaction: a poll asks for the lines whose counter passed the page's.
    live_version = models.PositiveBigIntegerField(editable=False, default=0)

    class Meta:
        verbose_name = _("ligne du RIDA")
        verbose_name_plural = _("lignes du RIDA")
        ordering = ["-seq"]
        constraints = [models.UniqueConstraint(fields=["crisis", "seq"], name="rida_seq_unique_per_crisis")]
        indexes = [
            models.Index(fields=["crisis", "status", "due_at"], name="rida_crisis_status_due"),
            models.Index(fields=["crisis", "owner"], name="rida_crisis_owner"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.text[:60]}"

    @property
    def number(self) -> str:
        return f"RIDA-{self.seq:03d}"

    @property
    def owner_label(self) -> str:
        if self.owner_id is not None:
            return self.owner.get_full_name() or self.owner.get_username()
        return self.owner_other

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    @property
    def is_action(self) -> bool:
        return self.kind == self.Kind.ACTION

    @property
    def status_label(self) -> str:
        """The status in words that fit the kind: "Notée" for an information, "Prise" for a decision."""
        return str(self.CLOSED_KIND_LABELS.get((self.kind, self.status)) or self.get_status_display())

    def is_overdue(self, now=None) -> bool:
        return self.is_open and self.due_at is not None and self.due_at <= (now or timezone.now())

    def save(self, *args, **kwargs):
        # The search column follows every save, record_update's partial ones included.
        owner = self.owner.get_full_name() if self.owner_id else ""
        self.search_text = search_key(
            self.number, self.theme, self.text, self.answer, self.owner_other, owner, self.source_label
        )
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "search_text"}
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise RefusedWrite(_("Une ligne du RIDA ne se supprime pas : abandonnez-la avec un motif."))


class Decision(models.Model):
    """A decision with its own button (plan blanc, urgences, réseau...): journaled, a D line in the RIDA."""

    live_topic = Topic.DECISIONS

    class Gate(models.TextChoices):
        PLAN_BLANC_DECLENCHE = "plan_blanc_declenche", _("Plan blanc déclenché")
        PLAN_BLANC_LEVE = "plan_blanc_leve", _("Plan blanc levé")
        URGENCES_FERMEES = "urgences_fermees", _("Urgences fermées")
        URGENCES_ROUVERTES = "urgences_rouvertes", _("Urgences rouvertes")
        COUPURE_RESEAU = "coupure_reseau", _("Coupure réseau")
        RECONNEXION_INTERNET = "reconnexion_internet", _("Reconnexion à internet")
        DETOURNEMENT_PATIENTS = "detournement_patients", _("Détournement de patients")
        ACTIVATION_CELLULE = "activation_cellule", _("Activation de la cellule")
        SORTIE_DE_CRISE = "sortie_de_crise", _("Sortie de crise validée")

    crisis = models.ForeignKey(Crisis, on_delete=models.PROTECT, related_name="decisions")
    gate = models.CharField(_("décision"), max_length=30, choices=Gate.choices)
    occurred_at = models.DateTimeField(_("décidée à"), default=timezone.now)
    details = models.TextField(_("précisions"), blank=True)
    reassess_at = models.DateTimeField(_("prochaine réévaluation"), null=True, blank=True)
    # A closure maintained at its reassessment, or the reopening that ends it.
    reassesses = models.ForeignKey(
        "self", verbose_name=_("réévalue"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    opinion = models.CharField(_("avis sur lequel elle s'appuie"), max_length=300, blank=True)
    pathway = models.CharField(_("filière"), max_length=200, blank=True)
    destination = models.CharField(_("destination"), max_length=200, blank=True)
    ars_informed = models.BooleanField(_("ARS informée"), null=True, blank=True)
    samu_informed = models.BooleanField(_("SAMU informé"), null=True, blank=True)
    journal_entry = models.OneToOneField(
        JournalEntry, verbose_name=_("entrée de main courante"), on_delete=models.PROTECT, related_name="gate_decision"
    )
    rida_line = models.OneToOneField(
        RidaLine, verbose_name=_("ligne du RIDA"), on_delete=models.PROTECT, related_name="gate_decision"
    )
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("saisie le"), auto_now_add=True)

    class Meta:
        verbose_name = _("décision")
        verbose_name_plural = _("décisions")
        ordering = ["-occurred_at", "-pk"]
        indexes = [models.Index(fields=["crisis", "gate", "occurred_at"], name="decision_crisis_gate")]

    def __str__(self) -> str:
        return f"{self.get_gate_display()} — {moment(self.occurred_at, 'day_time')}"
