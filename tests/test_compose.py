"""docker-compose.yml, the production shape: migrations once, before anything uses the database; every service checked."""

from pathlib import Path

import yaml

COMPOSE = yaml.safe_load((Path(__file__).resolve().parents[1] / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]


def test_migrations_run_once_in_their_own_service_and_nowhere_else():
    assert SERVICES["migrate"]["command"] == ["python", "manage.py", "migrate", "--noinput"]
    assert SERVICES["migrate"]["restart"] == "no"
    for name in ("web", "worker", "beat"):
        assert "migrate" not in str(SERVICES[name]["command"]), name


def test_web_worker_and_beat_start_once_the_migrations_have_completed():
    for name in ("web", "worker", "beat"):
        assert SERVICES[name]["depends_on"]["migrate"] == {"condition": "service_completed_successfully"}, name


def test_every_long_running_service_has_a_healthcheck():
    for name in ("postgres", "redis", "web", "worker", "beat"):
        assert SERVICES[name]["healthcheck"]["test"], name


def test_the_web_workers_start_warm():
    assert "-c python:web.gunicorn_conf" in " ".join(SERVICES["web"]["command"])
