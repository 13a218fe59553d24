"""What the establishment owes and must prove: regulatory obligations with their clocks, costs, the RETEX."""

from datetime import datetime, timedelta
from datetime import timezone as dt_timezone

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from crisis.models import Crisis

TOPIC = "obligations"  # obligations, costs and RETEX of a crisis: what the obligations card and pages follow


class Kind(models.TextChoices):
    SIGNALEMENT_PORTAIL = "signalement_portail", _("Signalement sur le portail des incidents de santé")
    CNIL = "cnil", _("Notification à la CNIL")
    PLAINTE = "plainte", _("Dépôt de plainte")
    ASSUREUR = "assureur", _("Déclaration à l'assureur")
    ARS = "ars", _("Information de l'ARS")
    RSSI_GHT = "rssi_ght", _("Information du RSSI du GHT")
    PRIS = "pris", _("Engagement d'un PRIS")


class Start:
    DETECTION = "detection"
    AWARENESS = "awareness"


# (clock start, delay, what the delay is). "Sans délai" is held to 24 hours by the console: a
# target, so that the card turns red the next day rather than at once. The insurer's delay
# comes from the contract; five days is the usual clause. A PRIS has no legal deadline.
RULES: dict[str, tuple[str, timedelta | None]] = {
    Kind.SIGNALEMENT_PORTAIL: (Start.DETECTION, timedelta(hours=24)),
    Kind.CNIL: (Start.AWARENESS, timedelta(hours=72)),
    Kind.PLAINTE: (Start.AWARENESS, timedelta(hours=72)),
    Kind.ASSUREUR: (Start.AWARENESS, timedelta(days=5)),
    Kind.ARS: (Start.DETECTION, timedelta(hours=24)),
    Kind.RSSI_GHT: (Start.DETECTION, timedelta(hours=24)),
    Kind.PRIS: (Start.DETECTION, None),
}

REFERENCE_LABELS = {
    Kind.SIGNALEMENT_PORTAIL: _("référence du portail"),
    Kind.CNIL: _("numéro de notification CNIL"),
    Kind.PLAINTE: _("référence du récépissé"),
    Kind.ASSUREUR: _("numéro de sinistre"),
}


class Obligation(models.Model):
    """One thing the establishment owes for a crisis, with its clock.

    The deadline is computed from the crisis's detection or awareness time (RULES), never
    stored: an awareness time corrected on the crisis record moves every clock at once.
    """

    live_topic = TOPIC

    class Status(models.TextChoices):
        A_FAIRE = "a_faire", _("à faire")
        FAIT = "fait", _("fait")
        NON_APPLICABLE = "non_applicable", _("non applicable")
        EN_RETARD = "en_retard", _("en retard")  # shown, never stored: à faire past its deadline

    crisis = models.ForeignKey(Crisis, on_delete=models.PROTECT, related_name="obligations")
    kind = models.CharField(_("obligation"), max_length=30, choices=Kind.choices)
    status = models.CharField(_("état"), max_length=20, choices=Status.choices, default=Status.A_FAIRE)
    done_at = models.DateTimeField(_("fait le"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("fait par"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reference = models.CharField(_("référence"), max_length=120, blank=True)
    late_reason = models.TextField(_("motif du retard"), blank=True)
    notes = models.TextField(_("notes"), blank=True)
    # The CNIL allows a notification in two steps: the initial one in 72 h, a complement later.
    complement_at = models.DateTimeField(_("complément envoyé le"), null=True, blank=True)
    complement_reference = models.CharField(_("référence du complément"), max_length=120, blank=True)
    attachment = models.FileField(_("pièce jointe"), upload_to="obligations/%Y/%m/", blank=True)
    attachment_sha256 = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("obligation")
        verbose_name_plural = _("obligations")
        ordering = ["crisis", "pk"]
        constraints = [models.UniqueConstraint(fields=["crisis", "kind"], name="one_obligation_per_kind")]

    def __str__(self) -> str:
        return self.get_kind_display()

    @property
    def clock_start(self) -> datetime | None:
        start, _delay = RULES[self.kind]
        return self.crisis.detected_at if start == Start.DETECTION else self.crisis.awareness_at

    @property
    def deadline(self) -> datetime | None:
        _start, delay = RULES[self.kind]
        start = self.clock_start
        if start is None or delay is None:
            return None
        # In UTC: aware arithmetic in Europe/Paris would add wall-clock hours, one too many or too
        # few when the daylight-saving change falls inside the delay.
        return start.astimezone(dt_timezone.utc) + delay

    @property
    def waits_for_awareness(self) -> bool:
        return RULES[self.kind][0] == Start.AWARENESS and self.crisis.awareness_at is None

    def shown_status(self, now: datetime | None = None) -> str:
        """The status as the API and pages say it: à faire past its deadline is en retard."""
        if self.status != self.Status.A_FAIRE:
            return self.status
        deadline = self.deadline
        if deadline is not None and deadline <= (now or timezone.now()):
            return self.Status.EN_RETARD
        return self.status

    @property
    def done_late(self) -> bool:
        deadline = self.deadline
        return (
            self.status == self.Status.FAIT
            and deadline is not None
            and self.done_at is not None
            and (self.done_at > deadline)
        )

    @property
    def reference_label(self) -> str:
        return str(REFERENCE_LABELS.get(self.kind, _("référence")))


class Cost(models.Model):
    """One cost line of the crisis, for the finance direction and the insurer."""

    live_topic = TOPIC

    class Category(models.TextChoices):
        ASSISTANCE = "assistance", _("Prestations d'assistance")
        HEURES_SUP = "heures_sup", _("Heures supplémentaires")
        RECRUTEMENTS = "recrutements", _("Recrutements")
        MATERIEL = "materiel", _("Matériel")
        PERTE_ACTIVITE = "perte_activite", _("Perte d'activité")
        AUTRE = "autre", _("Autre")

    class CoveredBy(models.TextChoices):
        NONE = "", _("non couvert")
        ASSUREUR = "assureur", _("assureur")
        ARS = "ars", _("ARS")

    crisis = models.ForeignKey(Crisis, on_delete=models.PROTECT, related_name="costs")
    category = models.CharField(_("catégorie"), max_length=20, choices=Category.choices)
    amount = models.DecimalField(_("montant (€)"), max_digits=12, decimal_places=2)
    date = models.DateField(_("date"))
    supplier = models.CharField(_("fournisseur"), max_length=200, blank=True)
    reference = models.CharField(_("référence"), max_length=120, blank=True)
    covered_by = models.CharField(_("pris en charge par"), max_length=20, choices=CoveredBy.choices, blank=True)
    label = models.CharField(_("libellé"), max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("coût")
        verbose_name_plural = _("coûts")
        ordering = ["date", "pk"]

    def __str__(self) -> str:
        return f"{self.get_category_display()} {self.amount} €"


class Retex(models.Model):
    """The after-action report of a crisis: five written sections, the figures computed from the data."""

    live_topic = TOPIC

    crisis = models.OneToOneField(Crisis, on_delete=models.PROTECT, related_name="retex")
    lived = models.TextField(_("ce qui a été vécu et les premiers impacts"), blank=True)
    first_measures = models.TextField(_("premières mesures (organisation, procédures dégradées)"), blank=True)
    back_to_normal = models.TextField(_("étapes du retour à la normale"), blank=True)
    status = models.TextField(_("état des lieux (rétabli, reste à faire, rattrapage)"), blank=True)
    lessons = models.TextField(_("enseignements"), blank=True)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    SECTIONS = ("lived", "first_measures", "back_to_normal", "status", "lessons")

    class Meta:
        verbose_name = _("RETEX")
        verbose_name_plural = _("RETEX")

    def __str__(self) -> str:
        return f"RETEX {self.crisis}"
