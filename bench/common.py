"""What the benchmarks share: a throwaway database of their own, and a live server on it.

Import after django.setup() (each script sets DJANGO_SETTINGS_MODULE, tests.settings by default).
"""

import os
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.test.utils import setup_test_environment


@contextmanager
def throwaway_database(name: str) -> Iterator[None]:
    """A fresh, migrated database for one benchmark, dropped afterwards.

    SQLite: a file, as in production, not the tests' one. PostgreSQL: named after the
    configured database, so two people benchmarking on one server don't collide.
    """
    setup_test_environment()
    connection.settings_dict["TEST"]["NAME"] = (
        str(settings.VAR_DIR / f"bench-{name}.sqlite3")
        if connection.vendor == "sqlite"
        else f"{connection.settings_dict['NAME']}_bench_{name}"
    )
    # One left by an interrupted run is the benchmark's own: dropped without asking.
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        yield
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


@contextmanager
def live_server():
    """The console served on a free port, in this process, on the current database.

    The same server as the browser tests' `live_server` (pytest-django's, static files
    included), so a benchmark drives exactly what tests/e2e drive.
    """
    from pytest_django.live_server_helper import LiveServer

    server = LiveServer("localhost")
    try:
        yield server
    finally:
        server.stop()


def children_cpu_seconds(pid: int) -> float:
    """utime + stime of a process's children (gunicorn's workers: the arbiter does no request work)."""
    ticks = 0
    for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split():
        fields = Path(f"/proc/{child}/stat").read_text().rsplit(")", 1)[1].split()
        ticks += int(fields[11]) + int(fields[12])  # utime, stime: fields 14 and 15 of proc(5)
    return ticks / os.sysconf("SC_CLK_TCK")


def stop_process(process: subprocess.Popen) -> None:
    """SIGTERM, then SIGKILL if it is still there after 15 s."""
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
