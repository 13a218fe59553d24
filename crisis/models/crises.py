"""A crisis, its phases, and the shifts of the cell members."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .live import Topic
from .organisation import Establishment, Role


class Phase(models.TextChoices):
    ALERTE = "alerte", _("Alerte")
    MOBILISATION = "mobilisation", _("Mobilisation")
    ENDIGUEMENT = "endiguement", _("Endiguement")
    EVICTION = "eviction", _("Éviction / éradication")
    RECONSTRUCTION = "reconstruction", _("Reconstruction")
    SORTIE = "sortie", _("Sortie de crise")
    RETEX = "retex", _("RETEX")


class Crisis(models.Model):
    live_topic = Topic.CRISIS  # what the record kit moves when the record changes

    class Kind(models.TextChoices):
        CYBERATTAQUE = "cyberattaque", _("Cyberattaque")
        PANNE = "panne", _("Panne")
        EXERCICE = "exercice", _("Exercice")

    class Severity(models.IntegerChoices):
        MINEURE = 1, _("1 — mineure")
        SIGNIFICATIVE = 2, _("2 — significative")
        MAJEURE = 3, _("3 — majeure")
        CRITIQUE = 4, _("4 — critique")

    establishment = models.ForeignKey(
        Establishment, verbose_name=_("établissement"), on_delete=models.PROTECT, related_name="crises"
    )
    title = models.CharField(_("intitulé"), max_length=200)
    kind = models.CharField(_("nature"), max_length=20, choices=Kind.choices, default=Kind.CYBERATTAQUE)
    is_exercise = models.BooleanField(_("exercice"), default=False)
    severity = models.PositiveSmallIntegerField(_("gravité"), choices=Severity.choices, default=Severity.MAJEURE)
    detected_at = models.DateTimeField(_("détectée le"), default=timezone.now)
    awareness_at = models.DateTimeField(
        _("prise de connaissance"), null=True, blank=True, help_text=_("Point de départ des délais de 72 h.")
    )
    declared_at = models.DateTimeField(_("déclarée le"), null=True, blank=True)
    closed_at = models.DateTimeField(_("close le"), null=True, blank=True)
    phase = models.CharField(_("phase"), max_length=20, choices=Phase.choices, default=Phase.ALERTE)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)
    # Denormalised head of the journal, updated in the append transaction: the
    # "anything new?" poll reads it with the access query, and nothing else.
    journal_last_seq = models.PositiveIntegerField(default=0, editable=False)
    journal_last_hash = models.CharField(max_length=64, blank=True, editable=False)
    # Entries 1..journal_legacy_seq were chained with plain SHA-256 before the chain was keyed;
    # the boundary is sealed with the key (crisis.services.journal), so no later entry passes as legacy.
    journal_legacy_seq = models.PositiveIntegerField(default=0, editable=False)
    journal_legacy_seal = models.CharField(max_length=90, blank=True, editable=False)
    # Last RIDA number given, moved in the creating transaction: numbers are never reused.
    rida_last_seq = models.PositiveIntegerField(default=0, editable=False)
    # The dashboard's counters, moved in the same UPDATE as the head: they cost the same
    # at any journal size. Corrections are not new facts: a correction moves the counts
    # from the corrected version's type and priority to its own, and adds no entry.
    journal_entry_count = models.PositiveIntegerField(default=0, editable=False)
    journal_urgent_count = models.PositiveIntegerField(default=0, editable=False)
    journal_decision_count = models.PositiveIntegerField(default=0, editable=False)
    journal_action_count = models.PositiveIntegerField(default=0, editable=False)
    journal_communication_count = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("crise")
        verbose_name_plural = _("crises")
        ordering = ["-detected_at"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class Shift(models.Model):
    """One person holding one cell role for a stretch of time; a handover ends it and starts the next."""

    live_topic = Topic.ROSTER

    crisis = models.ForeignKey(Crisis, on_delete=models.CASCADE, related_name="shifts")
    role = models.CharField(_("rôle"), max_length=20, choices=Role.choices)
    holder = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("titulaire"), on_delete=models.PROTECT, related_name="shifts"
    )
    deputy = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("suppléant"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="deputy_shifts",
    )
    started_at = models.DateTimeField(_("début"), default=timezone.now)
    ended_at = models.DateTimeField(_("fin"), null=True, blank=True)
    handed_over_from = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="handed_over_to"
    )
    handover_summary = models.TextField(_("synthèse de relève"), blank=True)

    class Meta:
        verbose_name = _("vacation")
        verbose_name_plural = _("vacations")
        ordering = ["role", "-started_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["crisis", "role"], condition=models.Q(ended_at__isnull=True), name="one_open_shift_per_role"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()} : {self.holder}"
