"""Test settings: the real ones, with fast hashing and per-run temporary folders.

DATABASE_URL and REDIS_URL, when set, still switch to PostgreSQL and Redis.
"""

import os
import tempfile

os.environ.setdefault("SECRET_KEY", "tests-only-secret-key")
os.environ.setdefault("DEBUG", "false")
# Unit tests call the sweeper with no worker: asking workers would only wait for answers (the
# integration tests' workers ask: tests/integration/conftest.py).
os.environ.setdefault("PRINT_SWEEP_ASKS_WORKERS", "false")
os.environ.setdefault("VAR_DIR", tempfile.mkdtemp(prefix="console-tests-"))

from config.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
# Per-process cache: each test starts clean without flushing the Redis that the
# Celery integration tests use as their broker.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}, "fragments": CACHES["fragments"]}  # noqa: F405
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405 — whitenoise warns about a missing folder
# SQLite tests use a file, not memory: the Celery integration tests start a real
# worker process that must see the same database (tests/integration).
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")}  # noqa: F405

# A small feature app that lives in the test tree (tests/example_app): installed like any
# project app, its URLs included by config/urls.py, its declarations found by the registries.
PROJECT_APPS = [*PROJECT_APPS, "tests.example_app"]  # noqa: F405
INSTALLED_APPS = [*INSTALLED_APPS, "tests.example_app"]  # noqa: F405
