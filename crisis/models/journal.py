"""The main courante: append-only, chained entries."""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from web.errors import RefusedWrite

from .crises import Crisis, Phase

# An entry recorded this long after its event is marked "saisie plus tard" in the journal.
RECORDED_LATE_AFTER = timedelta(minutes=10)


class AppendOnlyError(RefusedWrite):
    """Raised on any attempt to change or remove a journal entry."""


class JournalQuerySet(models.QuerySet):
    """Bulk updates and deletes are refused like single ones.

    This guards the application's own paths; the database refuses changes too
    (migration 0003), and the hash chain shows any change made around both.
    """

    def update(self, **kwargs):
        raise AppendOnlyError(_("La main courante est en ajout seul : une entrée ne se modifie pas."))

    def delete(self):
        raise AppendOnlyError(_("La main courante est en ajout seul : une entrée ne se supprime pas."))


class JournalEntry(models.Model):
    """One line of the main courante. Append-only: see save() and delete()."""

    class Channel(models.TextChoices):
        NON_PRECISE = "non_precise", _("Non précisé")
        TELEPHONE = "telephone", _("Téléphone")
        SUR_SITE = "sur_site", _("Sur site")
        REUNION = "reunion", _("Réunion")
        PAPIER = "papier", _("Papier")
        MESSAGERIE = "messagerie", _("Messagerie sécurisée")
        RADIO = "radio", _("Radio")
        AUTRE = "autre", _("Autre")

    class Kind(models.TextChoices):
        FAIT = "fait", _("Fait")
        INFORMATION = "information", _("Information")
        DECISION = "decision", _("Décision")
        ACTION = "action", _("Action")
        COMMUNICATION = "communication", _("Communication")

    class Priority(models.TextChoices):
        URGENT = "urgent", _("Urgent")
        NORMAL = "normal", _("Normal")
        INFO = "info", _("Pour information")

    crisis = models.ForeignKey(Crisis, on_delete=models.PROTECT, related_name="journal_entries")
    seq = models.PositiveIntegerField(_("n°"))
    occurred_at = models.DateTimeField(_("heure de l'événement"))
    recorded_at = models.DateTimeField(_("saisie le"))
    # A member, or nobody when an integration (a SOC/EDR) wrote the entry: then `source` names it.
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("saisie par"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    source = models.CharField(_("source"), max_length=120, blank=True)
    sender = models.CharField(_("émetteur"), max_length=200, blank=True)
    recipient = models.CharField(_("destinataire"), max_length=200, blank=True)
    channel = models.CharField(_("canal"), max_length=20, choices=Channel.choices, default=Channel.NON_PRECISE)
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices, default=Kind.FAIT)
    priority = models.CharField(_("priorité"), max_length=10, choices=Priority.choices, default=Priority.NORMAL)
    text = models.TextField(_("texte"))
    attachment = models.FileField(_("pièce jointe"), upload_to="journal/%Y/%m/", blank=True)
    attachment_sha256 = models.CharField(max_length=64, blank=True)
    phase = models.CharField(_("phase"), max_length=20, choices=Phase.choices)
    corrects = models.ForeignKey(
        "self",
        verbose_name=_("corrige l'entrée"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="corrections",
        db_index=False,  # the partial index below: only corrections carry the link
    )
    prev_hash = models.CharField(max_length=64, blank=True)
    hash = models.CharField(max_length=64)
    # Which key chained the entry (HMAC-SHA256, crisis.services.journal): rotation keeps old entries
    # verifiable. "sha256": an entry chained before the chain was keyed (migration 0013).
    key_id = models.CharField(max_length=16, default="sha256", editable=False)
    # Text, sender and recipient folded (lower case, no accents), written once at insert
    # time: what search matches, the same way on SQLite and PostgreSQL (see crisis.search).
    # Derived from the content, so not part of the hash.
    search_text = models.TextField(blank=True, default="", editable=False)

    objects = JournalQuerySet.as_manager()

    class Meta:
        verbose_name = _("entrée de main courante")
        verbose_name_plural = _("entrées de main courante")
        ordering = ["-seq"]
        # Related lookups go through the refusing queryset too.
        base_manager_name = "objects"
        constraints = [models.UniqueConstraint(fields=["crisis", "seq"], name="journal_seq_unique_per_crisis")]
        indexes = [
            # The page's default order (event time, then n°) and "dernière heure".
            models.Index(fields=["crisis", "occurred_at", "seq"], name="journal_crisis_time_order"),
            # "Which of these entries are corrected?": few rows carry the link, and a
            # partial index keeps the planner's estimate right (a full index counted
            # every NULL as one value and SQLite chose a table scan after ANALYZE).
            models.Index(fields=["corrects"], condition=models.Q(corrects__isnull=False), name="journal_corrections"),
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.text[:60]}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AppendOnlyError(_("La main courante est en ajout seul : une entrée ne se modifie pas."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError(_("La main courante est en ajout seul : une entrée ne se supprime pas."))

    @property
    def is_urgent(self) -> bool:
        return self.priority == self.Priority.URGENT

    @property
    def recorded_late(self) -> bool:
        """Typed well after it happened: in event-time order it sits among earlier entries."""
        return self.recorded_at - self.occurred_at >= RECORDED_LATE_AFTER

    @property
    def author_label(self) -> str:
        """Who wrote it: the member, or the integration named by `source`."""
        if self.recorded_by_id is None:
            return self.source
        return self.recorded_by.get_full_name() or self.recorded_by.get_username()
