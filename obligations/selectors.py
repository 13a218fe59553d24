"""Reads of the obligations app, shared by pages, API, cards and documents."""

from collections import defaultdict
from decimal import Decimal

from django.db.models import QuerySet, Sum
from django.utils import timezone

from crisis.models import Crisis

from .models import Cost, Obligation
from .services import obligations_ensure


def obligations_of(crisis: Crisis) -> list[Obligation]:
    """The crisis's obligations in the order of the kinds, each knowing its crisis (deadlines need no query)."""
    obligations_ensure(crisis)
    rows = list(Obligation.objects.filter(crisis=crisis).select_related("done_by"))
    order = {kind: index for index, (kind, _label) in enumerate(Obligation._meta.get_field("kind").choices)}
    for row in rows:
        row.crisis = crisis
    return sorted(rows, key=lambda row: order.get(row.kind, 99))


def clocks(crisis: Crisis) -> list[dict]:
    """What the card shows of each obligation: its status as said, its deadline, the time left or overdue."""
    now = crisis.closed_at or timezone.now()
    shown = []
    for obligation in obligations_of(crisis):
        deadline = obligation.deadline
        status = obligation.shown_status(now)
        shown.append(
            {
                "obligation": obligation,
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
