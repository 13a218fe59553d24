"""Settings of the gunicorn that the fault tests start: production's, with the test database's users.

Unlike tests.settings, the cache is the real one (Redis when REDIS_URL is set): the point
is to see what a page needs when Redis dies.
"""

from config.settings import *  # noqa: F403

# Users are created by the test process, which hashes passwords with MD5 (tests.settings).
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# No collectstatic in tests: plain static storage instead of WhiteNoise's manifest.
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
