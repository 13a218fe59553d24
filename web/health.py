"""The health probe for load balancers and supervisors.

``status`` is "ok", "degraded" (the broker is unreachable: pages, logins and print
requests still work, PDFs wait for it) or "error" (the database is unreachable:
nothing works). Only "error" is a 503, so a load balancer keeps sending users to a
console whose broker is down.
"""

from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    state = {"status": "ok", "database": _database_state(), "broker": _broker_state()}
    if state["database"] != "ok":
        state["status"] = "error"
    elif state["broker"] != "ok":
        state["status"] = "degraded"
    return JsonResponse(state, status=503 if state["status"] == "error" else 200)


def _database_state() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as exc:  # noqa: BLE001 — any database failure is reported, the probe must answer
        return f"erreur : {exc.__class__.__name__}"
    return "ok"


def _broker_state() -> str:
    from config.celery import app

    try:
        # One attempt, no retry: the probe must answer at once while the broker is down.
        with app.connection_for_write(connect_timeout=1) as conn:
            conn.ensure_connection(max_retries=0, timeout=1)
    except Exception as exc:  # noqa: BLE001 — kombu raises many transport-specific errors
        return f"injoignable : {exc.__class__.__name__}"
    return "ok"
