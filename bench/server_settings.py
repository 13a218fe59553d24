"""Settings of the gunicorn server that bench/journal.py starts: the real ones, plus bare views.

The database is the benchmark's throwaway one (BENCH_DATABASE_NAME); the session
engine can be switched (BENCH_SESSION_ENGINE) to compare backends in one run.
Everything else, middleware included, is config.settings as deployed.
"""

import os

from config.settings import *  # noqa: F403

DATABASES["default"]["NAME"] = os.environ["BENCH_DATABASE_NAME"]  # noqa: F405
SESSION_ENGINE = os.environ.get("BENCH_SESSION_ENGINE") or SESSION_ENGINE  # noqa: F405
ROOT_URLCONF = "bench.urls"
# No manifest to build for a benchmark; none of the measured answers renders a template.
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
