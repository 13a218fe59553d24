"""The health probe for load balancers and supervisors."""

from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Database state decides the status code; the broker's is reported, not fatal."""
    state = {"database": "ok", "broker": "ok"}
    status = 200
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as exc:  # noqa: BLE001 — any database failure is reported, the probe must answer
        state["database"] = f"erreur : {exc.__class__.__name__}"
        status = 503
    state["broker"] = _broker_state()
    return JsonResponse(state, status=status)


def _broker_state() -> str:
    from config.celery import app

    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
    except Exception as exc:  # noqa: BLE001 — kombu raises many transport-specific errors
        return f"injoignable : {exc.__class__.__name__}"
    return "ok"
