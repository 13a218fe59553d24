"""Being ready before the night: exercises with their injects, awareness campaigns, readiness snapshots.

An exercise is a crisis flagged ``is_exercise`` (crisis.models.Crisis); what it adds lives here:
its level and its clock (T0, from which each inject's offset runs), and its chronogramme of injects,
each delivered to the players' journal and observed. Campaigns and the readiness snapshots (the
score's trend) belong to an establishment.
"""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from crisis.models import Crisis, Establishment, JournalEntry

# Live topics: the inject player (a crisis's), the campaigns (an establishment's).
TOPIC_INJECTS = "injects"
TOPIC_CAMPAIGNS = "campaigns"


class Exercise(models.Model):
    """What an exercise crisis adds: its level and its clock."""

    live_topic = TOPIC_INJECTS

    class Level(models.TextChoices):
        BEGINNER = "debutant", _("débutant")
        INTERMEDIATE = "intermediaire", _("intermédiaire")
        ADVANCED = "confirme", _("confirmé")

    crisis = models.OneToOneField(Crisis, on_delete=models.CASCADE, related_name="exercise")
    level = models.CharField(_("niveau"), max_length=20, choices=Level.choices, default=Level.BEGINNER)
    # T0: the moment offset 0 of the chronogramme stands for. Null: the exercise has not started.
    started_at = models.DateTimeField(_("T0 de l'exercice"), null=True, blank=True)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    class Meta:
        verbose_name = _("exercice")
        verbose_name_plural = _("exercices")

    def __str__(self) -> str:
        return str(self.crisis)


class Inject(models.Model):
    """One line of the chronogramme: a stimulus the animator delivers at its time, and what is expected."""

    live_topic = TOPIC_INJECTS

    class Observation(models.TextChoices):
        DONE = "fait", _("faite")
        LATE = "en_retard", _("en retard")
        MISSED = "manque", _("manquée")

    crisis = models.ForeignKey(Crisis, on_delete=models.CASCADE, related_name="injects")
    number = models.PositiveIntegerField(_("n°"))
    offset_minutes = models.PositiveIntegerField(_("décalage (min)"), help_text=_("Minutes après le T0."))
    # T0 + offset, kept with the row (moved when T0 moves): "which injects are due?" is one indexed count.
    due_at = models.DateTimeField(_("échéance"), null=True, blank=True, editable=False)
    sender = models.CharField(_("émetteur simulé"), max_length=200)
    recipient = models.CharField(_("destinataire"), max_length=200, blank=True)
    channel = models.CharField(
        _("canal"), max_length=20, choices=JournalEntry.Channel.choices, default=JournalEntry.Channel.AUTRE
    )
    kind = models.CharField(_("type"), max_length=20, choices=JournalEntry.Kind.choices, default=JournalEntry.Kind.FAIT)
    content = models.TextField(_("stimulus"))
    expected_reaction = models.TextField(_("réaction attendue"), blank=True)
    delivered_at = models.DateTimeField(_("livré le"), null=True, blank=True)
    delivered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("livré par"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    journal_entry = models.ForeignKey(
        JournalEntry,
        verbose_name=_("entrée de main courante"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    observation = models.CharField(_("observation"), max_length=20, choices=Observation.choices, blank=True)
    observation_comment = models.TextField(_("commentaire d'observation"), blank=True)
    observed_at = models.DateTimeField(_("observé le"), null=True, blank=True)
    observed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("observé par"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("inject")
        verbose_name_plural = _("injects")
        ordering = ["offset_minutes", "number"]
        constraints = [models.UniqueConstraint(fields=["crisis", "number"], name="inject_number_unique_per_crisis")]
        indexes = [models.Index(fields=["crisis", "due_at"], name="inject_crisis_due")]

    def __str__(self) -> str:
        return f"#{self.number} +{self.offset_minutes} min — {self.sender}"

    @property
    def offset_label(self) -> str:
        """+4 h 25, +2 j 3 h: how an animator reads the chronogramme."""
        delta = timedelta(minutes=self.offset_minutes)
        days, hours, minutes = delta.days, delta.seconds // 3600, delta.seconds % 3600 // 60
        parts = ([f"{days} j"] if days else []) + ([f"{hours} h"] if hours or days else []) + [f"{minutes:02d}"]
        return "+" + " ".join(parts) if days or hours else f"+{minutes} min"


class Campaign(models.Model):
    """A phishing or awareness campaign of an establishment and its figures."""

    live_topic = TOPIC_CAMPAIGNS

    class Kind(models.TextChoices):
        PHISHING = "hameconnage", _("hameçonnage simulé")
        AWARENESS = "sensibilisation", _("sensibilisation")
        TRAINING = "formation", _("formation")

    establishment = models.ForeignKey(Establishment, on_delete=models.CASCADE, related_name="+")
    date = models.DateField(_("date"))
    kind = models.CharField(_("nature"), max_length=20, choices=Kind.choices, default=Kind.PHISHING)
    targeted = models.PositiveIntegerField(_("personnes ciblées"))
    clicked = models.PositiveIntegerField(_("clics"), default=0)
    reported = models.PositiveIntegerField(_("signalements"), default=0)
    services_affected = models.CharField(_("services les plus touchés"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("campagne de sensibilisation")
        verbose_name_plural = _("campagnes de sensibilisation")
        ordering = ["-date", "-pk"]
        indexes = [models.Index(fields=["establishment", "date"], name="campaign_estab_date")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.date}"

    @property
    def click_rate(self) -> float:
        return self.clicked / self.targeted if self.targeted else 0.0

    @property
    def report_rate(self) -> float:
        return self.reported / self.targeted if self.targeted else 0.0


class ReadinessSnapshot(models.Model):
    """An establishment's readiness score on a day: the page's trend compares today's with the last one kept."""

    establishment = models.ForeignKey(Establishment, on_delete=models.CASCADE, related_name="+")
    day = models.DateField(_("jour"))
    score = models.PositiveSmallIntegerField(_("score"))
    missing = models.JSONField(_("points manquants"), default=list)

    class Meta:
        verbose_name = _("relevé de préparation")
        verbose_name_plural = _("relevés de préparation")
        ordering = ["-day"]
        constraints = [models.UniqueConstraint(fields=["establishment", "day"], name="readiness_one_per_day")]

    def __str__(self) -> str:
        return f"{self.establishment} {self.day}: {self.score}"
