"""Reads of the obligations app, shared by pages, API, cards and documents."""

from collections import defaultdict
from decimal import Decimal

from django.db.models import QuerySet, Sum
from django.utils import timezone

from crisis.models import Crisis

from .models import Cost, Kind, Obligation
from .services import obligations_ensure


def obligations_of(crisis: Crisis, *, with_done_by: bool = True) -> list[Obligation]:
    """The crisis's obligations in the order of the kinds, each knowing its crisis (deadlines need no query).

    Read first, created on first look only (obligations_ensure) when a kind is missing: a crisis's
    dashboard reads them on every render, one query once they exist. The card shows no member:
    ``with_done_by=False`` spares the join."""
    rows = _rows(crisis, with_done_by)
    if not set(Kind.values) <= {row.kind for row in rows}:
        obligations_ensure(crisis)
        rows = _rows(crisis, with_done_by)
    order = {kind: index for index, (kind, _label) in enumerate(Obligation._meta.get_field("kind").choices)}
    for row in rows:
        row.crisis = crisis
    return sorted(rows, key=lambda row: order.get(row.kind, 99))


def _rows(crisis: Crisis, with_done_by: bool) -> list[Obligation]:
    rows = Obligation.objects.filter(crisis=crisis).order_by()  # sorted by kind below: no join for Meta.ordering
    return list(rows.select_related("done_by") if with_done_by else rows)


def clocks(crisis: Crisis) -> list[dict]:
    """What the card shows of each obligation: its status as said, its deadline, the time left or overdue."""
    now = crisis.closed_at or timezone.now()
    # The kinds' labels translated once (get_kind_display hashes every lazy label at each call).
    labels = {kind: str(label) for kind, label in Obligation._meta.get_field("kind").flatchoices}
    shown = []
    for obligation in obligations_of(crisis, with_done_by=False):
        deadline = obligation.deadline
        status = obligation.shown_status(now)
        shown.append(
            {
                "obligation": obligation,
                "label": labels.get(obligation.kind, obligation.kind),
                "status": status,
                "deadline": deadline,
                "left": abs(deadline - now) if deadline else None,
                "overdue": status == Obligation.Status.EN_RETARD,
                "done": status in (Obligation.Status.FAIT, Obligation.Status.NON_APPLICABLE),
            }
        )
    return shown


def costs_of(crisis: Crisis) -> QuerySet:
    return Cost.objects.filter(crisis=crisis).order_by("date", "pk")


def cost_totals(crisis: Crisis) -> dict:
    """Totals by category (every category, zero included), covered and not, and the whole."""
    by_category = {value: Decimal("0") for value in Cost.Category.values}
    covered = defaultdict(lambda: Decimal("0"))
    rows = costs_of(crisis).values("category", "covered_by").annotate(total=Sum("amount")).order_by()
    for row in rows:
        by_category[row["category"]] += row["total"]
        covered[row["covered_by"] or ""] += row["total"]
    labels = dict(Cost.Category.choices)
    # Cents always: SQLite's SUM of decimals comes back as 500, PostgreSQL's as 500.00.
    cents = Decimal("0.01")
    return {
        "categories": [(value, labels[value], amount.quantize(cents)) for value, amount in by_category.items()],
        "covered": {key: covered.get(key, Decimal("0")).quantize(cents) for key in Cost.CoveredBy.values},
        "total": sum(by_category.values(), Decimal("0")).quantize(cents),
    }
