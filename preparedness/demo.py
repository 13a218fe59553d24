"""Demo data of preparedness (manage.py seed_demo): an exercise being played on the shared scenario
(injects partly delivered and observed), a year of awareness campaigns."""

from datetime import timedelta
from pathlib import Path

from django.utils import timezone

from crisis.models import Crisis, Establishment, RidaLine
from crisis.services import crisis_create, rida_create, services_seed_defaults

from . import scenarios, services
from .models import Campaign, Exercise, Inject, ReadinessSnapshot

SCENARIO = Path(__file__).with_name("scenarios_data") / "ransomware-night.json"
EXERCISE_TITLE = "Exercice rançongiciel de nuit (chronogramme partagé)"
# (delivered injects' observations, in order): the first eight delivered, six observed.
OBSERVED = [
    ("fait", "Main courante ouverte à la première minute par la secrétaire."),
    ("fait", "Fiche réflexe sortie du classeur rouge."),
    ("en_retard", "Mesures tracées 25 minutes après coup, sans l'heure de la coupure des liens fibre."),
    ("fait", ""),
    ("manque", "Personne n'a désigné les rôles : la cellule s'est constituée sans coordinateur."),
    ("fait", "Message relayé par les cadres ; accusés de réception notés sur papier."),
]
# (months ago, kind, targeted, clicked, reported, services)
CAMPAIGNS = [
    (12, "hameconnage", 950, 171, 48, "Admissions, Finances"),
    (11, "sensibilisation", 120, 0, 0, "Encadrement"),
    (10, "hameconnage", 960, 144, 77, "Admissions, Standard"),
    (8, "hameconnage", 980, 118, 108, "Finances, Logistique"),
    (7, "formation", 60, 0, 0, "DSI, Direction"),
    (6, "hameconnage", 990, 99, 149, "Admissions"),
    (4, "hameconnage", 1000, 80, 190, "Restauration, Logistique"),
    (2, "hameconnage", 1000, 62, 240, "Standard"),
    (1, "sensibilisation", 300, 0, 0, "Urgences, Réanimation"),
]


NEIGHBOUR = ("Centre hospitalier voisin du GHT", "CH-VOISIN")


def seed_demo_data(*, establishment, users) -> None:
    _campaigns(establishment, users["directeur"])
    _snapshots(establishment)
    _neighbour(establishment, users["rssi"])
    if not Crisis.objects.filter(establishment=establishment, title=EXERCISE_TITLE).exists():
        _exercise(establishment, users)


def _neighbour(establishment, rssi) -> None:
    """A second establishment of the GHT, of which no demo account is a member: the GHT view shows its
    name and not its readiness (a member of both would see both scores)."""
    if establishment.ght_id is None:
        return
    neighbour, created = Establishment.objects.get_or_create(
        short_name=NEIGHBOUR[1],
        defaults={"name": NEIGHBOUR[0], "ght_id": establishment.ght_id, "beds": 320, "staff": 600},
    )
    if created:
        services_seed_defaults(establishment=neighbour)
        services.campaign_create(
            establishment=neighbour,
            by=rssi,
            date=timezone.localdate() - timedelta(days=500),
            kind=Campaign.Kind.PHISHING,
            targeted=580,
            clicked=110,
            reported=22,
            services_affected="Admissions",
        )


def _snapshots(establishment) -> None:
    """Past readings of the score, so the page shows a trend from the first visit."""
    today = timezone.localdate()
    for days, score in ((90, 20), (30, 30)):
        ReadinessSnapshot.objects.get_or_create(
            establishment=establishment, day=today - timedelta(days=days), defaults={"score": score, "missing": []}
        )


def _campaigns(establishment, by) -> None:
    if Campaign.objects.filter(establishment=establishment).exists():
        return
    today = timezone.localdate()
    for months, kind, targeted, clicked, reported, affected in CAMPAIGNS:
        services.campaign_create(
            establishment=establishment,
            by=by,
            date=today - timedelta(days=30 * months + 3),
            kind=kind,
            targeted=targeted,
            clicked=clicked,
            reported=reported,
            services_affected=affected,
        )


def _exercise(establishment, users) -> None:
    animator, scribe = users["directeur"], users["secretaire"]
    crisis = crisis_create(
        establishment=establishment,
        by=animator,
        title=EXERCISE_TITLE,
        kind=Crisis.Kind.EXERCICE,
        is_exercise=True,
        detected_at=timezone.now() - timedelta(hours=3),
    )
    services.exercise_update(crisis=crisis, by=animator, level=Exercise.Level.INTERMEDIATE)
    services.injects_import(crisis=crisis, by=animator, lines=scenarios.parse_json(SCENARIO.read_text("utf-8")))
    services.exercise_start(crisis=crisis, by=animator, minutes_before_now=700)  # ten injects due (up to +660 min)
    delivered = list(Inject.objects.filter(crisis=crisis).order_by("offset_minutes", "number")[:8])
    for inject in delivered:
        services.inject_deliver(inject=inject, by=animator)
    for inject, (observation, comment) in zip(delivered, OBSERVED, strict=False):
        services.inject_observe(inject=inject, by=scribe, observation=observation, comment=comment)
    rida_create(
        crisis=crisis,
        by=scribe,
        kind=RidaLine.Kind.ACTION,
        theme="Post-exercice",
        text="Désigner un coordinateur suppléant par garde et l'inscrire dans l'annuaire de crise.",
        source_label="Observation de l'exercice (inject n° 5)",
    )
