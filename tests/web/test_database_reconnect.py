"""Persistent PostgreSQL connections cut between requests (a failover, a restart, an idle timeout).

gunicorn serves the app on the test database with persistent connections; the test
terminates every connection of that database but its own (pg_terminate_backend) between
requests, and each page, poll and write must still answer without a 500: the worker
checks its connection before reusing it (CONN_HEALTH_CHECKS) and opens a new one.
PostgreSQL only (SQLite has no server to cut).
"""

import os
import time

import pytest
from django.db import connection

from crisis import services
from tests.integration.conftest import _database_url
from tests.resilience.test_pages_without_redis import Browser, Gunicorn

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="connections are cut on a PostgreSQL server only"
)


@pytest.fixture
def gunicorn(transactional_db, settings):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.resilience.live_settings",
        "DEBUG": "0",
        "SECRET_KEY": "reconnect-tests-only",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_COOKIES": "0",
        "VAR_DIR": str(settings.VAR_DIR),
        "DATABASE_URL": _database_url(),
        "DB_CONN_MAX_AGE": "600",
        "LOG_LEVEL": "WARNING",
    }
    env.pop("REDIS_URL", None)
    server = Gunicorn(env)
    yield server
    server.stop()


def cut_other_connections() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return cursor.fetchone()[0]


def test_pages_and_writes_survive_their_database_connections_being_cut(gunicorn, director, establishment):
    crisis = services.crisis_create(establishment=establishment, by=director, title="Rançongiciel")
    browser = Browser(gunicorn.port)
    browser.log_in("director")
    journal = f"/crises/{crisis.pk}/main-courante/"
    requests = [
        lambda: browser.get(f"/crises/{crisis.pk}/"),
        lambda: browser.get(journal),
        lambda: browser.get(f"{journal}?v=0&after=0", headers={"HX-Request": "true"}),
        lambda: browser.post_form(journal, {"kind": "fait", "text": "Coupure", "priority": "normal"}),
    ]
    statuses, cuts = [], 0
    for _round in range(3):
        for request in requests:
            cuts += cut_other_connections()
            time.sleep(0.05)  # the termination reaches the worker's socket
            statuses.append(request().status)
    assert cuts >= 3, "the worker kept no connection: nothing was cut"
    assert not [status for status in statuses if status >= 500], statuses


def test_a_connection_is_checked_on_its_socket_without_a_round_trip(transactional_db):
    """An idle connection in good health is reused with no statement sent (its backend's last
    statement is still ours); one whose backend the server terminated is not reused."""
    from django.db import connections

    assert type(connections["default"]).__module__ == "web.postgresql.base"
    checked = connections.create_connection("default")
    try:
        with checked.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid() AS checked_connection")
            pid = cursor.fetchone()[0]
        assert checked.is_usable()
        with connection.cursor() as cursor:
            cursor.execute("SELECT query FROM pg_stat_activity WHERE pid = %s", [pid])
            assert "checked_connection" in cursor.fetchone()[0]  # no SELECT 1 since
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
        deadline = time.monotonic() + 5
        while checked.is_usable() and time.monotonic() < deadline:
            time.sleep(0.02)
        assert not checked.is_usable()
    finally:
        checked.close()
