"""Demo data: one establishment in a GHT, one user per role, a ransomware night replayed twice.

- Tonight's crisis, open: detected a few hours before seed_demo runs, replayed up to now
  (what the scenario places later has not happened yet), so its clocks read as a newcomer
  expects on a first screen.
- Last month's crisis, closed: the whole chronology, for history and exports.

Every step is written at its own time (journal, RIDA answers, histories): see `dated`.
Idempotent: users are updated (password included), the crises are created once.
The chronology is a copy of the shared scenario (the project never reads
outside itself at run time).
"""

import json
from contextlib import contextmanager
from datetime import datetime, timedelta
from importlib import import_module
from pathlib import Path

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from crisis import services
from crisis.models import Crisis, Establishment, Ght, Membership, Phase, RecordChange, RidaLine, Role

from .rida import seed_rida

SCENARIO = Path(__file__).with_name("ransomware-night.json")
DEMO_CRISIS_TITLE = "Rançongiciel de nuit"
DEMO_PAST_TITLE = "Rançongiciel du mois dernier"
DETECTED_HOURS_AGO = 9  # tonight's crisis: detected this long before seed_demo runs
DEMO_EXERCISE_TITLE = "Exercice annuel de crise cyber (niveau intermédiaire)"

# username, role, first name, last name, position
DEMO_PEOPLE = [
    ("directeur", Role.DIRECTEUR, "Hélène", "Marchand", "Directrice générale adjointe"),
    ("coordinateur", Role.COORDINATEUR, "Marc", "Lefèvre", "Directeur des opérations"),
    ("secretaire", Role.SECRETAIRE, "Sophie", "Garnier", "Secrétaire de direction"),
    ("communication", Role.COMMUNICATION, "Julie", "Roux", "Chargée de communication"),
    ("soins", Role.SOINS, "Nadia", "Benali", "Directrice des soins"),
    ("qualite", Role.QUALITE, "Pierre", "Fontaine", "Directeur qualité et gestion des risques"),
    ("logistique", Role.LOGISTIQUE, "Karim", "Haddad", "Responsable logistique"),
    ("dsi", Role.DSI, "Thomas", "Girard", "Directeur du système d'information"),
    ("rssi", Role.RSSI, "Camille", "Morel", "RSSI"),
    ("dpo", Role.DPO, "Anne", "Lambert", "Déléguée à la protection des données"),
    ("observateur", Role.OBSERVATEUR, "Luc", "Perrin", "ARS — référent sécurité (lecture seule)"),
    ("pris", Role.EXPERT, "Yann", "Castel", "Prestataire de réponse à incident (PRIS)"),
]

# The superuser of the demo, so that the admin (/admin/) is reachable; no membership: it belongs to no cell.
DEMO_ADMIN = "admin"

# Phase decisions placed in the chronology (minutes after T0).
PHASES_AT = [
    (480, Phase.MOBILISATION, "Activation de la cellule de crise."),
    (545, Phase.ENDIGUEMENT, "Mesures d'endiguement confirmées, mode dégradé généralisé."),
    (2160, Phase.EVICTION, "Investigation du PRIS engagée : éviction de l'attaquant."),
    (20220, Phase.RECONSTRUCTION, "Reconstruction des serveurs depuis des sauvegardes saines."),
]


def seed_demo(*, password: str) -> dict:
    scenario = json.loads(SCENARIO.read_text(encoding="utf-8"))
    with transaction.atomic():
        establishment = _establishment(scenario["establishment"])
        users = {
            username: _person(establishment, username, role, first, last, position, password)
            for username, role, first, last, position in DEMO_PEOPLE
        }
        _admin(password)
    _seed_other_apps(establishment, users)
    created = []
    now = timezone.now()
    if not Crisis.objects.filter(establishment=establishment, title=DEMO_PAST_TITLE).exists():
        t0 = _t0_last_month(now)
        past = _replay_night(establishment, users, scenario["injects"], DEMO_PAST_TITLE, t0, until=now)
        seed_rida(past, users, t0, until=now)
        end = t0 + timedelta(minutes=scenario["injects"][-1]["t"] + 60)
        with dated(end):
            services.crisis_close(crisis=past, by=users["directeur"], note="Retour au fonctionnement normal.")
        created.append(DEMO_PAST_TITLE)
    if not Crisis.objects.filter(establishment=establishment, title=DEMO_CRISIS_TITLE).exists():
        t0 = _t0_tonight(now)
        night = _replay_night(establishment, users, scenario["injects"], DEMO_CRISIS_TITLE, t0, until=now)
        seed_rida(night, users, t0, until=now)
        _roster(night, users)
        created.append(DEMO_CRISIS_TITLE)
    if not Crisis.objects.filter(establishment=establishment, title=DEMO_EXERCISE_TITLE).exists():
        _exercise(establishment, users)
        created.append(DEMO_EXERCISE_TITLE)
    _seed_other_apps(establishment, users, hook="seed_demo_after_crises")  # what fills the crises (tickets)
    return {"establishment": establishment, "users": [p[0] for p in DEMO_PEOPLE] + [DEMO_ADMIN], "created": created}


@contextmanager
def dated(moment: datetime):
    """What the services write inside happens at `moment`: the clock they read is moved there.

    A demo replayed at seeding time would date every RIDA answer and history line from
    tonight, after the events they answer. History rows take their time from a model
    default bound at import, so those written inside (and RIDA lines) are re-dated on the way out.
    """
    real_now = timezone.now
    started = real_now()
    timezone.now = lambda: moment + (real_now() - started)  # keeps ticking: entries stay in order
    try:
        yield
    finally:
        timezone.now = real_now
        RecordChange.objects.filter(changed_at__gte=started).update(changed_at=moment)
        RidaLine.objects.filter(created_at__gte=started).update(created_at=moment)


def _seed_other_apps(establishment, users, hook: str = "seed_demo_data") -> None:
    """Each app may ship a demo.py with seed_demo_data(establishment=, users=), run before the crises are
    replayed, and seed_demo_after_crises(establishment=, users=), run after: the core imports none of them."""
    for config in apps.get_app_configs():
        try:
            module = import_module(f"{config.name}.demo")
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.demo":
                raise
            continue
        if hasattr(module, hook):
            getattr(module, hook)(establishment=establishment, users=users)


def _establishment(data: dict) -> Establishment:
    ght, _ = Ght.objects.get_or_create(name=data["group"])
    establishment, _ = Establishment.objects.update_or_create(
        short_name=data["short_name"],
        defaults={
            "name": data["name"],
            "ght": ght,
            "beds": data["beds"],
            "staff": data["staff"],
            "finess": "999000001",
        },
    )
    return establishment


def _person(establishment, username, role, first, last, position, password):
    user, _ = get_user_model().objects.get_or_create(username=username)
    user.first_name, user.last_name = first, last
    user.email = f"{username}@ch-demo.invalid"
    user.set_password(password)
    user.save()
    Membership.objects.update_or_create(
        user=user, establishment=establishment, defaults={"role": role, "position": position, "is_active": True}
    )
    return user


def _admin(password: str):
    user, _ = get_user_model().objects.get_or_create(username=DEMO_ADMIN)
    user.first_name, user.last_name, user.email = "Admin", "Démo", f"{DEMO_ADMIN}@ch-demo.invalid"
    user.is_staff = user.is_superuser = user.is_active = True
    user.set_password(password)
    user.save()
    return user


def _t0_tonight(now: datetime) -> datetime:
    """T0 of tonight's crisis: the scenario's detection (T0 + 4 h) DETECTED_HOURS_AGO hours before now."""
    return (timezone.localtime(now) - timedelta(hours=DETECTED_HOURS_AGO + 4)).replace(second=0, microsecond=0)


def _t0_last_month(now: datetime) -> datetime:
    """Sunday 23:00 (Paris) seven weeks ago: the whole four-week chronology ended last month."""
    local = timezone.localtime(now) - timedelta(days=49)
    sunday = local - timedelta(days=(local.weekday() + 1) % 7)
    return sunday.replace(hour=23, minute=0, second=0, microsecond=0)


def _replay_night(establishment, users, injects, title, t0, *, until):
    """The scenario from T0, each entry at its own time; what would come after `until` has not happened."""
    at = lambda minutes: t0 + timedelta(minutes=minutes)  # noqa: E731
    scribe = users["secretaire"]
    with dated(min(at(661), until)):  # the record typed once the report was made
        crisis = services.crisis_create(
            establishment=establishment,
            by=users["directeur"],
            title=title,
            kind=Crisis.Kind.CYBERATTAQUE,
            severity=Crisis.Severity.CRITIQUE,
            detected_at=at(240),
            awareness_at=at(265),
            declared_at=at(660) if at(660) <= until else None,
            opened_at=at(480),  # the crisis cell is activated
        )
    phases = [p for p in PHASES_AT if at(p[0]) <= until]
    for inject in (i for i in injects if at(i["t"]) <= until):
        while phases and phases[0][0] <= inject["t"]:
            minutes, phase, note = phases.pop(0)
            with dated(at(minutes)):
                services.crisis_change_phase(
                    crisis=crisis, by=users["directeur"], phase=phase, note=note, at=at(minutes)
                )
        with dated(at(inject["t"]) + timedelta(minutes=2)):  # typed two minutes after it happened
            services.journal_append(
                crisis=crisis,
                by=scribe,
                occurred_at=at(inject["t"]),
                sender=inject["from"],
                recipient=inject["to"],
                channel=inject["channel"],
                kind=inject["kind"],
                priority=inject["priority"],
                text=inject["text"],
            )
    return crisis


def _roster(crisis, users):
    """Who holds which role tonight; each taking of a post written at its own time."""
    now = timezone.now()
    director = users["directeur"]
    posts = [
        (5, Role.DIRECTEUR, "directeur", "coordinateur"),
        (3, Role.SECRETAIRE, "secretaire", None),
        (14, Role.DSI, "dsi", "rssi"),  # there since the night before: the roster must warn
        (9, Role.QUALITE, "soins", None),
    ]
    shifts = {}
    for hours_ago, role, holder, deputy in posts:
        with dated(now - timedelta(hours=hours_ago)):
            shifts[role] = services.shift_start(
                crisis=crisis,
                by=director,
                role=role,
                holder=users[holder],
                deputy=users[deputy] if deputy else None,
                at=now - timedelta(hours=hours_ago),
            )
    with dated(now - timedelta(hours=1)):
        services.shift_hand_over(
            shift=shifts[Role.QUALITE],
            by=director,
            to_holder=users["qualite"],
            summary="RIDA à jour ; 12 signalements ouverts, 3 en attente de réponse de la DSI.",
            at=now - timedelta(hours=1),
        )


def _exercise(establishment, users):
    now = timezone.now()
    crisis = services.crisis_create(
        establishment=establishment,
        by=users["directeur"],
        title=DEMO_EXERCISE_TITLE,
        kind=Crisis.Kind.EXERCICE,
        is_exercise=True,
        severity=Crisis.Severity.MAJEURE,
        detected_at=now - timedelta(days=60, hours=3),
        awareness_at=now - timedelta(days=60, hours=3),
        opened_at=now - timedelta(days=60, hours=3),
    )
    services.journal_append(
        crisis=crisis,
        by=users["secretaire"],
        occurred_at=now - timedelta(days=60, hours=2),
        sender="Animateur",
        recipient="Cellule de crise",
        channel="telephone",
        kind="fait",
        priority="urgent",
        text="Stimulus 1 : le SOC signale un chiffrement en cours sur le serveur de fichiers.",
    )
    services.crisis_close(crisis=crisis, by=users["directeur"], note="Fin de l'exercice ; débriefing à chaud réalisé.")
