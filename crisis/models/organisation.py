"""Who: GHTs, establishments and the members with their roles."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Ght(models.Model):
    """Groupement hospitalier de territoire: groups several establishments."""

    name = models.CharField(_("nom"), max_length=200, unique=True)

    class Meta:
        verbose_name = _("GHT")
        verbose_name_plural = _("GHT")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Establishment(models.Model):
    name = models.CharField(_("nom"), max_length=200)
    short_name = models.CharField(_("nom court"), max_length=40, unique=True)
    finess = models.CharField(_("n° FINESS"), max_length=9, blank=True)
    ght = models.ForeignKey(
        Ght, verbose_name=_("GHT"), null=True, blank=True, on_delete=models.SET_NULL, related_name="establishments"
    )
    beds = models.PositiveIntegerField(_("lits"), default=0)
    staff = models.PositiveIntegerField(_("personnels"), default=0)

    class Meta:
        verbose_name = _("établissement")
        verbose_name_plural = _("établissements")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    """Default cell roles; what each may do lives in crisis.permissions."""

    DIRECTEUR = "directeur", _("Directeur de crise")
    COORDINATEUR = "coordinateur", _("Coordinateur")
    SECRETAIRE = "secretaire", _("Secrétaire de main courante")
    COMMUNICATION = "communication", _("Communication")
    SOINS = "soins", _("Direction des soins")
    QUALITE = "qualite", _("Qualité")
    LOGISTIQUE = "logistique", _("Logistique")
    DSI = "dsi", _("DSI")
    RSSI = "rssi", _("RSSI")
    DPO = "dpo", _("DPO")
    OBSERVATEUR = "observateur", _("Observateur (lecture seule)")
    EXPERT = "expert", _("Expert externe (PRIS)")


class Membership(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    establishment = models.ForeignKey(Establishment, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("rôle"), max_length=20, choices=Role.choices)
    position = models.CharField(_("fonction"), max_length=200, blank=True)
    phone = models.CharField(_("téléphone"), max_length=40, blank=True)
    is_active = models.BooleanField(_("actif"), default=True)

    class Meta:
        verbose_name = _("appartenance")
        verbose_name_plural = _("appartenances")
        constraints = [
            models.UniqueConstraint(fields=["user", "establishment"], name="one_membership_per_establishment")
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.establishment} ({self.get_role_display()})"

    def has(self, capability: str) -> bool:
        from ..permissions import capabilities_of

        return self.is_active and capability in capabilities_of(self.role)
