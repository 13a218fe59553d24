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


class Service(models.Model):
    """A service or care unit of an establishment: the one list every app points at (procedures,
    beds, tickets, the directory). A new establishment starts from the reference list below;
    each establishment then adds, renames, reorders or deactivates its own (admin)."""

    class Kind(models.TextChoices):
        CARE = "soins", _("soins")
        MEDICO_TECHNICAL = "medicotechnique", _("médico-technique")
        SUPPORT = "support", _("support et logistique")
        ADMINISTRATIVE = "administratif", _("administratif")
        OTHER = "autre", _("autre")

    establishment = models.ForeignKey(Establishment, on_delete=models.CASCADE, related_name="services")
    name = models.CharField(_("nom"), max_length=120)
    code = models.CharField(_("code"), max_length=20, blank=True)
    kind = models.CharField(_("nature"), max_length=20, choices=Kind.choices, default=Kind.CARE)
    has_beds = models.BooleanField(_("a des lits"), default=False, help_text=_("Une unité d'hospitalisation."))
    location = models.CharField(_("localisation"), max_length=120, blank=True)
    position = models.PositiveIntegerField(_("ordre"), default=0)
    is_active = models.BooleanField(_("actif"), default=True)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    class Meta:
        verbose_name = _("service ou unité")
        verbose_name_plural = _("services et unités")
        ordering = ["position", "name"]
        constraints = [models.UniqueConstraint(fields=["establishment", "name"], name="service_name_unique_per_estab")]

    def __str__(self) -> str:
        return self.name


# The services a new establishment starts with (degraded-mode procedures must cover at least these:
# ../shared/REFERENCE.md): name, code, kind, has beds. Positions follow this order.
DEFAULT_SERVICES = (
    ("Urgences", "URG", Service.Kind.CARE, False),
    ("Admissions et accueil", "ADM", Service.Kind.ADMINISTRATIVE, False),
    ("Laboratoire", "LAB", Service.Kind.MEDICO_TECHNICAL, False),
    ("Imagerie", "IMG", Service.Kind.MEDICO_TECHNICAL, False),
    ("Pharmacie", "PUI", Service.Kind.MEDICO_TECHNICAL, False),
    ("Bloc opératoire et stérilisation", "BLOC", Service.Kind.MEDICO_TECHNICAL, False),
    ("Radiothérapie et chimiothérapie", "ONCO", Service.Kind.CARE, False),
    ("Maternité", "MAT", Service.Kind.CARE, True),
    ("Réanimation", "REA", Service.Kind.CARE, True),
    ("Restauration", "REST", Service.Kind.SUPPORT, False),
    ("Logistique et achats", "LOG", Service.Kind.SUPPORT, False),
    ("Finances, paie et facturation", "FIN", Service.Kind.ADMINISTRATIVE, False),
    ("Standard téléphonique", "STD", Service.Kind.SUPPORT, False),
    ("DSI", "DSI", Service.Kind.SUPPORT, False),
)


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
