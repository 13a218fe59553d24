"""Are we ready for tonight? One item per thing the night needs, each computed from its app's data.

Each item says whether it is met (``ok``), in words (``detail``) and where it is fixed (``url``).
The score is the share of items met, in percent; its trend compares it with the last day kept
(ReadinessSnapshot). Exercise crises never count as real ones: only the exercise items read them.

Items whose app has not landed are not listed (not counted as missing): see ITEMS.
"""

from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import timedelta

from django.core.cache import caches
from django.db.models import Count, Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from beds.models import Bed
from comms import selectors as comms_selectors
from comms.models import DIRECTORY_TOPIC, DirectoryEntry
from continuity import selectors as continuity_selectors
from continuity.models import APPLICATIONS_TOPIC, PROCEDURES_TOPIC, Application
from crisis import live
from crisis.models import Crisis, Establishment, RidaLine, Service
from printing.selectors import kit_freshness
from tickets.models import Alert, AlertSource
from web.moments import moment

from .models import TOPIC_CAMPAIGNS, Campaign, ReadinessSnapshot
from .services import readiness_snapshot_keep

BACKUP_CHECK_EVERY = timedelta(days=365)  # a backup is verified (restored on a test) at least once a year
SOC_SILENT_AFTER = timedelta(days=30)  # a source that sent nothing for a month may be disconnected
CAMPAIGN_EVERY = timedelta(days=365)


@dataclass
class Item:
    key: str
    label: str
    ok: bool
    detail: str
    url: str

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass
class Readiness:
    establishment: Establishment
    items: list[Item]
    score: int
    previous_score: int | None
    previous_day: object | None

    @property
    def trend(self) -> int | None:
        return None if self.previous_score is None else self.score - self.previous_score

    @property
    def met(self) -> int:
        return sum(item.ok for item in self.items)

    @property
    def missing(self) -> list[Item]:
        return [item for item in self.items if not item.ok]


def url_of(*names: str, args=()) -> str:
    """The first of these pages that exists: an app's own page, else its admin list."""
    for name in names:
        try:
            return reverse(name, args=args)
        except NoReverseMatch:
            continue
    return ""


# --- the items -------------------------------------------------------------------------------


def paper_kit(establishment: Establishment) -> Item:
    fresh = kit_freshness(establishment)
    stale = fresh.stale_items
    if fresh.last_kit is None:
        detail = _("Le kit papier n'a jamais été imprimé.")
    elif stale:
        detail = ngettext(
            "Imprimé le %(at)s ; %(n)s document a changé depuis.",
            "Imprimé le %(at)s ; %(n)s documents ont changé depuis.",
            len(stale),
        ) % {"at": moment(fresh.last_kit.finished_at, "date"), "n": len(stale)}
    else:
        detail = _("Imprimé le %(at)s ; rien n'a changé depuis.") % {"at": moment(fresh.last_kit.finished_at, "date")}
    return Item(
        "paper_kit",
        _("Kit papier à jour"),
        fresh.last_kit is not None and not stale,
        detail,
        url_of("printing:paper-kit", args=[establishment.pk]),
    )


def procedures_cover_services(establishment: Establishment) -> Item:
    uncovered = [service.name for service in continuity_selectors.gaps(establishment)["services_without_procedure"]]
    detail = (
        _("Chaque service a sa procédure dégradée publiée.")
        if not uncovered
        else ngettext(
            "%(n)s service sans procédure dégradée publiée : %(names)s",
            "%(n)s services sans procédure dégradée publiée : %(names)s",
            len(uncovered),
        )
        % {"n": len(uncovered), "names": ", ".join(uncovered[:6]) + ("…" if len(uncovered) > 6 else ".")}
    )
    return Item(
        "degraded_procedures",
        _("Procédures dégradées pour chaque service"),
        not uncovered,
        detail,
        url_of("continuity:procedures", args=[establishment.pk]),
    )


def procedures_reviewed(establishment: Establishment) -> Item:
    n = len(continuity_selectors.gaps(establishment)["overdue_reviews"])
    detail = (
        _("Aucune procédure publiée n'a dépassé sa date de revue.")
        if not n
        else ngettext(
            "%(n)s procédure a dépassé sa date de revue.", "%(n)s procédures ont dépassé leur date de revue.", n
        )
        % {"n": n}
    )
    return Item(
        "procedures_review",
        _("Procédures revues à temps"),
        n == 0,
        detail,
        url_of("continuity:procedures", args=[establishment.pk]),
    )


def applications_ready(establishment: Establishment) -> Item:
    """Every application of the map has a backup verified within the year (its restart priority is
    required by the map: 1 to 4)."""
    apps = Application.objects.filter(establishment=establishment)
    total = apps.count()
    limit = timezone.localdate() - BACKUP_CHECK_EVERY
    unverified = list(
        apps.filter(Q(backup_verified_at__isnull=True) | Q(backup_verified_at__lt=limit)).values_list("name", flat=True)
    )
    if not total:
        detail = _("La cartographie des applications est vide.")
    elif unverified:
        detail = ngettext(
            "%(n)s application sans sauvegarde vérifiée depuis un an : %(names)s",
            "%(n)s applications sans sauvegarde vérifiée depuis un an : %(names)s",
            len(unverified),
        ) % {"n": len(unverified), "names": ", ".join(unverified[:6]) + ("…" if len(unverified) > 6 else ".")}
    else:
        detail = _("Les %(n)s applications ont une sauvegarde vérifiée et une priorité de redémarrage.") % {"n": total}
    return Item(
        "applications",
        _("Applications : sauvegarde vérifiée, priorité de redémarrage"),
        total > 0 and not unverified,
        detail,
        url_of("continuity:applications", args=[establishment.pk]),
    )


def directory_checked(establishment: Establishment) -> Item:
    entries = DirectoryEntry.objects.filter(establishment=establishment)
    total = entries.count()
    old = entries.filter(Q(checked_at__isnull=True) | Q(checked_at__lt=comms_selectors.stale_before())).count()
    if not total:
        detail = _("L'annuaire de crise est vide.")
    elif old:
        detail = ngettext(
            "%(n)s entrée sur %(total)s non vérifiée depuis 6 mois.",
            "%(n)s entrées sur %(total)s non vérifiées depuis 6 mois.",
            old,
        ) % {"n": old, "total": total}
    else:
        detail = _("Les %(total)s entrées ont été vérifiées depuis moins de 6 mois.") % {"total": total}
    return Item(
        "directory",
        _("Annuaire de crise vérifié"),
        total > 0 and old == 0,
        detail,
        url_of("comms:directory", args=[establishment.pk]),
    )


def beds_configured(establishment: Establishment) -> Item:
    units = Service.objects.filter(establishment=establishment, is_active=True, has_beds=True)
    empty = list(units.annotate(n=Count("unit_beds")).filter(n=0).values_list("name", flat=True))
    if not units.exists():
        detail, ok = _("Aucune unité d'hospitalisation déclarée."), False
    elif empty:
        detail, ok = (
            ngettext("%(n)s unité sans lits : %(names)s.", "%(n)s unités sans lits : %(names)s.", len(empty))
            % {"n": len(empty), "names": ", ".join(empty[:6])},
            False,
        )
    else:
        detail, ok = (
            _("%(beds)s lits dans %(units)s unités.")
            % {"beds": Bed.objects.filter(establishment=establishment, unit__in=units).count(), "units": units.count()},
            True,
        )
    return Item("beds", _("Lits et unités configurés"), ok, detail, url_of("beds:map", args=[establishment.pk]))


def exercise_this_year(establishment: Establishment) -> Item:
    year = timezone.localdate().year
    exercises = list(
        Crisis.objects.filter(establishment=establishment, is_exercise=True, detected_at__year=year)
        .select_related("exercise")
        .order_by("-detected_at")
    )
    done = [c for c in exercises if c.closed_at is not None]
    if done:
        latest = done[0]
        level = getattr(getattr(latest, "exercise", None), "get_level_display", lambda: "")()
        detail = _("« %(title)s » du %(at)s%(level)s, terminé.") % {
            "title": latest.title,
            "at": moment(latest.detected_at, "date"),
            "level": f" ({level})" if level else "",
        }
    elif exercises:
        detail = _("« %(title)s » en cours, pas encore terminé.") % {"title": exercises[0].title}
    else:
        detail = _("Aucun exercice cette année (obligation annuelle).")
    return Item(
        "exercise",
        _("Exercice de l'année fait"),
        bool(done),
        detail,
        url_of("preparedness:exercises", args=[establishment.pk]),
    )


def post_exercise_actions(establishment: Establishment) -> Item:
    open_lines = RidaLine.objects.filter(
        crisis__establishment=establishment,
        crisis__is_exercise=True,
        kind=RidaLine.Kind.ACTION,
        status__in=RidaLine.OPEN_STATUSES,
    )
    n = open_lines.count()
    first = open_lines.order_by("due_at", "pk").values_list("crisis_id", flat=True).first()
    return Item(
        "post_exercise_actions",
        _("Actions post-exercice soldées"),
        n == 0,
        _("Aucune action post-exercice ouverte.")
        if not n
        else ngettext("%(n)s action post-exercice ouverte.", "%(n)s actions post-exercice ouvertes.", n) % {"n": n},
        url_of("crisis:rida", args=[first]) if first else url_of("preparedness:exercises", args=[establishment.pk]),
    )


def last_campaign(establishment: Establishment) -> Item:
    latest = Campaign.objects.filter(establishment=establishment).first()
    recent = latest is not None and latest.date >= timezone.localdate() - CAMPAIGN_EVERY
    if latest is None:
        detail = _("Aucune campagne de sensibilisation enregistrée.")
    elif latest.kind == Campaign.Kind.PHISHING:
        detail = _("%(kind)s du %(at)s : %(click)s %% de clics, %(report)s %% de signalements.") % {
            "kind": latest.get_kind_display().capitalize(),
            "at": moment(latest.date, "date"),
            "click": round(latest.click_rate * 100),
            "report": round(latest.report_rate * 100),
        }
    else:
        detail = _("%(kind)s du %(at)s : %(n)s personnes.") % {
            "kind": latest.get_kind_display().capitalize(),
            "at": moment(latest.date, "date"),
            "n": latest.targeted,
        }
    if latest is not None and not recent:
        detail += " " + _("Plus d'un an : à renouveler.")
    return Item(
        "campaign",
        _("Campagne de sensibilisation de moins d'un an"),
        recent,
        detail,
        url_of("preparedness:campaigns", args=[establishment.pk]),
    )


def pris_on_file(establishment: Establishment) -> Item:
    """A PRIS under contract, reachable from the crisis directory (comms, category PRIS). Obligations keeps a
    crisis's PRIS engagement, not the establishment's contract: the directory is where its number is on file."""
    pris = list(
        DirectoryEntry.objects.filter(establishment=establishment, category=DirectoryEntry.Category.PRIS)
        .exclude(organisation="", last_name="")
        .values_list("organisation", "last_name")[:3]
    )
    names = ", ".join(organisation or last_name for organisation, last_name in pris)
    return Item(
        "pris_contract",
        _("Prestataire de réponse à incident (PRIS) sous contrat"),
        bool(pris),
        _("PRIS dans l'annuaire de crise : %(names)s.") % {"names": names}
        if pris
        else _("Aucun PRIS dans l'annuaire de crise : le contrat et son numéro d'appel doivent y figurer."),
        url_of("comms:directory", args=[establishment.pk]),
    )


def soc_source(establishment: Establishment) -> Item:
    """A SOC/EDR source connected (active) and its last alert received: a silent source may be a broken one."""
    sources = AlertSource.objects.filter(establishment=establishment, is_active=True)
    last = (
        Alert.objects.filter(establishment=establishment)
        .order_by("-received_at")
        .values_list("received_at", flat=True)
        .first()
    )
    if not sources.exists():
        detail, ok = _("Aucune source SOC/EDR connectée."), False
    elif last is None:
        detail, ok = _("Source connectée, mais aucune alerte reçue : à tester."), False
    else:
        ok = last >= timezone.now() - SOC_SILENT_AFTER
        detail = _("Dernière alerte reçue le %(at)s.") % {"at": moment(last, "date_time")}
        if not ok:
            detail += " " + _("Plus de 30 jours sans alerte : vérifier la connexion.")
    return Item(
        "soc_source", _("Source SOC/EDR connectée"), ok, detail, url_of("tickets:alerts", args=[establishment.pk])
    )


# In the page's order. Each function takes the establishment and returns its Item.
ITEMS: list[Callable[[Establishment], Item]] = [
    paper_kit,
    procedures_cover_services,
    procedures_reviewed,
    applications_ready,
    directory_checked,
    beds_configured,
    exercise_this_year,
    post_exercise_actions,
    last_campaign,
    pris_on_file,
    soc_source,
]


def score_of(items: list[Item]) -> int:
    return round(100 * sum(item.ok for item in items) / len(items)) if items else 0


# What moves the items outside a crisis: campaigns, prints, procedures, applications, the directory.
# Not the topics that move all night during a crisis (its RIDA and phases, beds, alerts): the home
# page's card would re-render at every poll. The card follows these; its cached value is keyed by them.
FOLLOWS = (TOPIC_CAMPAIGNS, "prints", PROCEDURES_TOPIC, APPLICATIONS_TOPIC, DIRECTORY_TOPIC)
CACHE_SECONDS = 600  # what the followed topics do not see (beds, alerts, exercises) shows within ten minutes


def readiness_cached(establishment: Establishment) -> Readiness:
    """The readiness as the home page's card and the GHT view show it: computed once per process for the
    current counters of FOLLOWS (a campaign or a procedure changed shows at once), else for ten minutes.
    The readiness page, the API and the printed report compute it afresh."""
    key = ":".join(
        [
            "readiness",
            str(establishment.pk),
            get_language() or "",
            str(timezone.localdate()),
            live.version(establishment, FOLLOWS),
        ]
    )
    cache = caches["fragments"]
    found = cache.get(key)
    if found is None:
        found = readiness(establishment)
        cache.set(key, found, CACHE_SECONDS)
    found.establishment = establishment
    return found


def readiness(establishment: Establishment, *, keep: bool = False) -> Readiness:
    """Every item, the score and the previous day's score; `keep` records today's (the page does)."""
    items = [compute(establishment) for compute in ITEMS]
    score = score_of(items)
    previous = (
        ReadinessSnapshot.objects.filter(establishment=establishment, day__lt=timezone.localdate())
        .order_by("-day")
        .first()
    )
    if keep:
        readiness_snapshot_keep(
            establishment=establishment, score=score, missing=[item.key for item in items if not item.ok]
        )
    return Readiness(
        establishment=establishment,
        items=items,
        score=score,
        previous_score=previous.score if previous else None,
        previous_day=previous.day if previous else None,
    )


def keep_all() -> int:
    """Every establishment's reading of the day (the nightly task): the trend then has a point each day,
    whether anyone opened the page or not."""
    establishments = list(Establishment.objects.all())
    for establishment in establishments:
        readiness(establishment, keep=True)
    return len(establishments)
