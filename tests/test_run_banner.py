"""`make run`'s supervisor starts quietly and prints the address and the demo logins last, framed."""

import importlib.machinery
import importlib.util
import sys
import threading
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def run_dev():
    loader = importlib.machinery.SourceFileLoader("run_dev", str(ROOT / "bin" / "run-dev"))
    spec = importlib.util.spec_from_loader("run_dev", loader)
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


def test_the_address_and_demo_logins_come_after_the_childrens_start_up_lines(run_dev, capfd, monkeypatch):
    monkeypatch.setenv("DEMO_USERS", "directeur secretaire observateur")
    monkeypatch.setenv("DEMO_PASSWORD", "demo-crise")
    noisy = [sys.executable, "-c", "import sys, time; print('bannière de démarrage', file=sys.stderr); time.sleep(30)"]
    children = [run_dev.Child("web", noisy, {}), run_dev.Child("worker", noisy, {})]
    started = threading.Event()
    supervisor = run_dev.Supervisor(
        children,
        ready=lambda: started.set() or True,
        on_ready=lambda: print(run_dev.banner(["127.0.0.1"], "8613"), file=sys.stderr, flush=True),
    )
    threading.Timer(3, lambda: setattr(supervisor, "stopping", True)).start()
    supervisor.run()
    err = capfd.readouterr().err
    ready = err.index("Console de crise prête : http://127.0.0.1:8613/")
    assert err.rindex("bannière de démarrage") < ready
    assert err.index("directeur secretaire observateur", ready) > ready
    assert "mot de passe : demo-crise" in err[ready:]


def test_every_child_logs_in_the_display_time_zone_and_celery_without_banners(run_dev, monkeypatch):
    monkeypatch.delenv("TZ", raising=False)
    monkeypatch.setenv("TIME_ZONE", "Europe/Paris")
    env, _addresses = run_dev.environment("127.0.0.1")
    assert env["TZ"] == "Europe/Paris"
    commands = run_dev.commands("python", "127.0.0.1", "8000", "gunicorn")
    assert "--quiet" in commands["worker"] and "--quiet" in commands["beat"]


def test_the_production_shape_logs_in_the_display_time_zone_too():
    compose = (ROOT / "docker-compose.yml").read_text()
    assert "TZ: ${TIME_ZONE:-Europe/Paris}" in compose
