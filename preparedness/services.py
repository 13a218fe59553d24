"""Writes of preparedness: exercises and their injects, campaigns, readiness snapshots.

Injects, exercises and campaigns go through the core's record kit (history and live topic in one
transaction). A delivered inject lands in the players' journal through the core's public journal
service, as an exercise message from its simulated sender.
"""

from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from crisis.models import Crisis, Establishment, RidaLine
from crisis.services import journal_append_for_cell, rida_create
from crisis.services.records import record_create, record_update

from .models import Campaign, Exercise, Inject, ReadinessSnapshot
from .scenarios import InjectLine

INJECT_FIELDS = ("number", "offset_minutes", "sender", "recipient", "channel", "kind", "content", "expected_reaction")


def _check_exercise(crisis: Crisis) -> None:
    if not crisis.is_exercise:
        raise ValidationError({"crisis": _("Cette crise n'est pas un exercice : elle n'a pas d'injects.")})
    if crisis.closed_at is not None:
        raise ValidationError({"crisis": _("L'exercice est clos.")})


def exercise_of(crisis: Crisis) -> Exercise:
    """The exercise record of an exercise crisis, created at first need (level débutant, not started)."""
    if not crisis.is_exercise:
        raise ValidationError({"crisis": _("Cette crise n'est pas un exercice : elle n'a pas d'injects.")})
    exercise = Exercise.objects.filter(crisis=crisis).first()
    if exercise is None:
        exercise = record_create(instance=Exercise(crisis=crisis), by=None, source="préparation", crisis=crisis)
    exercise.crisis = crisis
    return exercise


def _move_due_dates(crisis: Crisis, started_at: datetime | None) -> None:
    injects = Inject.objects.filter(crisis=crisis)
    if started_at is None:
        injects.update(due_at=None)
        return
    for pk, offset in injects.values_list("pk", "offset_minutes"):
        Inject.objects.filter(pk=pk).update(due_at=started_at + timedelta(minutes=offset))


def exercise_update(*, crisis: Crisis, by, **changes) -> list:
    """Set the level or the T0; moving T0 moves every inject's due time with it."""
    _check_exercise(crisis)
    exercise = exercise_of(crisis)
    unknown = set(changes) - {"level", "started_at"}
    if unknown:
        raise TypeError(f"not an exercise field: {unknown}")
    with transaction.atomic():
        changed = record_update(
            instance=exercise,
            by=by,
            changes=changes,
            crisis=crisis,
            validate=lambda locked: locked.full_clean(exclude=["crisis"]),
        )
        if any(c.name == "started_at" for c in changed):
            _move_due_dates(crisis, exercise.started_at)
    return changed


def exercise_start(*, crisis: Crisis, by, minutes_before_now: int = 0) -> Exercise:
    """Start the clock: T0 is now, or `minutes_before_now` earlier (a chronogramme whose first inject
    is at +240 min starts at its first inject with minutes_before_now=240)."""
    if not 0 <= minutes_before_now <= 525_600:
        raise ValidationError({"minutes_before_now": _("Entre 0 et 525600 minutes.")})
    exercise_update(crisis=crisis, by=by, started_at=timezone.now() - timedelta(minutes=minutes_before_now))
    return exercise_of(crisis)


def exercise_advance(*, crisis: Crisis, by, minutes: int) -> Exercise:
    """Jump the exercise's clock forward (T0 moved earlier): the next injects fall due sooner."""
    if not 1 <= minutes <= 10_080:
        raise ValidationError({"minutes": _("Entre 1 et 10080 minutes.")})
    exercise = exercise_of(crisis)
    if exercise.started_at is None:
        raise ValidationError({"minutes": _("L'exercice n'a pas commencé : lancez d'abord son horloge.")})
    exercise_update(crisis=crisis, by=by, started_at=exercise.started_at - timedelta(minutes=minutes))
    return exercise_of(crisis)


def injects_import(*, crisis: Crisis, by, lines: list[InjectLine]) -> list[Inject]:
    """Add the chronogramme's lines after those already there, all or none."""
    _check_exercise(crisis)
    if not lines:
        raise ValidationError({"injects": [_("Aucun inject à importer.")]})
    with transaction.atomic():
        Crisis.objects.select_for_update().only("pk").get(pk=crisis.pk)  # numbers are given one import at a time
        exercise = exercise_of(crisis)
        last = Inject.objects.filter(crisis=crisis).aggregate(n=Max("number"))["n"] or 0
        created = []
        for number, line in enumerate(lines, start=last + 1):
            inject = Inject(
                crisis=crisis,
                number=number,
                offset_minutes=line.offset_minutes,
                sender=line.sender,
                recipient=line.recipient,
                channel=line.channel,
                kind=line.kind,
                content=line.content,
                expected_reaction=line.expected_reaction,
                due_at=exercise.started_at + timedelta(minutes=line.offset_minutes) if exercise.started_at else None,
            )
            created.append(
                record_create(
                    instance=inject,
                    by=by,
                    crisis=crisis,
                    fields=INJECT_FIELDS,
                    validate=lambda new: new.full_clean(exclude=["crisis"]),
                )
            )
    return created


def is_due(inject: Inject, now: datetime | None = None) -> bool:
    return inject.due_at is not None and inject.due_at <= (now or timezone.now())


def inject_deliver(*, inject: Inject, by) -> Inject:
    """Write the inject in the players' journal, from its simulated sender, once, when it is due."""
    crisis = inject.crisis
    _check_exercise(crisis)
    with transaction.atomic():
        locked = Inject.objects.select_for_update().get(pk=inject.pk)
        if locked.delivered_at is not None:
            raise ValidationError({"inject": _("Cet inject a déjà été livré.")})
        if not is_due(locked):
            raise ValidationError({"inject": _("Cet inject n'est pas encore à son heure.")})
        entry = journal_append_for_cell(
            crisis=crisis,
            by=None,
            source=_("Exercice — inject n° %(n)s") % {"n": locked.number},
            kind=locked.kind,
            channel=locked.channel,
            sender=locked.sender,
            recipient=locked.recipient or _("Cellule de crise"),
            text=locked.content,
        )
        record_update(
            instance=locked,
            by=by,
            crisis=crisis,
            changes={"delivered_at": entry.recorded_at, "delivered_by": by, "journal_entry": entry},
        )
    inject.delivered_at, inject.delivered_by, inject.journal_entry = locked.delivered_at, by, entry
    return inject


def inject_observe(*, inject: Inject, by, observation: str, comment: str = "", follow_up: bool = False) -> list:
    """An observer marks the expected reaction done, late or missed, with a comment; `follow_up` adds a
    post-exercise action to the exercise's RIDA (a line that outlives the exercise: readiness counts it
    until it is done)."""
    if not inject.crisis.is_exercise:
        raise ValidationError({"observation": _("Cette crise n'est pas un exercice.")})
    if observation not in Inject.Observation.values:
        raise ValidationError({"observation": _("Observation inconnue : faite, en retard ou manquée.")})
    if len(comment) > 4000:
        raise ValidationError({"comment": _("Commentaire trop long (4000 caractères au plus).")})

    def validate(locked: Inject) -> None:
        if locked.delivered_at is None:
            raise ValidationError({"observation": _("Un inject non livré ne s'observe pas encore.")})

    with transaction.atomic():
        changed = record_update(
            instance=inject,
            by=by,
            crisis=inject.crisis,
            changes={"observation": observation, "observation_comment": comment.strip()},
            derive=lambda locked, changed: {"observed_at": timezone.now(), "observed_by": by},
            validate=validate,
        )
        if follow_up:
            rida_create(
                crisis=inject.crisis,
                by=by,
                kind=RidaLine.Kind.ACTION,
                theme=_("Post-exercice"),
                text=_("Inject n° %(n)s (%(observation)s) : %(expected)s%(comment)s")
                % {
                    "n": inject.number,
                    "observation": inject.get_observation_display(),
                    "expected": inject.expected_reaction or inject.content,
                    "comment": f" — {inject.observation_comment}" if inject.observation_comment else "",
                },
                source_label=_("Observation de l'exercice"),
            )
    return changed


def campaign_create(
    *,
    establishment: Establishment,
    by,
    date: date,
    kind: str,
    targeted: int,
    clicked: int = 0,
    reported: int = 0,
    services_affected: str = "",
) -> Campaign:
    campaign = Campaign(
        establishment=establishment,
        date=date,
        kind=kind,
        targeted=targeted,
        clicked=clicked,
        reported=reported,
        services_affected=services_affected.strip(),
    )

    def validate(new: Campaign) -> None:
        errors = {}
        if new.targeted < 1:
            errors["targeted"] = _("Au moins une personne ciblée.")
        elif new.clicked > new.targeted:
            errors["clicked"] = _("Plus de clics que de personnes ciblées.")
        if new.targeted and new.reported > new.targeted:
            errors["reported"] = _("Plus de signalements que de personnes ciblées.")
        if new.date > timezone.localdate():
            errors["date"] = _("Une campagne se saisit une fois faite : la date est dans le futur.")
        if errors:
            raise ValidationError(errors)
        new.full_clean(exclude=["establishment"])

    return record_create(
        instance=campaign,
        by=by,
        validate=validate,
        fields=("date", "kind", "targeted", "clicked", "reported", "services_affected"),
    )


def readiness_snapshot_keep(*, establishment: Establishment, score: int, missing: list[str]) -> None:
    """Today's score, kept once a day (the latest computation of the day wins): the trend's points."""
    ReadinessSnapshot.objects.update_or_create(
        establishment=establishment, day=timezone.localdate(), defaults={"score": score, "missing": missing}
    )


__all__ = [
    "campaign_create",
    "exercise_advance",
    "exercise_of",
    "exercise_start",
    "exercise_update",
    "inject_deliver",
    "inject_observe",
    "injects_import",
    "is_due",
    "readiness_snapshot_keep",
]
