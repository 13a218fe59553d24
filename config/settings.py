"""Settings for the crisis console: one module, every knob an environment variable.

With no variable set, the console runs on one machine with nothing else installed:
SQLite (WAL) and files in ``var/``, Celery on kombu's filesystem transport.
``DATABASE_URL`` switches to PostgreSQL, ``REDIS_URL`` to Redis (broker and cache).
"""

import os
import secrets
import tempfile
from datetime import timedelta
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    if raw.lower() in {"1", "true", "yes", "on"}:
        return True
    if raw.lower() in {"0", "false", "no", "off"}:
        return False
    raise ValueError(f"{name} must be a boolean (true/false), got {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ValueError(f"{name} must be an integer, got {raw!r}") from None


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in env_str(name, default).split(",") if item.strip()]


def env_schedule(name: str, default: str) -> crontab | timedelta:
    """A beat schedule: five crontab fields ("30 2 * * *"), or a number of seconds between runs."""
    raw = env_str(name, default).strip()
    fields = raw.split()
    if len(fields) == 5:
        return crontab(*fields)
    if raw.isdigit() and int(raw) > 0:
        return timedelta(seconds=int(raw))
    raise ValueError(f"{name} must be five crontab fields or a number of seconds, got {raw!r}")


def generated_secret_key(folder: Path, name: str = "secret_key") -> str:
    """The key generated once into ``folder/name``, so that a fresh checkout runs with no variable set.

    Created with a hard link from a private temporary file: when several processes start at once
    (gunicorn workers, Celery), exactly one key wins and every process reads that one.
    """
    path = folder / name
    if not path.exists():
        fd, temporary = tempfile.mkstemp(dir=folder, prefix=f".{name}-")  # mode 0600
        try:
            os.write(fd, secrets.token_urlsafe(64).encode())
            os.close(fd)
            os.link(temporary, path)
        except FileExistsError:
            pass  # another process was first: use its key
        finally:
            os.unlink(temporary)
    return path.read_text().strip()


VAR_DIR = Path(env_str("VAR_DIR", str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)


DEBUG = env_bool("DEBUG", False)
# Servers share a key through SECRET_KEY (docker-compose.yml requires it); one machine keeps its own in var/.
SECRET_KEY = env_str("SECRET_KEY") or generated_secret_key(VAR_DIR)
# The main courante's chain is an HMAC with this key, kept outside the database: database rights alone
# cannot re-chain a rewritten journal (crisis/services/journal.py). Servers share it through JOURNAL_KEY;
# one machine keeps its own in var/. After a rotation the previous keys stay in JOURNAL_OLD_KEYS
# (comma-separated) so that the entries they chained still verify.
JOURNAL_KEY = env_str("JOURNAL_KEY") or generated_secret_key(VAR_DIR, "journal_key")
JOURNAL_OLD_KEYS = env_list("JOURNAL_OLD_KEYS", "")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

# The project's own apps, in their layer order (pyproject.toml's import contracts): each app's urls.py,
# where it has one, is included by config/urls.py in this order.
PROJECT_APPS = [
    "web",
    "crisis",
    "printing",
    "continuity",
    "beds",
    "tickets",
    "comms",
    "obligations",
    "preparedness",
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "template_partials",
    "csp",
    *PROJECT_APPS,
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Outside everything below, so even a refused body or a static file gets the policy.
    "web.security.CSPMiddleware",  # django-csp's, its policy built once (web/security.py)
    # Before anything reads request.POST (CSRF does): an oversized body is refused unread.
    "web.security.RequestSizeLimitMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "web.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    # Django's, taking the user that web.sessions read with the session (one query for both).
    "web.auth.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
            ],
        },
    },
]

# Database: SQLite in var/ unless DATABASE_URL is set.
DATABASE_URL = env_str("DATABASE_URL")
if DATABASE_URL:
    # Persistent connections, checked before a request reuses one: a connection the server cut
    # (restart, failover, idle timeout) is replaced instead of answering 500 (tests/web/test_database_reconnect.py),
    # the check made on the socket, without a round trip to the server (web/postgresql/base.py).
    DATABASES = {
        "default": dj_database_url.parse(
            DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 60), conn_health_checks=True
        )
    }
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        DATABASES["default"]["ENGINE"] = "web.postgresql"
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "console.sqlite3",
            "OPTIONS": {
                # IMMEDIATE: writers wait for the lock instead of failing with "database is locked".
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Redis as broker and cache when REDIS_URL is set; otherwise files under var/.
# Nothing a page or a login needs is in the cache (see "Sessions and login throttling"
# below); short socket timeouts so that a future use of it fails fast, not after seconds.
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "web.redis_cache.RedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": VAR_DIR / "cache",
        }
    }
# HTML of journal entries, which never change once written (web/fragments.py): kept in
# each process's memory, so a page reads them with no round trip and a Redis outage
# cannot touch them. About 1.5 KB an entry.
CACHES["fragments"] = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "fragments",
    "TIMEOUT": None,
    "OPTIONS": {"MAX_ENTRIES": env_int("FRAGMENT_CACHE_ENTRIES", 20_000)},
}
# What the whole cell asks for at once (shared cards, journal poll answers) is also kept in
# Redis for the other processes: one worker renders a change for all. Never needed: the
# short timeouts and web.fragments' pause after a failure keep an outage off the pages.
if REDIS_URL:
    CACHES["shared_fragments"] = {
        "BACKEND": "web.redis_cache.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "fragments",
        "TIMEOUT": 600,
        "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
    }

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "crisis:home"
LOGOUT_REDIRECT_URL = "web:login"

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("Français")), ("en", _("Anglais"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env_str("TIME_ZONE", "Europe/Paris")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(VAR_DIR / "static")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# Journal attachments (photos of paper notes): size cap in bytes.
ATTACHMENT_MAX_BYTES = env_int("ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024)
# Any request body over this is refused from its Content-Length, never parsed (web.security):
# an attachment plus room for the form's fields.
REQUEST_MAX_BYTES = env_int("REQUEST_MAX_BYTES", ATTACHMENT_MAX_BYTES + 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = REQUEST_MAX_BYTES
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

# --- Sessions and login throttling: nothing here may depend on Redis -------------------
# The broker is the part most likely to die in a bad night, and a login or a page must not
# die with it. Sessions live in the database (SESSION_ENGINE below, Django's `db` engine
# subclassed): the session row is read by primary key, as cached_db did on a cache miss, and a
# Redis outage cannot reach it; signed cookies would save that read but cannot be revoked
# server-side (logout, password change). Failed-login counters live in the database too
# (web.models.LoginFailure), one row per account and address: a failed login is rare, a
# success costs one indexed read.
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 14 * 3600)  # a long shift, not a week
# Per account *and* address (see web/ratelimit.py): a few free failures, then a growing delay
# between attempts, then refusal for the window. Nothing is ever locked for every address.
LOGIN_FREE_FAILURES = env_int("LOGIN_FREE_FAILURES", 3)
LOGIN_MAX_FAILURES = env_int("LOGIN_MAX_FAILURES", 10)
LOGIN_MAX_DELAY = env_int("LOGIN_MAX_DELAY", 60)
LOGIN_FAILURE_WINDOW = env_int("LOGIN_FAILURE_WINDOW", 15 * 60)
# An account (or an address) failing this often in the window is under attack: every
# address that fails for it is then delayed from its first failure and refused after
# LOGIN_FREE_FAILURES. An address that has not failed for the account still gets in.
LOGIN_MAX_FAILURES_PER_USER = env_int("LOGIN_MAX_FAILURES_PER_USER", 50)
LOGIN_MAX_FAILURES_PER_ADDRESS = env_int("LOGIN_MAX_FAILURES_PER_ADDRESS", 30)
# A browser that has logged in to an account keeps a signed device cookie for it this long (days):
# its attempts for that account are counted apart from its address's, so an attacker behind the
# same 4G router cannot lock the member out (web.ratelimit, OWASP's device cookies).
LOGIN_DEVICE_COOKIE_DAYS = env_int("LOGIN_DEVICE_COOKIE_DAYS", 180)
# Behind a reverse proxy every request comes from the proxy: name the header that carries
# the client's address (e.g. HTTP_X_REAL_IP), set by the proxy, never by the client.
CLIENT_IP_HEADER = env_str("CLIENT_IP_HEADER")
# --- end of sessions and login throttling ------------------------------------------------

# --- Cost of an authenticated request (docs/performance.md) ------------------------------
# Every authenticated request reads its session and its user. Both classes below are
# Django's, with that per-request read sent as a ready statement instead of built by the
# ORM each time (about 1 ms of worker CPU per request under gunicorn); web.sessions joins
# the user to the session row, and web.auth.AuthenticationMiddleware (MIDDLEWARE above)
# takes it from there, one round trip fewer. The sessions are still the database's (the
# `db` engine named above, subclassed, on its own table): no Redis on a page's path.
SESSION_ENGINE = "web.sessions"
AUTHENTICATION_BACKENDS = ["web.auth.ModelBackend"]
# --- end of cost of an authenticated request ---------------------------------------------
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True  # htmx reads no cookie: the token sits on <body hx-headers>
SECURE_CONTENT_TYPE_NOSNIFF = True
# Content-Security-Policy (django-csp 4): the pages load only their own static files and run
# no inline script or style; htmx is told not to inject its indicator style (base.html).
# Stored attachments get a stricter one still (web.security.attachment_csp).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
# HTTPS hardening, on by default outside DEBUG (a reverse proxy terminates TLS).
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)

# API tokens expire this long after they were issued (s); password change, deactivation,
# the loss of the last membership and DELETE /api/auth/token/ revoke them earlier.
API_TOKEN_TTL = env_int("API_TOKEN_TTL", 30 * 24 * 3600)
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "tickets.authentication.SourceTokenRefusal",  # a SOC/EDR source's token: 403 but on POST /api/alerts/
        "crisis.authentication.ExpiringTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # DRF's parsers, cleaning control characters out of every string sent (web.parsers).
    "DEFAULT_PARSER_CLASSES": ["web.parsers.JSONParser", "web.parsers.FormParser", "web.parsers.MultiPartParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "web.pagination.Pagination",
    "PAGE_SIZE": 100,
    "EXCEPTION_HANDLER": "web.api_errors.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Console de crise cyber — API",
    "DESCRIPTION": (
        "Établissements et appartenances ; crises et leurs phases ; main courante (entrées, "
        "corrections, pièces jointes) ; RIDA (lignes, historique, export) ; points de situation "
        "(ordre du jour, ouverture, clôture) ; décisions ; impressions (documents, travaux "
        "d'impression et leurs fichiers). Authentification par jeton (POST /api/auth/token/) ou session."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI served from our own static files: no CDN on an isolated network.
    "SWAGGER_UI_DIST": "SIDECAR",
    # The ways in; tickets' SourceTokenRefusal only turns a source token away from the rest of the API.
    "AUTHENTICATION_WHITELIST": [
        "crisis.authentication.ExpiringTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
        "tickets.authentication.AlertSourceAuthentication",
    ],
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "COMPONENT_SPLIT_REQUEST": True,
    # Bodies are documented as JSON (the journal's upload declares multipart itself). Form-encoded
    # bodies are still accepted, but their text-only encoding cannot say what the JSON schema says
    # (null, numbers), so a client built from the schema would be misled by them.
    "PARSER_WHITELIST": ["web.parsers.JSONParser"],
    # Every operation's error answers (400, 401, 403, 404, 413, 429), from one hook.
    # The apps' own resources named in the description (AppConfig.api_resources), and every operation's
    # error answers (400, 401, 403, 404, 413, 429), from web.api_schema.
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "web.api_schema.describe_app_resources",
        "web.api_schema.add_error_responses",
    ],
    # Crises, journal entries, RIDA lines and meetings each have a "kind" field with different choices.
    "ENUM_NAME_OVERRIDES": {
        "CrisisKindEnum": "crisis.models.Crisis.Kind",
        "JournalKindEnum": "crisis.models.JournalEntry.Kind",
        "RidaKindEnum": "crisis.models.RidaLine.Kind",
        "MeetingKindEnum": "crisis.models.Meeting.Kind",
        "MovementKindEnum": "beds.models.Movement.Kind",
        "BedStatusEnum": "beds.models.BedStatus",
        # Print jobs and RIDA lines both have a "status".
        "PrintJobStatusEnum": "printing.models.PrintJob.Status",
        "RidaStatusEnum": "crisis.models.RidaLine.Status",
        # Continuity's procedures and applications have a "kind", procedures and statuses a "status".
        "ProcedureKindEnum": "continuity.models.Procedure.Kind",
        "ApplicationKindEnum": "continuity.models.Application.Kind",
        "ProcedureStatusEnum": "continuity.models.Procedure.Status",
        "ApplicationStatusEnum": "continuity.models.ApplicationStatus.Status",
        # comms: a message's kind and channel beside the journal's.
        "JournalChannelEnum": "crisis.models.JournalEntry.Channel",
        "MessageKindEnum": "comms.models.MessageTemplate.Kind",
        "MessageChannelEnum": "comms.models.Message.Channel",
        # comms's other choices, beside the tickets' category and everyone's status.
        "DirectoryCategoryEnum": "comms.models.DirectoryEntry.Category",
        "CallOutcomeEnum": "comms.models.Call.Outcome",
        "CallListStatusEnum": "comms.models.CallList.Status",
        "FlashStatusEnum": "comms.models.FlashInfo.Status",
        "MessageStatusEnum": "comms.models.Message.Status",
        "ContactDirectionEnum": "comms.models.ContactLogEntry.Direction",
        # tickets: its channel, category, priority and statuses beside the journal's and comms'.
        "TicketChannelEnum": "tickets.models.Ticket.Channel",
        "TicketCategoryEnum": "tickets.models.Ticket.Category",
        "TicketPriorityEnum": "tickets.models.Ticket.Priority",
        "TicketStatusEnum": "tickets.models.Ticket.Status",
        "AlertSeverityEnum": "tickets.models.Alert.Severity",
        "AlertStatusEnum": "tickets.models.Alert.Status",
        "CrisisSeverityEnum": "crisis.models.Crisis.Severity",
        "JournalPriorityEnum": "crisis.models.JournalEntry.Priority",
        # obligations: a cost's category beside the tickets' and the directory's.
        "CostCategoryEnum": "obligations.models.Cost.Category",
    },
}

# Celery: Redis when REDIS_URL is set, else kombu's filesystem transport under var/.


def filesystem_broker_options(folder: Path) -> dict:
    """kombu's filesystem transport in ``folder``: one folder of messages, one for broadcasts (remote control)."""
    for sub in ("in", "processed", "control"):
        (folder / sub).mkdir(parents=True, exist_ok=True)
    return {
        "data_folder_in": str(folder / "in"),
        "data_folder_out": str(folder / "in"),
        "processed_folder": str(folder / "processed"),
        "control_folder": str(folder / "control"),
        # The transport polls its folder: a second between polls would add seconds to a kit of 20 parts.
        "polling_interval": 0.2,
        "store_processed": False,
    }


CELERY_QUEUE_DIR = VAR_DIR / "celery"
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        # Above the longest task (see CELERY_TASK_TIME_LIMIT), so no task runs twice.
        "visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 900),
        "unacked_restore_interval": 30,
        "unacked_restore_throttle": 5,
    }
else:
    CELERY_BROKER_URL = "filesystem://localhost//"  # a host, or kombu warns it "reverts to localhost"
    CELERY_BROKER_TRANSPORT_OPTIONS = filesystem_broker_options(CELERY_QUEUE_DIR)
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_RESULT_SERIALIZER = "json"
CELERY_TASK_IGNORE_RESULT = True  # job state lives in the database
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_WORKER_MAX_TASKS_PER_CHILD = env_int("CELERY_WORKER_MAX_TASKS_PER_CHILD", 200)
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 600)
CELERY_TASK_SOFT_TIME_LIMIT = CELERY_TASK_TIME_LIMIT - 30
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_DEFAULT_QUEUE = env_str("CELERY_DEFAULT_QUEUE", "default")
# PDF rendering has its own queue (and workers); named by env so test workers can have private queues.
CELERY_PRINT_QUEUE = env_str("CELERY_PRINT_QUEUE", "print")
CELERY_TASK_ROUTES = {"printing.tasks.render_*": {"queue": CELERY_PRINT_QUEUE}}
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# Each periodic task sets both its time limits or neither (config.celery.time_limits; checked at start-up):
# one limit of its own against the other global one, and Celery refuses to send it.
CELERY_BEAT_SCHEDULE = {
    "sweep-print-jobs": {
        "task": "printing.tasks.sweep_print_jobs",
        "schedule": env_schedule("PRINT_SWEEP_SCHEDULE", "60"),
    },
    "nightly-paper-kits": {
        "task": "printing.tasks.build_all_paper_kits",
        "schedule": env_schedule("PAPER_KIT_SCHEDULE", "30 2 * * *"),
    },
    "prune-print-files": {
        "task": "printing.tasks.prune_print_files",
        "schedule": env_schedule("PRINT_PRUNE_SCHEDULE", "45 3 * * *"),
    },
    "purge-expired-sessions": {
        "task": "web.tasks.purge_expired_sessions",
        "schedule": env_schedule("SESSION_PURGE_SCHEDULE", "15 4 * * *"),
    },
    "receive-sms-replies": {
        "task": "comms.tasks.receive_sms",
        "schedule": env_schedule("SMS_RECEIVE_SCHEDULE", "60"),
    },
    # After the nightly paper kits: the readiness score of the day, for its trend (preparedness).
    "keep-readiness-readings": {
        "task": "preparedness.tasks.keep_readiness_readings",
        "schedule": env_schedule("READINESS_SCHEDULE", "0 5 * * *"),
    },
}
# The call lists' SMS gateway (comms.sms, docs/comms-sms.md): "gammu" (Gammu's SMS daemon and its
# folder) or "http" (a provider's URL).
COMMS_SMS_GATEWAY = env_str("COMMS_SMS_GATEWAY", "gammu")
COMMS_SMS_DIR = env_str("COMMS_SMS_DIR", str(VAR_DIR / "sms"))
COMMS_SMS_HTTP_URL = env_str("COMMS_SMS_HTTP_URL", "")
# A print job in progress longer than this is handed to another worker by the sweeper. Render
# tasks are killed 30 s before (printing.services.render_time_limits), so two renders of a job
# never run at once; keep it under the Redis visibility_timeout (checked at start-up).
PRINT_JOB_STALE_AFTER = env_int("PRINT_JOB_STALE_AFTER", 300)
# The sweeper asks the live workers what they hold (remote control), to resend at once the job of a
# worker that died and a message the broker lost, instead of after the delays above (printing.workers).
PRINT_SWEEP_ASKS_WORKERS = env_bool("PRINT_SWEEP_ASKS_WORKERS", True)
# Finished print files older than this many days are deleted (the job row stays), as are cached
# parts unused as long; the latest kit and bundle of each establishment are always kept.
PRINT_RETENTION_DAYS = env_int("PRINT_RETENTION_DAYS", 30)
# Called once in gunicorn's master before the workers fork (web.warmup): what the apps otherwise load
# during a worker's first requests (the navigation and dashboard cards; the sheets' font metrics,
# which the paper kit's freshness on the dashboard reads).
WARM_UP_CALLS = [
    "crisis.plugins.discover",
    "printing.sheets.font_metrics",
    "crisis.views.journal.warm_first_pages",
    "crisis.views.rida.warm_first_pages",
]
# Print requests a member may have queued or rendering at once (an identical one returns the pending job).
PRINT_MAX_PENDING_PER_MEMBER = env_int("PRINT_MAX_PENDING_PER_MEMBER", 5)

# Demo accounts' password (seed_demo).
DEMO_PASSWORD = env_str("DEMO_PASSWORD", "demo-crise")

# Where a person who cannot use a page reports it (the accessibility statement, /accessibilite/):
# an e-mail address or a web page of the establishment. Empty: the statement names the DSI.
ACCESSIBILITY_CONTACT = env_str("ACCESSIBILITY_CONTACT", "")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "filters": {"one_line_refusals": {"()": "web.log_filters.OneLineRefusals"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.request": {"filters": ["one_line_refusals"]},
        # Django's own console handler would print every line a second time through the root.
        "django": {"handlers": [], "level": "INFO", "propagate": True},
        "django.db.backends": {"level": "INFO"},
        "pikepdf": {"level": "WARNING"},  # announces its logger bridge at import
    },
}
