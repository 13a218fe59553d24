"""Values for the ids the obligations' URLs take, for the accessibility test (tests/e2e/accessibility.py)."""

from crisis.demo.seed import DEMO_CRISIS_TITLE
from obligations.models import Obligation


def id_values(establishment) -> dict[str, list]:
    # An obligation of the crisis whose pages the test opens (the demo's own): each crisis's obligations
    # are created at its first look, in an order that depends on which crisis was looked at first.
    rows = Obligation.objects.filter(crisis__establishment=establishment, crisis__title=DEMO_CRISIS_TITLE)
    return {"obligation_id": list(rows.order_by("pk").values_list("pk", flat=True)[:1])}
