"""How the console starts: settings with no environment, the secret key, Celery's limits and schedules."""

import shutil
import stat
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from celery.schedules import crontab

from config import settings as config_settings
from config.celery import app, time_limits
from continuity import checks

ROOT = Path(__file__).resolve().parents[1]


def test_every_task_has_consistent_time_limits_and_every_periodic_task_exists():
    assert checks.task_time_limits() == []


def test_a_task_with_only_a_hard_limit_below_the_global_soft_one_is_refused_at_start_up():
    @app.task(name="tests.only_a_hard_limit", time_limit=60)  # the global soft limit is 570 s
    def only_a_hard_limit():
        pass

    try:
        errors = checks.task_time_limits()
    finally:
        app.tasks.unregister("tests.only_a_hard_limit")
    assert [e.id for e in errors] == ["continuity.E003"] and "tests.only_a_hard_limit" in errors[0].msg


def test_a_periodic_task_naming_no_registered_task_is_refused_at_start_up(settings):
    settings.CELERY_BEAT_SCHEDULE = {"typo": {"task": "continuity.tasks.sweep_print_job", "schedule": 60}}
    assert [e.id for e in checks.task_time_limits()] == ["continuity.E004"]


def test_time_limits_put_the_soft_limit_first():
    assert time_limits(60) == {"time_limit": 60, "soft_time_limit": 45}
    with pytest.raises(ValueError):
        time_limits(10)


def test_schedules_are_crontab_fields_or_seconds(monkeypatch):
    monkeypatch.setenv("SCHEDULE", "30 2 * * *")
    assert config_settings.env_schedule("SCHEDULE", "60") == crontab(minute="30", hour="2")
    monkeypatch.setenv("SCHEDULE", "5")
    assert config_settings.env_schedule("SCHEDULE", "60") == timedelta(seconds=5)
    for wrong in ("0", "every minute", "2 * * *"):
        monkeypatch.setenv("SCHEDULE", wrong)
        with pytest.raises(ValueError, match="SCHEDULE"):
            config_settings.env_schedule("SCHEDULE", "60")


def test_a_secret_key_is_generated_once_private_and_kept(tmp_path):
    key = config_settings.generated_secret_key(tmp_path)
    assert len(key) >= 50
    assert stat.S_IMODE((tmp_path / "secret_key").stat().st_mode) == 0o600
    assert config_settings.generated_secret_key(tmp_path) == key
    assert [p.name for p in tmp_path.iterdir()] == ["secret_key"]  # no temporary file left


def test_manage_py_works_on_a_fresh_checkout_with_no_environment_at_all(tmp_path):
    checkout = tmp_path / "console"
    shutil.copytree(
        ROOT, checkout, ignore=shutil.ignore_patterns(".git", ".venv", "var", "__pycache__", "*.egg-info", "bench")
    )
    for command in (["check"], ["migrate", "--noinput", "-v0"], ["showmigrations", "crisis"]):
        result = subprocess.run(
            [sys.executable, "manage.py", *command], cwd=checkout, env={}, capture_output=True, text=True, timeout=300
        )
        assert result.returncode == 0, result.stderr[-2000:]
    assert (checkout / "var" / "secret_key").exists() and (checkout / "var" / "console.sqlite3").exists()
