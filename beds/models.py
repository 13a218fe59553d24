"""Care units' rooms and beds, pseudonymous patients, movements (fiches navettes), the access log.

A care unit is a service of the core list with beds (crisis.models.Service, has_beds). The map
is derived from the movements: each movement is appended, never changed, and the bed's current
state (``status``, ``patient``...) is the result of its movements, written in the same
transaction as each one (selectors.replay recomputes it from the movements alone).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from crisis.models import Establishment, Service

TOPIC = "beds"  # the establishment's bed map: every page and card showing beds follows it


class Room(models.Model):
    establishment = models.ForeignKey(Establishment, on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey(
        Service,
        verbose_name=_("unité"),
        on_delete=models.PROTECT,
        related_name="rooms",
        limit_choices_to={"has_beds": True},
    )
    label = models.CharField(_("chambre"), max_length=20)

    class Meta:
        verbose_name = _("chambre")
        verbose_name_plural = _("chambres")
        ordering = ["unit__position", "label"]
        constraints = [models.UniqueConstraint(fields=["unit", "label"], name="beds_room_label_unique_per_unit")]

    def __str__(self) -> str:
        return f"{self.unit} {self.label}"


class BedStatus(models.TextChoices):
    FREE = "libre", _("libre")
    OCCUPIED = "occupe", _("occupé")
    BLOCKED = "bloque", _("bloqué")
    CLEANING = "nettoyage", _("nettoyage")
    CLOSED = "ferme", _("fermé")


class Sex(models.TextChoices):
    FEMALE = "F", _("femme")
    MALE = "M", _("homme")
    OTHER = "I", _("indéterminé")


class Patient(models.Model):
    """No more than a bed's cell needs: an identifier and what tells two patients apart on paper."""

    establishment = models.ForeignKey(Establishment, on_delete=models.CASCADE, related_name="+")
    ref = models.CharField(_("IPP ou n° provisoire"), max_length=20)
    initials = models.CharField(_("initiales"), max_length=6)
    birth_year = models.PositiveSmallIntegerField(_("année de naissance"))
    sex = models.CharField(_("sexe"), max_length=1, choices=Sex.choices)

    class Meta:
        verbose_name = _("patient")
        verbose_name_plural = _("patients")
        constraints = [models.UniqueConstraint(fields=["establishment", "ref"], name="beds_patient_ref_unique")]

    def __str__(self) -> str:
        return f"{self.ref} {self.initials}"

    @property
    def short(self) -> str:
        return f"{self.initials} {self.birth_year} {self.sex}"


class Bed(models.Model):
    class Kind(models.TextChoices):
        STANDARD = "standard", _("standard")
        INTENSIVE = "soins_intensifs", _("soins intensifs")
        DAY = "ambulatoire", _("ambulatoire")
        ISOLATION = "isolement", _("isolement")

    establishment = models.ForeignKey(Establishment, on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey(
        Service,
        verbose_name=_("unité"),
        on_delete=models.PROTECT,
        related_name="unit_beds",
        limit_choices_to={"has_beds": True},
    )
    room = models.ForeignKey(Room, verbose_name=_("chambre"), on_delete=models.PROTECT, related_name="beds")
    label = models.CharField(_("lit"), max_length=20, help_text=_("Unique dans l'établissement, par ex. CAR-214A."))
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices, default=Kind.STANDARD)
    row = models.PositiveSmallIntegerField(_("rangée"), default=1)
    col = models.PositiveSmallIntegerField(_("colonne"), default=1)
    is_closed = models.BooleanField(_("fermé"), default=False, help_text=_("Lit fermé : hors capacité."))
    # The current state, derived from the movements (written with each one, under the bed's lock).
    status = models.CharField(_("état"), max_length=20, choices=BedStatus.choices, default=BedStatus.FREE)
    patient = models.ForeignKey(Patient, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    admitted_at = models.DateTimeField(_("entré le"), null=True, blank=True)
    expected_discharge = models.DateField(_("sortie prévue"), null=True, blank=True)
    last_movement_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("lit")
        verbose_name_plural = _("lits")
        ordering = ["unit__position", "unit__name", "row", "col", "label"]
        constraints = [
            models.UniqueConstraint(fields=["establishment", "label"], name="beds_bed_label_unique"),
            models.UniqueConstraint(
                fields=["patient"], condition=models.Q(patient__isnull=False), name="beds_patient_in_one_bed"
            ),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def shown_status(self) -> str:
        return BedStatus.CLOSED if self.is_closed else self.status


class Movement(models.Model):
    """A fiche navette, as typed: appended, never changed."""

    class Kind(models.TextChoices):
        ADMISSION = "admission", _("admission")
        TRANSFER = "transfert", _("transfert")
        DISCHARGE = "sortie", _("sortie")
        BLOCK = "blocage", _("blocage")
        UNBLOCK = "deblocage", _("remise en service")
        CLEANING = "nettoyage", _("nettoyage")

    class Source(models.TextChoices):
        PAPER = "fiche_papier", _("fiche papier")
        CALL = "appel", _("appel")
        DIRECT = "saisie_directe", _("saisie directe")
        IMPORT = "import", _("import de recensement")

    establishment = models.ForeignKey(Establishment, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("mouvement"), max_length=20, choices=Kind.choices)
    bed = models.ForeignKey(Bed, verbose_name=_("lit"), on_delete=models.PROTECT, related_name="movements")
    to_bed = models.ForeignKey(
        Bed, verbose_name=_("vers le lit"), null=True, blank=True, on_delete=models.PROTECT, related_name="arrivals"
    )
    patient = models.ForeignKey(Patient, null=True, blank=True, on_delete=models.PROTECT, related_name="movements")
    occurred_at = models.DateTimeField(_("heure du mouvement"))
    recorded_at = models.DateTimeField(_("saisi le"), auto_now_add=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    source = models.CharField(_("source"), max_length=20, choices=Source.choices, default=Source.PAPER)
    slip_number = models.CharField(_("n° de fiche"), max_length=30, blank=True)
    expected_discharge = models.DateField(_("sortie prévue"), null=True, blank=True)
    note = models.CharField(_("observation"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("mouvement")
        verbose_name_plural = _("mouvements")
        ordering = ["occurred_at", "pk"]
        indexes = [
            models.Index(fields=["bed", "occurred_at", "id"], name="beds_mvt_bed_time"),
            models.Index(fields=["to_bed", "occurred_at", "id"], name="beds_mvt_tobed_time"),
            models.Index(fields=["establishment", "occurred_at"], name="beds_mvt_estab_time"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.bed}"


class PendingSlip(models.Model):
    """A paper slip received by the bed cell, not typed yet: the pile the entry page works through."""

    establishment = models.ForeignKey(Establishment, on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey(
        Service, verbose_name=_("unité"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    number = models.CharField(_("n° de fiche"), max_length=30)
    received_at = models.DateTimeField(_("reçue le"), auto_now_add=True)
    received_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    movement = models.OneToOneField(Movement, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("fiche en attente")
        verbose_name_plural = _("fiches en attente")
        ordering = ["received_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["establishment", "number"], name="beds_slip_number_unique")]

    def __str__(self) -> str:
        return self.number


class AccessLog(models.Model):
    """Who saw patient references, what and when: one row per page, API answer or document shown."""

    establishment = models.ForeignKey(Establishment, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("le"), auto_now_add=True)
    what = models.CharField(_("consultation"), max_length=60)
    detail = models.CharField(_("détail"), max_length=200, blank=True)
    patients = models.PositiveIntegerField(_("patients affichés"), default=0)

    class Meta:
        verbose_name = _("accès aux données patients")
        verbose_name_plural = _("accès aux données patients")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["establishment", "-at"], name="beds_access_estab_at")]
