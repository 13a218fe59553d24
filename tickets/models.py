"""Signalements and IT tickets from the field, and the alerts a SOC or an EDR pushes.

A ticket belongs to an establishment and, when one was open at intake, to its crisis.
Its number (T-0001) is per establishment, taken from a counter row moved in the creating
transaction. Every change goes through the record kit (tickets.services), so its history
is complete. An alert belongs to an establishment and to the source that pushed it; a
source authenticates with a token kept only as its SHA-256.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from continuity.models import Application
from crisis.models import Crisis, Establishment, JournalEntry, RidaLine, Service

TOPIC = "tickets"  # the triage board, the card, the agenda's section
ALERTS_TOPIC = "alerts"  # the alerts list and the RSSI/DSI banner


class TicketCounter(models.Model):
    """The last ticket number given in an establishment: numbers are never given twice."""

    establishment = models.OneToOneField(Establishment, on_delete=models.CASCADE, primary_key=True, related_name="+")
    last_seq = models.PositiveIntegerField(default=0)


class Ticket(models.Model):
    live_topic = TOPIC

    class Channel(models.TextChoices):
        FORMULAIRE = "formulaire", _("formulaire en ligne")
        TELEPHONE = "telephone", _("téléphone")
        PAPIER = "papier", _("fiche papier")
        PASSAGE = "passage", _("passage")
        API = "api", _("API")

    class Category(models.TextChoices):
        POSTE = "poste_de_travail", _("poste de travail")
        TELEPHONIE = "telephonie", _("téléphonie")
        APPLICATION = "application_metier", _("application métier")
        IMPRIMANTE = "imprimante", _("imprimante")
        ACCES = "acces_mot_de_passe", _("accès / mot de passe")
        RESEAU = "reseau", _("réseau")
        BIOMEDICAL = "equipement_biomedical", _("équipement biomédical")
        LOGISTIQUE = "logistique", _("logistique")
        AUTRE = "autre", _("autre")

    class Priority(models.IntegerChoices):
        P1 = 1, _("P1 — vitale")
        P2 = 2, _("P2 — haute")
        P3 = 3, _("P3 — normale")
        P4 = 4, _("P4 — basse")

    class Status(models.TextChoices):
        NOUVEAU = "nouveau", _("nouveau")
        QUALIFIE = "qualifie", _("qualifié")
        EN_COURS = "en_cours", _("en cours")
        RESOLU = "resolu", _("résolu")
        CLOS = "clos", _("clos")
        REJETE = "rejete", _("rejeté")

    class Track(models.TextChoices):
        TECHNIQUE = "technique", _("technique")
        FONCTIONNELLE = "fonctionnelle", _("fonctionnelle")

    # The moves a ticket may make; anything else is refused, naming these. A merged ticket is
    # closed by the merge itself (tickets.services.ticket_merge), not by a move.
    TRANSITIONS = {
        Status.NOUVEAU: (Status.QUALIFIE, Status.EN_COURS, Status.REJETE),
        Status.QUALIFIE: (Status.EN_COURS, Status.RESOLU, Status.REJETE),
        Status.EN_COURS: (Status.QUALIFIE, Status.RESOLU),
        Status.RESOLU: (Status.CLOS, Status.EN_COURS),
        Status.CLOS: (Status.EN_COURS,),
        Status.REJETE: (Status.NOUVEAU,),
    }
    OPEN_STATUSES = (Status.NOUVEAU, Status.QUALIFIE, Status.EN_COURS)
    EDITABLE_FIELDS = (
        "reporter_name",
        "reporter_service",
        "reporter_phone",
        "service",
        "category",
        "application",
        "application_name",
        "description",
        "patient_safety",
        "priority",
        "status",
        "track",
        "assigned_to",
        "assigned_team",
        "answer",
    )

    establishment = models.ForeignKey(Establishment, on_delete=models.PROTECT, related_name="+")
    crisis = models.ForeignKey(
        Crisis, verbose_name=_("crise"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    seq = models.PositiveIntegerField(_("n°"), editable=False)
    reporter_name = models.CharField(_("déclarant"), max_length=120)
    reporter_service = models.CharField(_("service du déclarant"), max_length=120, blank=True)
    reporter_phone = models.CharField(_("téléphone ou DECT"), max_length=40, blank=True)
    channel = models.CharField(_("canal"), max_length=12, choices=Channel.choices, default=Channel.FORMULAIRE)
    service = models.ForeignKey(
        Service, verbose_name=_("service ou unité"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    category = models.CharField(_("catégorie"), max_length=24, choices=Category.choices, default=Category.AUTRE)
    application = models.ForeignKey(
        Application,
        verbose_name=_("application (cartographie)"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Free text for an application not on the map (a free text naming one of the map links it).
    application_name = models.CharField(_("application concernée"), max_length=120, blank=True)
    description = models.TextField(_("description"))
    patient_safety = models.BooleanField(_("impact sur la sécurité des patients"), default=False)
    priority = models.PositiveSmallIntegerField(_("priorité"), choices=Priority.choices, default=Priority.P3)
    status = models.CharField(_("statut"), max_length=10, choices=Status.choices, default=Status.NOUVEAU)
    track = models.CharField(_("filière"), max_length=14, choices=Track.choices, default=Track.TECHNIQUE)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("attribué à"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    assigned_team = models.CharField(_("équipe"), max_length=120, blank=True)
    answer = models.TextField(_("réponse au déclarant"), blank=True)
    answered_at = models.DateTimeField(_("répondu le"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("résolu le"), null=True, blank=True)
    merged_into = models.ForeignKey(
        "self", verbose_name=_("fusionné dans"), null=True, blank=True, on_delete=models.PROTECT, related_name="merged"
    )
    rida_line = models.ForeignKey(
        RidaLine, verbose_name=_("ligne du RIDA"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("signalé le"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("saisi par"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    class Meta:
        verbose_name = _("ticket")
        verbose_name_plural = _("tickets")
        ordering = ["priority", "created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["establishment", "seq"], name="ticket_seq_unique_per_establishment"),
            models.CheckConstraint(condition=models.Q(priority__gte=1, priority__lte=4), name="ticket_priority_1_4"),
        ]
        indexes = [
            models.Index(fields=["establishment", "status", "priority", "created_at"], name="ticket_board"),
            models.Index(fields=["crisis", "created_at"], name="ticket_crisis_created"),
        ]

    def __str__(self) -> str:
        return f"{self.number} — {self.description[:80]}"

    @property
    def number(self) -> str:
        return f"T-{self.seq:04d}"

    @property
    def application_label(self) -> str:
        """The application as people name it: the map's name when linked, else the free text."""
        return self.application.name if self.application_id else self.application_name

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES and self.merged_into_id is None

    def allowed_statuses(self) -> tuple[str, ...]:
        return tuple(self.TRANSITIONS.get(self.status, ()))

    @property
    def moves(self) -> list[tuple[str, str]]:
        return [(status, self.Status(status).label) for status in self.allowed_statuses()]


class AlertSource(models.Model):
    """A SOC or an EDR allowed to push alerts for one establishment, with its token's SHA-256."""

    establishment = models.ForeignKey(Establishment, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("nom"), max_length=80)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    token_prefix = models.CharField(_("début du jeton"), max_length=8, editable=False)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("créée le"), default=timezone.now)
    last_used_at = models.DateTimeField(_("dernier envoi"), null=True, blank=True)

    class Meta:
        verbose_name = _("source d'alertes")
        verbose_name_plural = _("sources d'alertes")
        constraints = [
            models.UniqueConstraint(fields=["establishment", "name"], name="alert_source_name_unique_per_estab")
        ]

    def __str__(self) -> str:
        return self.name


class Alert(models.Model):
    live_topic = ALERTS_TOPIC

    class Severity(models.TextChoices):
        CRITIQUE = "critique", _("critique")
        HAUTE = "haute", _("haute")
        MOYENNE = "moyenne", _("moyenne")
        BASSE = "basse", _("basse")
        INFO = "info", _("info")

    class Status(models.TextChoices):
        NOUVELLE = "nouvelle", _("nouvelle")
        EN_ANALYSE = "en_analyse", _("en analyse")
        FAUX_POSITIF = "faux_positif", _("faux positif")
        CONFIRMEE = "confirmee", _("confirmée")
        RESOLUE = "resolue", _("résolue")

    TRANSITIONS = {
        Status.NOUVELLE: (Status.EN_ANALYSE, Status.FAUX_POSITIF, Status.CONFIRMEE, Status.RESOLUE),
        Status.EN_ANALYSE: (Status.FAUX_POSITIF, Status.CONFIRMEE, Status.RESOLUE),
        Status.CONFIRMEE: (Status.EN_ANALYSE, Status.RESOLUE),
        Status.FAUX_POSITIF: (Status.EN_ANALYSE,),
        Status.RESOLUE: (Status.EN_ANALYSE,),
    }
    URGENT = (Severity.CRITIQUE, Severity.HAUTE)  # the banner's
    SEVERITY_ORDER = [s.value for s in Severity]

    establishment = models.ForeignKey(Establishment, on_delete=models.PROTECT, related_name="+")
    source = models.ForeignKey(AlertSource, verbose_name=_("source"), on_delete=models.PROTECT, related_name="alerts")
    external_id = models.CharField(_("identifiant chez la source"), max_length=200)
    host = models.CharField(_("hôte"), max_length=200, blank=True)
    user = models.CharField(_("utilisateur"), max_length=200, blank=True)
    severity = models.CharField(_("sévérité"), max_length=10, choices=Severity.choices)
    title = models.CharField(_("titre"), max_length=300)
    detected_at = models.DateTimeField(_("détectée le"))
    payload = models.JSONField(_("données brutes"), default=dict, blank=True)
    received_at = models.DateTimeField(_("reçue le"), default=timezone.now)
    status = models.CharField(_("statut"), max_length=14, choices=Status.choices, default=Status.NOUVELLE)
    status_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("par"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    status_at = models.DateTimeField(_("le"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("résolue le"), null=True, blank=True)
    host_isolated_at = models.DateTimeField(_("hôte isolé le"), null=True, blank=True)
    ticket = models.ForeignKey(
        Ticket, verbose_name=_("ticket"), null=True, blank=True, on_delete=models.PROTECT, related_name="alerts"
    )
    journal_entry = models.ForeignKey(
        JournalEntry,
        verbose_name=_("entrée de main courante"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("alerte SOC/EDR")
        verbose_name_plural = _("alertes SOC/EDR")
        ordering = ["-detected_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["source", "external_id"], name="alert_unique_per_source")]
        indexes = [
            models.Index(fields=["establishment", "status", "severity"], name="alert_triage"),
            # The lists' order, newest first (the id breaks ties): read from the index, never sorted.
            models.Index(fields=["establishment", "-detected_at", "-id"], name="alert_newest"),
        ]

    def __str__(self) -> str:
        return f"{self.get_severity_display()} — {self.title}"

    def allowed_statuses(self) -> tuple[str, ...]:
        return tuple(self.TRANSITIONS.get(self.status, ()))

    @property
    def moves(self) -> list[tuple[str, str]]:
        return [(status, self.Status(status).label) for status in self.allowed_statuses()]
