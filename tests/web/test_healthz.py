"""/healthz: "ok", "degraded" (200) when the broker is down, "error" (503) only when the database is.

The 503 is checked against a real unreachable database in tests/resilience/test_healthz_database.py.
"""

import time

import pytest

from config.celery import app
from tests.integration.conftest import DEAD_BROKER, _use_broker


@pytest.fixture
def dead_broker():
    saved = (app.conf.broker_url, dict(app.conf.broker_transport_options))
    _use_broker(DEAD_BROKER)
    yield
    _use_broker(saved[0])
    app.conf.broker_transport_options = saved[1]


def test_all_is_well_when_database_and_broker_answer(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "broker": "ok"}


def test_a_dead_broker_is_degraded_not_down_and_answers_at_once(client, db, dead_broker):
    started = time.monotonic()
    response = client.get("/healthz")
    assert time.monotonic() - started < 1.5
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "degraded" and body["database"] == "ok"
    assert body["broker"].startswith("injoignable")


def test_the_probe_only_answers_get(client, db):
    assert client.post("/healthz").status_code == 405
