"""Reads of preparedness shared by views, the API, cards and documents."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import QuerySet
from django.utils import timezone

from crisis import live
from crisis.models import Crisis, Establishment

from .models import TOPIC_INJECTS, Campaign, Exercise, Inject

PLAYER_TOPICS = (TOPIC_INJECTS,)


def injects_of(crisis: Crisis) -> QuerySet[Inject]:
    return Inject.objects.filter(crisis=crisis).select_related("observed_by", "delivered_by", "journal_entry")


def exercise_or_none(crisis: Crisis) -> Exercise | None:
    return Exercise.objects.filter(crisis=crisis).first() if crisis.is_exercise else None


def due_count(crisis_id: int, now: datetime | None = None) -> int:
    return Inject.objects.filter(crisis_id=crisis_id, due_at__lte=now or timezone.now()).count()


def player_version(crisis: Crisis, now: datetime | None = None) -> str:
    """The player's version: its injects' topic and how many are due. An inject falling due moves it
    with no write: time alone changes what the animator sees."""
    return f"{live.version(crisis, PLAYER_TOPICS)}.{due_count(crisis.pk, now)}"


@dataclass
class Player:
    exercise: Exercise | None
    due: list[Inject]  # the injects whose time has come, delivered or not, the latest first
    upcoming: int  # how many are not due yet (the animator does not see them ahead)
    next_due_at: datetime | None
    total: int
    delivered: int
    observed: dict[str, int]


def player(crisis: Crisis, now: datetime | None = None) -> Player:
    now = now or timezone.now()
    exercise = exercise_or_none(crisis)
    rows = list(injects_of(crisis))
    due = [i for i in rows if i.due_at is not None and i.due_at <= now][::-1]  # the latest first, like the journal
    later = [i.due_at for i in rows if i.due_at is not None and i.due_at > now]
    observed = {value: 0 for value in Inject.Observation.values}
    for inject in rows:
        if inject.observation:
            observed[inject.observation] += 1
    return Player(
        exercise=exercise,
        due=due,
        upcoming=len(rows) - len(due),
        next_due_at=min(later, default=None),
        total=len(rows),
        delivered=sum(1 for i in rows if i.delivered_at),
        observed=observed,
    )


def exercises_of(establishment: Establishment) -> QuerySet[Crisis]:
    return Crisis.objects.filter(establishment=establishment, is_exercise=True).select_related("exercise")


def campaigns_of(establishment: Establishment) -> QuerySet[Campaign]:
    return Campaign.objects.filter(establishment=establishment)


def latest_campaign(establishment: Establishment, kind: str | None = None) -> Campaign | None:
    campaigns = campaigns_of(establishment)
    return (campaigns.filter(kind=kind) if kind else campaigns).first()


def inject_counts(crisis_ids: list[int]) -> dict[int, dict]:
    """Per exercise: injects, delivered, observed (the exercises' list)."""
    from django.db.models import Count, Q

    rows = (
        Inject.objects.filter(crisis_id__in=crisis_ids)
        .values("crisis_id")
        .annotate(
            total=Count("pk"),
            delivered=Count("pk", filter=Q(delivered_at__isnull=False)),
            observed=Count("pk", filter=~Q(observation="")),
        )
    )
    return {row["crisis_id"]: row for row in rows}
