"""Communication: the crisis directory and call lists (with their SMS), Flash info bulletins, messages prepared
ahead with their acknowledgements, and the log of external communications.

The directory is an establishment's record (kept between crises); everything else belongs to a crisis.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from crisis.models import Crisis, Establishment, Service
from crisis.search import fold

DIRECTORY_TOPIC = "directory"  # establishment topic: the directory's pages
TOPIC = "comms"  # crisis topic: call lists, Flash info, messages, contacts log, acknowledgements


def sort_key(*texts: str) -> str:
    """French alphabetical order as a person reads it: accents, case and punctuation ignored
    ("CERT Santé" after "Carpentier", "Élise" with the E)."""
    return " ".join(" ".join("".join(c if c.isalnum() else " " for c in fold(t or "")).split()) for t in texts)


class DirectoryEntry(models.Model):
    """A person or an outside organisation to reach during a crisis: printed, because at Corbeil the
    staff-recall button did nothing."""

    class Category(models.TextChoices):
        CERT_SANTE = "cert_sante", _("CERT Santé (ANS)")
        ANSSI = "anssi", _("ANSSI")
        ARS = "ars", _("ARS")
        CNIL = "cnil", _("CNIL")
        PRIS = "pris", _("Prestataire de réponse à incident (PRIS)")
        INSURER = "assureur", _("Assureur")
        HOSTING = "hebergeur", _("Hébergeurs")
        GHT = "ght", _("Partenaires du GHT")
        SUPPLIER = "fournisseur", _("Fournisseurs et mainteneurs")
        POLICE = "police", _("Police et gendarmerie")
        PREFECTURE = "prefecture", _("Préfecture")
        SAMU = "samu", _("SAMU")
        PRESS = "presse", _("Presse")
        OTHER = "autre", _("Autres contacts")

    live_topic = DIRECTORY_TOPIC

    establishment = models.ForeignKey(Establishment, on_delete=models.CASCADE, related_name="directory_entries")
    last_name = models.CharField(_("nom"), max_length=100)
    first_name = models.CharField(_("prénom"), max_length=100, blank=True)
    function = models.CharField(_("fonction"), max_length=120, blank=True)
    service = models.ForeignKey(
        Service,
        verbose_name=_("service"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="directory_entries",
    )
    extension = models.CharField(_("poste"), max_length=12, blank=True)
    dect = models.CharField(_("DECT"), max_length=12, blank=True)
    direct_line = models.CharField(_("ligne directe"), max_length=30, blank=True)
    mobile = models.CharField(_("mobile"), max_length=30, blank=True)
    email = models.CharField(_("courriel"), max_length=120, blank=True)
    crisis_role = models.CharField(_("rôle de crise"), max_length=80, blank=True)
    deputy = models.ForeignKey(
        "self", verbose_name=_("suppléant"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    on_call = models.BooleanField(_("astreinte"), default=False)
    on_call_rota = models.CharField(_("tour d'astreinte"), max_length=120, blank=True)
    is_external = models.BooleanField(_("contact extérieur"), default=False)
    category = models.CharField(_("catégorie"), max_length=20, choices=Category.choices, blank=True)
    organisation = models.CharField(_("organisme"), max_length=120, blank=True)
    call_for = models.CharField(_("à appeler pour"), max_length=200, blank=True)
    checked_at = models.DateField(_("vérifiée le"), null=True, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("compte de la console"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Derived at every save: folded text for the search's prefilter, French collation key for lists.
    search_text = models.CharField(max_length=400, editable=False, default="")
    sort_name = models.CharField(max_length=220, editable=False, default="")
    updated_at = models.DateTimeField(_("modifiée le"), auto_now=True)

    class Meta:
        verbose_name = _("entrée d'annuaire")
        verbose_name_plural = _("annuaire de crise")
        ordering = ["sort_name", "pk"]
        indexes = [
            models.Index(fields=["establishment", "last_name", "first_name"], name="directory_estab_name"),
            models.Index(fields=["establishment", "sort_name"], name="directory_estab_sort"),
        ]

    def __str__(self) -> str:
        return f"{self.last_name.upper()} {self.first_name}".strip()

    def derive(self) -> None:
        self.sort_name = sort_key(self.last_name, self.first_name)[:220]
        self.search_text = sort_key(
            self.last_name, self.first_name, self.function, self.organisation, self.crisis_role
        )[:400]

    def save(self, *args, **kwargs):
        self.derive()
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "search_text", "sort_name"}
        super().save(*args, **kwargs)

    @property
    def phones(self) -> list[tuple[str, str]]:
        """Every number, labelled, in the order one dials them in a crisis."""
        labelled = [(_("poste"), self.extension), (_("DECT"), self.dect), (_("direct"), self.direct_line)]
        return [(str(label), n) for label, n in [*labelled, (_("mobile"), self.mobile)] if n]


class CallList(models.Model):
    """An ordered list of people to call for a situation (a service's staff recall, the cell's activation),
    worked through on screen and, where the network is down, by SMS."""

    class Status(models.TextChoices):
        IN_PROGRESS = "en_cours", _("en cours")
        CLOSED = "terminee", _("terminée")

    live_topic = TOPIC

    crisis = models.ForeignKey(Crisis, on_delete=models.CASCADE, related_name="call_lists")
    title = models.CharField(_("situation"), max_length=160)
    message = models.TextField(
        _("message SMS"),
        max_length=600,
        blank=True,
        help_text=_("Envoyé aux personnes non encore jointes. Réponse attendue : « OUI 20 min » ou « NON »."),
    )
    status = models.CharField(_("état"), max_length=20, choices=Status.choices, default=Status.IN_PROGRESS)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("liste d'appel")
        verbose_name_plural = _("listes d'appel")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.title


class Call(models.Model):
    """One person of a call list and what came of calling them."""

    class Outcome(models.TextChoices):
        REACHED = "joint", _("joint")
        NO_ANSWER = "pas_de_reponse", _("pas de réponse")
        MESSAGE_LEFT = "message_laisse", _("message laissé")
        COMING = "vient", _("vient")

    live_topic = TOPIC

    call_list = models.ForeignKey(CallList, on_delete=models.CASCADE, related_name="calls")
    person = models.ForeignKey(DirectoryEntry, verbose_name=_("personne"), on_delete=models.PROTECT, related_name="+")
    position = models.PositiveIntegerField(_("ordre"), default=0)
    outcome = models.CharField(_("résultat"), max_length=20, choices=Outcome.choices, blank=True)
    at = models.DateTimeField(_("à"), null=True, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("par"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    channel = models.CharField(_("canal"), max_length=20, blank=True)  # "téléphone" or "SMS"
    arrival = models.CharField(_("arrivée prévue"), max_length=60, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("appel")
        verbose_name_plural = _("appels")
        ordering = ["position", "pk"]
        constraints = [models.UniqueConstraint(fields=["call_list", "person"], name="call_person_once_per_list")]

    @property
    def reached(self) -> bool:
        return self.outcome in (self.Outcome.REACHED, self.Outcome.COMING)


class Sms(models.Model):
    """One SMS of a call list, queued in the database until the gateway took it: a gateway down loses nothing."""

    class Status(models.TextChoices):
        QUEUED = "en_attente", _("en attente")
        SENT = "envoye", _("remis à la passerelle")
        FAILED = "echec", _("échec")

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="sms")
    number = models.CharField(_("numéro"), max_length=30)
    text = models.TextField(_("texte"))
    status = models.CharField(_("état"), max_length=20, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveIntegerField(default=0)
    error = models.CharField(_("erreur"), max_length=300, blank=True)
    gateway_ref = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("SMS")
        verbose_name_plural = _("SMS")
        ordering = ["pk"]


class FlashInfo(models.Model):
    """A numbered issue of the internal bulletin posted in the services when e-mail is gone."""

    class Status(models.TextChoices):
        DRAFT = "brouillon", _("brouillon")
        VALIDATED = "valide", _("validé")
        PUBLISHED = "publie", _("publié")

    live_topic = TOPIC

    crisis = models.ForeignKey(Crisis, on_delete=models.CASCADE, related_name="flash_infos")
    number = models.PositiveIntegerField(_("numéro"))
    status = models.CharField(_("état"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    headline = models.CharField(_("titre"), max_length=200, blank=True)
    # [{"title", "answer", "count"}], the three main incidents of the last 72 hours, in order.
    incidents = models.JSONField(_("incidents principaux"), default=list, blank=True)
    restored = models.TextField(_("rétabli"), blank=True)
    still_down = models.TextField(_("toujours indisponible"), blank=True)
    zoom = models.TextField(_("zoom sur un service"), blank=True)
    zoom_service = models.ForeignKey(
        Service, verbose_name=_("service du zoom"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    next_due_at = models.DateTimeField(_("prochain numéro prévu le"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    validated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("validé par"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    validated_at = models.DateTimeField(_("validé le"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("publié par"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    published_at = models.DateTimeField(_("publié le"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("Flash info")
        verbose_name_plural = _("Flash info")
        ordering = ["-number"]
        constraints = [models.UniqueConstraint(fields=["crisis", "number"], name="flash_number_unique_per_crisis")]

    def __str__(self) -> str:
        return _("Flash info n°%(n)s") % {"n": self.number}


class MessageTemplate(models.Model):
    """A message prepared ahead, with {placeholders}; each establishment starts from French defaults."""

    class Kind(models.TextChoices):
        STAFF_NOTE = "note_personnel", _("Note au personnel")
        SIGNAGE = "signaletique", _("Signalétique (entrée des urgences)")
        PATIENT_ADVICE = "conseil_patients", _("Conseils aux patients")
        PRESS_RELEASE = "communique_presse", _("Communiqué de presse")
        HOLDING = "declaration_attente", _("Déclaration d'attente (presse)")
        DATA_NOTICE = "personnes_concernees", _("Information des personnes concernées (RGPD art. 34)")
        SUPPLIER = "fournisseurs", _("Note aux fournisseurs")

    establishment = models.ForeignKey(Establishment, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("type"), max_length=30, choices=Kind.choices)
    title = models.CharField(_("titre"), max_length=200)
    body = models.TextField(_("texte"))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("modèle de message")
        verbose_name_plural = _("modèles de message")
        ordering = ["kind", "title", "pk"]

    def __str__(self) -> str:
        return self.title


class Message(models.Model):
    """A message drafted from a template, approved (by, at), published (channel, at), with its next update."""

    class Status(models.TextChoices):
        DRAFT = "brouillon", _("brouillon")
        APPROVED = "approuve", _("approuvé")
        PUBLISHED = "publie", _("publié")

    class Channel(models.TextChoices):
        PAPER = "papier", _("papier (sous les portes, affichage)")
        DISPLAY = "affichage", _("affichage")
        PHONE = "telephone", _("téléphone")
        SMS = "sms", _("SMS")
        PRESS = "presse", _("presse")
        WEBSITE = "site", _("site internet")
        LETTER = "courrier", _("courrier")

    live_topic = TOPIC

    crisis = models.ForeignKey(Crisis, on_delete=models.CASCADE, related_name="messages")
    template = models.ForeignKey(MessageTemplate, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    kind = models.CharField(_("type"), max_length=30, choices=MessageTemplate.Kind.choices)
    title = models.CharField(_("titre"), max_length=200)
    body = models.TextField(_("texte"))
    values = models.JSONField(_("valeurs des champs"), default=dict, blank=True)
    status = models.CharField(_("état"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approuvé par"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("approuvé le"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("publié par"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    published_at = models.DateTimeField(_("publié le"), null=True, blank=True)
    channel = models.CharField(_("canal"), max_length=20, choices=Channel.choices, blank=True)
    next_update_at = models.DateTimeField(_("prochaine mise à jour"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.title


class Acknowledgement(models.Model):
    """A unit a published message was sent to, and whether (when, by whom) it confirmed receipt."""

    live_topic = TOPIC

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="acknowledgements")
    service = models.ForeignKey(Service, verbose_name=_("unité"), on_delete=models.CASCADE, related_name="+")
    acknowledged_at = models.DateTimeField(_("reçu confirmé le"), null=True, blank=True)
    acknowledged_by = models.CharField(_("confirmé par"), max_length=120, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("accusé de réception")
        verbose_name_plural = _("accusés de réception")
        ordering = ["service__position", "service__name", "pk"]
        constraints = [models.UniqueConstraint(fields=["message", "service"], name="ack_once_per_unit")]


class ContactLogEntry(models.Model):
    """A call with the press, an authority or a partner: who, which organisation, about what, the answer
    given and by whom (the spokesperson, not the IT director, handles journalists)."""

    class Direction(models.TextChoices):
        IN = "entrant", _("entrant")
        OUT = "sortant", _("sortant")

    live_topic = TOPIC

    crisis = models.ForeignKey(Crisis, on_delete=models.CASCADE, related_name="contact_logs")
    at = models.DateTimeField(_("à"))
    direction = models.CharField(_("sens"), max_length=10, choices=Direction.choices, default=Direction.IN)
    who = models.CharField(_("interlocuteur"), max_length=120)
    organisation = models.CharField(_("organisme"), max_length=120, blank=True)
    category = models.CharField(_("catégorie"), max_length=20, choices=DirectoryEntry.Category.choices, blank=True)
    topic = models.CharField(_("sujet"), max_length=200)
    answer = models.TextField(_("réponse donnée"), blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("traité par"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("communication extérieure")
        verbose_name_plural = _("journal des communications extérieures")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.who} ({self.organisation})" if self.organisation else self.who
