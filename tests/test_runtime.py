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
from printing import checks

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
    assert [e.id for e in errors] == ["printing.E005"] and "tests.only_a_hard_limit" in errors[0].msg


def test_a_periodic_task_naming_no_registered_task_is_refused_at_start_up(settings):
    settings.CELERY_BEAT_SCHEDULE = {"typo": {"task": "printing.tasks.sweep_print_job", "schedule": 60}}
    assert [e.id for e in checks.task_time_limits()] == ["printing.E006"]


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


def load_run_dev():
    from importlib.machinery import SourceFileLoader
    from importlib.util import module_from_spec, spec_from_loader

    loader = SourceFileLoader("run_dev", str(ROOT / "bin" / "run-dev"))
    module = module_from_spec(spec_from_loader("run_dev", loader))
    loader.exec_module(module)
    return module


def test_make_run_serves_this_machine_only_by_default_over_plain_http(monkeypatch):
    run_dev = load_run_dev()
    for name in ("ALLOWED_HOSTS", "SECURE_SSL_REDIRECT", "SECURE_COOKIES", "SECURE_HSTS_SECONDS"):
        monkeypatch.delenv(name, raising=False)
    env, addresses = run_dev.environment("127.0.0.1")
    assert addresses == ["127.0.0.1"]
    assert env["SECURE_SSL_REDIRECT"] == env["SECURE_COOKIES"] == "false" and env["SECURE_HSTS_SECONDS"] == "0"
    assert env["ALLOWED_HOSTS"].split(",")[:2] == ["127.0.0.1", "localhost"]


def test_host_0_0_0_0_serves_the_local_network_and_names_its_addresses(monkeypatch):
    run_dev = load_run_dev()
    monkeypatch.delenv("ALLOWED_HOSTS", raising=False)
    monkeypatch.setenv("SECURE_COOKIES", "true")  # a cell behind a TLS proxy keeps its choice
    monkeypatch.setattr(run_dev, "local_addresses", lambda: ["192.168.1.20", "10.0.0.5"])
    env, addresses = run_dev.environment("0.0.0.0")
    assert addresses == ["127.0.0.1", "192.168.1.20", "10.0.0.5"]
    assert {"192.168.1.20", "10.0.0.5", "127.0.0.1"} <= set(env["ALLOWED_HOSTS"].split(","))
    assert env["SECURE_COOKIES"] == "true"
    commands = run_dev.commands("python", "0.0.0.0", "8000", "gunicorn")
    assert commands["web"][:3] == ["python", "-m", "gunicorn"] and "0.0.0.0:8000" in commands["web"]
    assert set(commands) == {"web", "worker", "beat"}
    assert run_dev.commands("python", "127.0.0.1", "8000", "runserver")["web"][1:3] == ["manage.py", "runserver"]


def test_the_local_addresses_leave_out_the_loopback():
    addresses = load_run_dev().local_addresses()
    assert all(not a.startswith("127.") and a.count(".") == 3 for a in addresses)
