"""Reads of continuity, shared by pages, the API, documents and other apps (comms' Flash info).

Public names other apps rely on: published_procedures, situation, restart_plan.
"""

import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import F, QuerySet
from django.utils import timezone

from crisis.models import Crisis, Establishment, Service

from .models import Application, ApplicationStatus, Procedure, ProcedureVersion, ReentryDay, ReentryKind, Workaround

# --- procedures ------------------------------------------------------------------------


def procedures_of(establishment: Establishment) -> QuerySet:
    return (
        Procedure.objects.filter(establishment=establishment)
        .select_related("service", "validated_by")
        .prefetch_related("trigger_applications")
    )


def published_procedures(establishment: Establishment, service: Service | None = None) -> QuerySet:
    """The latest published version of each procedure of the establishment (of one service if given),
    in the services' order: what is in force. Each version carries its procedure (and its service)."""
    versions = ProcedureVersion.objects.filter(
        procedure__establishment=establishment, number=F("procedure__version")
    ).select_related("procedure", "procedure__service", "validated_by")
    if service is not None:
        versions = versions.filter(procedure__service=service)
    return versions.order_by(
        "procedure__service__position", "procedure__service__name", "procedure__kind", "title", "pk"
    )


def versions_of(procedure: Procedure) -> QuerySet:
    return procedure.versions.select_related("validated_by").order_by("-number")


def gaps(establishment: Establishment, today: date | None = None) -> dict:
    """Services with no published procedure at all, and published procedures whose review is overdue."""
    today = today or timezone.localdate()
    covered = set(
        Procedure.objects.filter(establishment=establishment, version__gt=0).values_list("service_id", flat=True)
    )
    services = [s for s in Service.objects.filter(establishment=establishment, is_active=True) if s.pk not in covered]
    overdue = list(
        Procedure.objects.filter(establishment=establishment, version__gt=0, review_due__lt=today)
        .select_related("service")
        .order_by("review_due", "title")
    )
    return {"services_without_procedure": services, "overdue_reviews": overdue}


# --- restart plan ----------------------------------------------------------------------


@dataclass
class PlanStep:
    application: Application
    waits_for: list[str] = field(default_factory=list)


@dataclass
class RestartPlan:
    waves: list[list[PlanStep]]
    cycles: list[list[str]]
    blocked: list[str]  # depend (directly or not) on a cycle: they wait until it is broken


def _graph(establishment: Establishment) -> tuple[dict[int, Application], dict[int, list[int]]]:
    """Two queries (one without applications): the applications, and every dependency as (application, dependency) ids."""
    apps = {a.pk: a for a in Application.objects.filter(establishment=establishment).order_by("priority", "name")}
    deps: dict[int, list[int]] = defaultdict(list)
    if not apps:
        return apps, deps
    through = Application.depends_on.through
    for source, target in through.objects.filter(from_application__establishment=establishment).values_list(
        "from_application_id", "to_application_id"
    ):
        if source in apps and target in apps:
            deps[source].append(target)
    return apps, deps


def _cycles(nodes: set[int], deps: dict[int, list[int]]) -> list[list[int]]:
    """Strongly connected components (Tarjan, iterative) of the remaining nodes that are real cycles."""
    index: dict[int, int] = {}
    low: dict[int, int] = {}
    on_stack: set[int] = set()
    stack: list[int] = []
    found: list[list[int]] = []
    counter = 0
    for root in sorted(nodes):
        if root in index:
            continue
        work = [(root, iter(deps.get(root, ())))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            advanced = False
            for child in children:
                if child not in nodes:
                    continue
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(deps.get(child, ()))))
                    advanced = True
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            if advanced:
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1 or node in deps.get(node, ()):
                    found.append(component)
    return found


def compute_plan(apps: dict[int, Application], deps: dict[int, list[int]]) -> RestartPlan:
    """Waves of a topological sort (Kahn): wave n holds what depends only on earlier waves, each wave
    by priority then name. What is left is a cycle, or waits on one: reported, never looped over."""
    remaining = {pk: len(set(deps.get(pk, ()))) for pk in apps}
    dependents: dict[int, list[int]] = defaultdict(list)
    for source, targets in deps.items():
        for target in set(targets):
            dependents[target].append(source)
    key = lambda pk: (apps[pk].priority, apps[pk].name.lower(), pk)  # noqa: E731
    ready = sorted((pk for pk, n in remaining.items() if n == 0), key=key)
    waves: list[list[PlanStep]] = []
    placed: set[int] = set()
    while ready:
        wave = []
        following = []
        for pk in ready:
            placed.add(pk)
            names = sorted({apps[d].name for d in deps.get(pk, ())}, key=str.lower)
            wave.append(PlanStep(apps[pk], names))
            for dependent in dependents[pk]:
                remaining[dependent] -= 1
                if remaining[dependent] == 0:
                    following.append(dependent)
        waves.append(wave)
        ready = sorted(following, key=key)
    left = set(apps) - placed
    cycles = _cycles(left, deps) if left else []
    in_cycle = {pk for c in cycles for pk in c}
    cycle_names = [sorted((apps[pk].name for pk in c), key=str.lower) for c in cycles]
    blocked = sorted((apps[pk].name for pk in left - in_cycle), key=str.lower)
    return RestartPlan(waves=waves, cycles=sorted(cycle_names), blocked=blocked)


def restart_plan(establishment: Establishment) -> RestartPlan:
    """The establishment's restart order: waves that respect dependencies, priorities within a wave,
    each application with what it waits for; cycles reported with their members."""
    return compute_plan(*_graph(establishment))


def dependency_graph(establishment: Establishment) -> tuple[dict[int, Application], dict[int, list[int]]]:
    return _graph(establishment)


# --- the situation during a crisis -------------------------------------------------------------

DOWN = (ApplicationStatus.Status.DOWN, ApplicationStatus.Status.DEGRADED)


@dataclass
class SituationRow:
    application: Application
    status: ApplicationStatus | None  # None: not reported in this crisis
    restartable_now: bool
    waits_for: list[str]  # the dependencies still down or degraded
    procedures: list[ProcedureVersion]  # procedures in force because this application is down

    @property
    def status_value(self) -> str | None:
        return self.status.status if self.status else None

    @property
    def is_down(self) -> bool:
        return self.status_value in DOWN


@dataclass
class Situation:
    rows: list[SituationRow]
    procedures_in_force: list[ProcedureVersion]

    @property
    def down(self) -> list[SituationRow]:
        return [r for r in self.rows if r.status_value == ApplicationStatus.Status.DOWN]

    @property
    def degraded(self) -> list[SituationRow]:
        return [r for r in self.rows if r.status_value == ApplicationStatus.Status.DEGRADED]

    @property
    def restartable(self) -> list[SituationRow]:
        return [r for r in self.rows if r.restartable_now]


def situation(crisis: Crisis) -> Situation:
    """Each application of the crisis's establishment with its status in this crisis, whether it can be
    restarted now (it is down or degraded and nothing it depends on is), and the procedures in force
    because of what is down. Four queries (one without applications)."""
    establishment = Establishment(pk=crisis.establishment_id)
    apps, deps = _graph(establishment)
    if not apps:  # no map of applications yet: nothing to show, nothing more to ask
        return Situation(rows=[], procedures_in_force=[])
    statuses = {s.application_id: s for s in ApplicationStatus.objects.filter(crisis=crisis)}
    down_ids = {pk for pk, s in statuses.items() if s.status in DOWN}
    by_trigger: dict[int, list[ProcedureVersion]] = defaultdict(list)
    if down_ids:
        through = Procedure.trigger_applications.through
        links = defaultdict(list)
        for procedure_id, application_id in through.objects.filter(application_id__in=down_ids).values_list(
            "procedure_id", "application_id"
        ):
            links[procedure_id].append(application_id)
        for version in published_procedures(establishment).filter(procedure_id__in=links):
            for application_id in links[version.procedure_id]:
                by_trigger[application_id].append(version)
    rows = []
    in_force: dict[int, ProcedureVersion] = {}
    for pk, application in apps.items():
        waiting = sorted({apps[d].name for d in deps.get(pk, ()) if d in down_ids}, key=str.lower)
        procedures = by_trigger.get(pk, [])
        for version in procedures:
            in_force[version.pk] = version
        rows.append(
            SituationRow(
                application=application,
                status=statuses.get(pk),
                restartable_now=pk in down_ids and not waiting,
                waits_for=waiting,
                procedures=procedures,
            )
        )
    ordered = sorted(in_force.values(), key=lambda v: (v.procedure.service.position, v.procedure.service.name, v.title))
    return Situation(rows=rows, procedures_in_force=ordered)


def workarounds_of(crisis: Crisis) -> QuerySet:
    return Workaround.objects.filter(crisis=crisis).select_related("service", "application")


# --- re-entry backlog ----------------------------------------------------------------------

RATE_DAYS = 14  # the rate is the mean of the days recorded over the last two weeks


def add_working_days(start: date, days: int) -> date:
    """The date `days` working days (Monday to Friday) after `start`."""
    weeks, rest = divmod(days, 5)
    end = start + timedelta(weeks=weeks)
    while rest:
        end += timedelta(days=1)
        if end.weekday() < 5:
            rest -= 1
    return end


@dataclass
class ReentryRow:
    reentry: ReentryKind
    done: int
    per_day: float
    projected_end: date | None

    @property
    def total(self) -> int:
        return self.reentry.total

    @property
    def left(self) -> int:
        return max(self.reentry.total - self.done, 0)


def reentry_backlog(establishment: Establishment, today: date | None = None) -> list[ReentryRow]:
    """Per kind: the total, what is done, the recent rate (entries per recorded day over the last two
    weeks) and the projected end in working days at that rate (None without a rate)."""
    today = today or timezone.localdate()
    since = today - timedelta(days=RATE_DAYS)
    done: dict[int, int] = defaultdict(int)
    recent: dict[int, list[int]] = defaultdict(list)
    for reentry_id, day, count in ReentryDay.objects.filter(establishment=establishment).values_list(
        "reentry_id", "day", "count"
    ):
        done[reentry_id] += count
        if day > since:
            recent[reentry_id].append(count)
    rows = []
    for kind in ReentryKind.objects.filter(establishment=establishment).order_by("kind"):
        counts = recent[kind.pk]
        per_day = sum(counts) / len(counts) if counts else 0.0
        left = max(kind.total - done[kind.pk], 0)
        if left == 0:
            end = today
        elif per_day > 0:
            end = add_working_days(today, math.ceil(left / per_day))
        else:
            end = None
        rows.append(ReentryRow(kind, done[kind.pk], round(per_day, 1), end))
    return rows
