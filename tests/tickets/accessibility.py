"""Values for the ids tickets' URLs take, for the accessibility test (tests/e2e/accessibility.py)."""

from tickets.models import Alert, Ticket


def id_values(establishment) -> dict[str, list]:
    tickets = Ticket.objects.filter(establishment=establishment).order_by("pk")
    return {
        "ticket_id": list(tickets.values_list("pk", flat=True)[:1]),
        "alert_id": list(Alert.objects.filter(establishment=establishment).values_list("pk", flat=True)[:1]),
    }
