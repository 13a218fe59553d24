"""The core: establishments, memberships, crises, the cell roster, the main courante, the RIDA."""

import unicodedata
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import F
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _

from web.errors import RefusedWrite


class Ght(models.Model):
    """Groupement hospitalier de territoire: groups several establishments."""

    name = models.CharField(_("nom"), max_length=200, unique=True)

    class Meta:
        verbose_name = _("GHT")
        verbose_name_plural = _("GHT")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class LiveVersioned(models.Model):
    """A scope (crisis, establishment) whose live pages poll "anything after version N?".

    Every write that a live page shows calls ``bump`` in its own transaction, so
    the version moves exactly when committed data does; an unchanged version is
    answered 204 from the row the access helper already loaded.
    """

    live_version = models.PositiveBigIntegerField(default=0, editable=False)

    class Meta:
        abstract = True

    @classmethod
    def bump(cls, pk: int) -> None:
        cls.objects.filter(pk=pk).update(live_version=F("live_version") + 1)


class Establishment(LiveVersioned):
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
        from .permissions import capabilities_of

        return self.is_active and capability in capabilities_of(self.role)


class Phase(models.TextChoices):
    ALERTE = "alerte", _("Alerte")
    MOBILISATION = "mobilisation", _("Mobilisation")
    ENDIGUEMENT = "endiguement", _("Endiguement")
    EVICTION = "eviction", _("Éviction / éradication")
    RECONSTRUCTION = "reconstruction", _("Reconstruction")
    SORTIE = "sortie", _("Sortie de crise")
    RETEX = "retex", _("RETEX")


class Crisis(LiveVersioned):
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


class RecordChange(models.Model):
    """History of every record but the journal: who changed what, when, before and after.

    The journal is its own history (append-only); crises, RIDA lines, tickets,
    procedures and beds record each change here through services.history_record.
    """

    class Action(models.TextChoices):
        CREATE = "create", _("création")
        UPDATE = "update", _("modification")
        DELETE = "delete", _("suppression")

    establishment = models.ForeignKey(Establishment, on_delete=models.PROTECT, related_name="+")
    content_type = models.ForeignKey("contenttypes.ContentType", on_delete=models.PROTECT, related_name="+")
    object_id = models.PositiveBigIntegerField()
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("par"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    source = models.CharField(_("source"), max_length=120, blank=True)  # an integration, when changed_by is empty
    changed_at = models.DateTimeField(_("le"), default=timezone.now)
    before = models.JSONField(_("avant"), default=dict, encoder=DjangoJSONEncoder)
    after = models.JSONField(_("après"), default=dict, encoder=DjangoJSONEncoder)

    class Meta:
        verbose_name = _("modification")
        verbose_name_plural = _("historique des modifications")
        ordering = ["-changed_at", "-pk"]
        indexes = [models.Index(fields=["content_type", "object_id", "changed_at"], name="history_of_record")]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.content_type.model} #{self.object_id}"

    def changes(self) -> list[tuple[str, str, str]]:
        """(field label, before, after) for display, in the record's own words."""
        model = self.content_type.model_class()
        rows = []
        for name in sorted(self.before.keys() | self.after.keys()):
            try:
                field = model._meta.get_field(name)
            except FieldDoesNotExist:
                rows.append((name, _shown(self.before.get(name)), _shown(self.after.get(name))))
                continue
            rows.append(
                (str(field.verbose_name), _shown(self.before.get(name), field), _shown(self.after.get(name), field))
            )
        return rows


def _shown(value, field=None) -> str:
    if value in (None, ""):
        return "—"
    if field is not None and field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(field, models.DateTimeField) and isinstance(value, str) and (moment := parse_datetime(value)):
        if timezone.is_naive(moment):
            moment = timezone.make_aware(moment, timezone.get_default_timezone())
        return timezone.localtime(moment).strftime("%d/%m/%Y %H:%M")
    return str(value)


# --- RIDA, points de situation, decisions ------------------------------------


def search_key(*texts) -> str:
    """Lowercase text without accents, for accent-insensitive search on SQLite and PostgreSQL alike."""
    joined = " ".join(str(text) for text in texts if text)
    decomposed = unicodedata.normalize("NFKD", joined)
    return "".join(char for char in decomposed if not unicodedata.combining(char)).casefold()


class Meeting(models.Model):
    """A point de situation of the cell: 30 minutes at most, its agenda built from the RIDA."""

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
        return f"{label} — {timezone.localtime(self.scheduled_at):%d/%m %H:%M}"

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

    class Kind(models.TextChoices):
        INFORMATION = "information", _("Information")
        DECISION = "decision", _("Décision")
        ACTION = "action", _("Action")

    class Status(models.TextChoices):
        A_FAIRE = "a_faire", _("À faire")
        EN_COURS = "en_cours", _("En cours")
        FAIT = "fait", _("Fait")
        ABANDONNE = "abandonne", _("Abandonné")

    OPEN_STATUSES = (Status.A_FAIRE, Status.EN_COURS)
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
        return f"{self.get_gate_display()} — {timezone.localtime(self.occurred_at):%d/%m %H:%M}"
