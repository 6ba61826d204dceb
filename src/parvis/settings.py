"""parvis settings, read from the environment.

Two profiles:

* ``local`` (default): no variable needed. A secret key is generated once and kept in
  ``var/``, SQLite in WAL mode, a Celery broker in its own SQLite file, in-process cache
  and channel layer (worker events reach browsers through a small database relay).
* ``production`` (``PARVIS_ENV=production``): refuses to start without ``SECRET_KEY`` and
  ``ALLOWED_HOSTS``; secure cookies, HSTS and SSL redirect.

Setting ``REDIS_URL`` switches cache, Celery broker and Channels to Redis in either profile.
Every variable is documented in ``.env.example``.
"""

from __future__ import annotations

import os
import secrets
import sys
from pathlib import Path
from typing import Any

import environ
from celery.schedules import crontab
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _


class _Env(environ.Env):
    """django-environ, with a value it cannot read (``AXES_FAILURE_LIMIT=cinq``) reported
    as a configuration error naming the variable (parvis.startup prints it).

    A boolean must say yes or no: django-environ reads any unknown word as false, so
    ``DEBUG=ture`` or ``SECURE_SSL_REDIRECT=oui`` would silently mean the opposite.
    """

    BOOLEAN_FALSE_STRINGS = ("false", "off", "no", "n", "0", "")

    def get_value(
        self,
        var: str,
        cast: Any = None,
        default: Any = environ.Env.NOTSET,
        parse_default: bool = False,
    ) -> Any:
        if cast is bool and var in self.ENVIRON:
            word = self.ENVIRON[var].strip().lower()
            if word not in self.BOOLEAN_TRUE_STRINGS + self.BOOLEAN_FALSE_STRINGS:
                raise ImproperlyConfigured(
                    f"The environment variable {var} must be true or false "
                    "(accepted: true, yes, on, 1 / false, no, off, 0)."
                )
        try:
            return super().get_value(var, cast=cast, default=default, parse_default=parse_default)
        except (ValueError, TypeError) as error:
            raise ImproperlyConfigured(
                f"The environment variable {var} has a value parvis cannot read ({error})."
            ) from error


env = _Env()

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = PACKAGE_DIR.parent.parent
VAR_DIR = Path(env.str("PARVIS_VAR_DIR", default=str(PROJECT_DIR / "var"))).resolve()
VAR_DIR.mkdir(parents=True, exist_ok=True)

PARVIS_ENV = env.str("PARVIS_ENV", default="local")
if PARVIS_ENV not in {"local", "production"}:
    raise ImproperlyConfigured("PARVIS_ENV must be 'local' or 'production'.")
IS_PRODUCTION = PARVIS_ENV == "production"
TESTING = env.bool("PARVIS_TESTING", default="pytest" in sys.modules)


def _local_secret_key() -> str:
    """Generate the local profile's secret key once and keep it in var/ (never committed)."""
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


if IS_PRODUCTION:
    missing = [name for name in ("SECRET_KEY", "ALLOWED_HOSTS") if not os.environ.get(name)]
    if missing:
        raise ImproperlyConfigured(
            f"The production profile needs these environment variables: {', '.join(missing)}."
        )
    SECRET_KEY = env.str("SECRET_KEY")
    ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")
    if not os.environ.get("PARVIS_ENCRYPTION_KEYS"):
        raise ImproperlyConfigured(
            "The production profile needs PARVIS_ENCRYPTION_KEYS (Fernet keys, comma-separated)."
        )
    DEBUG = False
else:
    SECRET_KEY = env.str("SECRET_KEY", default="") or _local_secret_key()
    ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
    DEBUG = env.bool("DEBUG", default=False)


def _local_encryption_keys() -> list[str]:
    """One Fernet key generated into var/ for the local profile (never committed)."""
    key_file = VAR_DIR / "encryption_keys"
    if not key_file.exists():
        from cryptography.fernet import Fernet

        key_file.write_text(Fernet.generate_key().decode("ascii"))
        key_file.chmod(0o600)
    return [k.strip() for k in key_file.read_text().split(",") if k.strip()]


# Encryption at rest (core.crypto): first key encrypts, all decrypt (rotation).
PARVIS_ENCRYPTION_KEYS = env.list("PARVIS_ENCRYPTION_KEYS", default=[]) or _local_encryption_keys()

CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")

# --- Applications -------------------------------------------------------------------
INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "widget_tweaks",
    "dsfr",
    "ninja",
    "axes",
    "csp",
    "channels",
    # parvis domains; dependencies point downwards in this list (docs/architecture.md)
    "parvis.core",
    "parvis.messaging",
    "parvis.territories",
    "parvis.accounts",
    "parvis.directory",
    "parvis.language",
    "parvis.voice",
    "parvis.simplification",
    "parvis.contacts",
    "parvis.desk",
    "parvis.routing",
    "parvis.quality",
    "parvis.reports",
    "parvis.publication",
    "parvis.api",
    "parvis.portal",
    "parvis.backoffice",
    "parvis.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "parvis.core.middleware.RequestIdMiddleware",
    # Before anything reads the path or the query: NUL there is a 400, not a 500.
    "parvis.core.middleware.RefuseNulMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "parvis.backoffice.middleware.AgentsOnlyMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "parvis.core.middleware.SecurityHeadersMiddleware",
    "parvis.api.middleware.ApiProblemMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "parvis.urls"
WSGI_APPLICATION = "parvis.wsgi.application"
ASGI_APPLICATION = "parvis.asgi.application"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "backoffice:dashboard"
LOGOUT_REDIRECT_URL = "portal:home"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "parvis.core.context_processors.site",
                "parvis.accounts.context_processors.roles",
            ],
            # After Django's: its ``date`` filter writes « 1er » for the first of the month.
            "builtins": ["parvis.core.templatetags.dates"],
        },
    },
]

# --- Database -----------------------------------------------------------------------
SQLITE_OPTIONS = {
    # A web process, a worker and beat write concurrently: take the write lock up front
    # and wait for it rather than failing with "database is locked".
    "transaction_mode": "IMMEDIATE",
    "init_command": (
        "PRAGMA journal_mode=WAL; PRAGMA busy_timeout=5000; PRAGMA synchronous=NORMAL; "
        "PRAGMA foreign_keys=ON;"
    ),
}
# The kind of process loading these settings decides its PostgreSQL connections (below):
# parvis.asgi marks the web process before the settings load, the Procfile marks Celery's
# worker and beat and the routing workers (route); anything else (manage.py, tests) is a
# command.
PARVIS_PROCESS = env.str("PARVIS_PROCESS", default="command")
if PARVIS_PROCESS not in {"web", "worker", "beat", "route", "command"}:
    raise ImproperlyConfigured(
        "PARVIS_PROCESS must be 'web', 'worker', 'beat', 'route' or 'command'."
    )

DEFAULT_SQLITE_NAME = "parvis.sqlite3"
DEFAULT_SQLITE_DATABASE = VAR_DIR / DEFAULT_SQLITE_NAME


def embedded_broker_file(database: dict[str, Any], var_dir: Path) -> Path:
    """The embedded Celery broker's SQLite file: its own file, never the application
    database. Beside a SQLite database named by ``DATABASE_URL`` and named after it
    (``<database>.celery-broker.sqlite``): two instances of one checkout on two databases
    then never share a queue (a worker would apply the other's tasks, which carry row
    ids, to the wrong rows). The default database keeps ``var/celery-broker.sqlite``."""
    name = str(database.get("NAME", ""))
    if (
        database["ENGINE"] != "django.db.backends.sqlite3"
        or not name
        or name == ":memory:"
        or name.startswith("file:")
        or Path(name).resolve() == (var_dir / DEFAULT_SQLITE_NAME).resolve()
    ):
        return var_dir / "celery-broker.sqlite"
    path = Path(name).resolve()
    return path.with_name(f"{path.name}.celery-broker.sqlite")


DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{DEFAULT_SQLITE_DATABASE}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(SQLITE_OPTIONS)
else:
    _database_options = DATABASES["default"].setdefault("OPTIONS", {})
    # JIT compilation costs 10–15 ms on short, index-driven queries (listing, search).
    _database_options.setdefault("options", "-c jit=off")
    if TESTING:
        # Test databases are thrown away: their commits need not wait for the disk
        # (transactional and live-server tests commit every save; the PostgreSQL run of
        # the suite spent a third of its time in WAL flushes).
        _database_options["options"] += " -c synchronous_commit=off"
    # pg_stat_activity tells which kind of process holds each connection.
    _database_options.setdefault("application_name", f"parvis-{PARVIS_PROCESS}")
    DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)
    if PARVIS_PROCESS == "web":
        # Under ASGI each request runs its sync code in a thread of its own and Django's
        # connections belong to a thread: a persistent connection stays open, idle, after
        # its thread ends (75 of PostgreSQL's 100 after a few thousand requests), and
        # without one each request in flight opens its own. A pool per process, opened on
        # first use (so never before uvicorn's workers start), bounds and reuses them;
        # Django's pool refuses CONN_MAX_AGE > 0.
        DATABASES["default"]["CONN_MAX_AGE"] = 0
        _pool_max_size = env.int("DATABASE_POOL_MAX_SIZE", default=8)
        _database_options["pool"] = {
            "min_size": min(env.int("DATABASE_POOL_MIN_SIZE", default=2), _pool_max_size),
            "max_size": _pool_max_size,
            "timeout": env.float("DATABASE_POOL_TIMEOUT", default=10.0),
        }
    else:
        # Celery's worker and beat, commands: their threads keep their connection between
        # tasks (a thread that ends closes its own; see parvis.celery).
        DATABASES["default"].setdefault(
            "CONN_MAX_AGE", 0 if TESTING else env.int("DATABASE_CONN_MAX_AGE", default=60)
        )
if TESTING and DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file, not memory: integration tests start a real worker on the same database.
    # One file per test run, so concurrent runs on one machine never share a database.
    _run_id = os.environ.get("PYTEST_XDIST_TESTRUNUID", str(os.getpid()))[:12]
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test_parvis_{_run_id}.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
IS_POSTGRES = DATABASES["default"]["ENGINE"].startswith("django.db.backends.postgresql")
if not IS_POSTGRES and DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3":
    raise ImproperlyConfigured(
        "DATABASE_URL must name a PostgreSQL or SQLite database (postgres://… or sqlite:///…)."
    )

# --- Cache, broker, channels --------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
# Tests: one Redis namespace per xdist worker. Each worker has its own test database, so
# user ids repeat across workers and a shared channel-layer group "user-1" would deliver
# one worker's events to another's WebSocket. Keys are cleared one by one (never FLUSHDB,
# which would also drop the broker's queues).
_REDIS_TEST_SUFFIX = (
    f"-test-{os.environ.get('PYTEST_XDIST_WORKER', os.getpid())}" if TESTING else ""
)
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="parvis") + _REDIS_TEST_SUFFIX,
        }
    }
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {
                "hosts": [REDIS_URL],
                # A worker started by a test passes its parent's prefix in the environment.
                "prefix": env.str("CHANNEL_LAYER_PREFIX", default="parvis" + _REDIS_TEST_SUFFIX),
            },
        }
    }
    CELERY_BROKER_URL = REDIS_URL
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    CELERY_BROKER_URL = f"sqla+sqlite:///{embedded_broker_file(DATABASES['default'], VAR_DIR)}"
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=CELERY_BROKER_URL)
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=TESTING)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_IGNORE_RESULT = True
# --- Celery acknowledgements (contact hub, ingestion part) ---------------------------
# A task is acknowledged as the worker receives it, so a message is never run twice by
# surprise; only tasks that are safe to run twice (each loads its row and does nothing
# when the work is done) acknowledge late and are redelivered after a worker dies.
# Everything else is recovered by the database sweeps (contacts' requeue, messaging's
# requeue_stale, voice's requeue_pending), never by the broker.
CELERY_TASK_ACKS_LATE = False
IDEMPOTENT_TASKS = (
    "contacts.process_inbound",
    "contacts.process_inbound_batch",
    "contacts.poll_mailboxes",
    "contacts.mask_message",
    "contacts.close_resolved",
    "contacts.survey_invite",
    "parvis.voice.tasks.process_experience",
    "parvis.voice.tasks.mask_answer",
    "parvis.simplification.tasks.mask_request_texts",
    "parvis.publication.tasks.sync_experience",
    "parvis.publication.tasks.note_simplification_change",
    "parvis.publication.tasks.note_directory_change",
    "parvis.publication.tasks.export_open_data",
    "parvis.publication.tasks.export_changed_open_data",
    "parvis.publication.tasks.rebuild",
)
CELERY_TASK_ANNOTATIONS = {name: {"acks_late": True} for name in IDEMPOTENT_TASKS}
# No task runs longer than this (hard limit, seconds; the soft one raises in the task a
# minute before). A message acknowledged late and still unacknowledged after Redis's
# visibility timeout is delivered again: the timeout stays well above the longest task.
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=30 * 60)
CELERY_TASK_SOFT_TIME_LIMIT = CELERY_TASK_TIME_LIMIT - 60
BROKER_VISIBILITY_TIMEOUT_SECONDS = env.int(
    "BROKER_VISIBILITY_TIMEOUT_SECONDS", default=2 * CELERY_TASK_TIME_LIMIT
)
if BROKER_VISIBILITY_TIMEOUT_SECONDS <= CELERY_TASK_TIME_LIMIT:
    raise ImproperlyConfigured(
        "BROKER_VISIBILITY_TIMEOUT_SECONDS must exceed CELERY_TASK_TIME_LIMIT, or a long task "
        "acknowledged late would be delivered twice."
    )
if CELERY_BROKER_URL.startswith(("redis://", "rediss://", "unix://")):
    # Only Redis reads it (the embedded broker's transport options go to SQLAlchemy).
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": BROKER_VISIBILITY_TIMEOUT_SECONDS}
# Messages each worker process reserves ahead. 1 leaves a process idle between tasks
# while the main process fetches the next (up to a polling interval on the embedded
# broker); prefork's fair scheduling hands reserved messages only to idle processes, so a
# long task does not hold short ones back.
CELERY_WORKER_PREFETCH_MULTIPLIER = env.int("CELERY_WORKER_PREFETCH_MULTIPLIER", default=4)
CELERY_TIMEZONE = "UTC"
# Celery closes the database connection around every task unless this is set; the
# worker then reconnects each time (a few ms on PostgreSQL). parvis.celery recycles
# connections per task by Django's own rules (CONN_MAX_AGE, health checks) instead.
CELERY_DB_REUSE_MAX = 1000
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE = {
    "worker-heartbeat": {"task": "parvis.core.tasks.record_worker_heartbeat", "schedule": 60.0},
    "daily-purge": {
        "task": "parvis.accounts.tasks.purge_expired_data",
        "schedule": crontab(hour=2, minute=15),
    },
    "messaging-requeue-stale": {
        "task": "parvis.messaging.tasks.requeue_stale",
        "schedule": 300.0,
    },
    # Contact hub, part 3 (email): IMAP polling of active mailboxes.
    "contacts-poll-mailboxes": {
        "task": "contacts.poll_mailboxes",
        "schedule": float(env.int("CONTACTS_IMAP_POLL_SECONDS", default=60)),
    },
    "voice-requeue-pending": {"task": "parvis.voice.tasks.requeue_pending", "schedule": 300.0},
    "contacts-requeue-inbound": {"task": "contacts.requeue_inbound", "schedule": 30.0},
    "voice-purge-originals": {
        "task": "parvis.voice.tasks.purge_originals",
        "schedule": crontab(hour=2, minute=45),
    },
    "simplification-purge-originals": {
        "task": "parvis.simplification.tasks.purge_originals",
        "schedule": crontab(hour=2, minute=50),
    },
    "voice-answer-reminders": {
        "task": "parvis.voice.tasks.follow_up_answers",
        "schedule": crontab(hour=7, minute=0),
    },
    "publication-export-open-data": {
        "task": "parvis.publication.tasks.export_open_data",
        "schedule": crontab(hour=3, minute=30),
    },
    "publication-export-changed-open-data": {
        "task": "parvis.publication.tasks.export_changed_open_data",
        "schedule": 900.0,
    },
}
# Embedded mode: worker events reach browsers through the database relay (core.realtime).
REALTIME_DB_RELAY = not REDIS_URL

# --- Authentication and security ----------------------------------------------------
AUTHENTICATION_BACKENDS = [
    # Refuses logins from an address that sprayed (ACCOUNTS_RATE_LIMITS["login_accounts_ip"]).
    "parvis.accounts.authentication.AddressGuardBackend",
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.25)  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "parvis.accounts.authentication.axes_username"
AXES_CLIENT_IP_CALLABLE = "parvis.core.http.client_ip_for_axes"
AXES_LOCKOUT_CALLABLE = "parvis.accounts.authentication.lockout_response"
AXES_RESET_ON_SUCCESS = True
AXES_ENABLE_ACCESS_FAILURE_LOG = True

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 3600)
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_FAILURE_VIEW = "parvis.core.views.csrf_failure"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if IS_PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
if TRUSTED_PROXY_COUNT:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    USE_X_FORWARDED_HOST = env.bool("USE_X_FORWARDED_HOST", default=False)

# django-csp 4: nonces for DSFR's scripts; no third-party origin anywhere.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        # DSFR components set inline style attributes; no inline <style> is needed otherwise.
        "style-src": [SELF, "'unsafe-inline'"],
        "img-src": [SELF, "data:"],
        "font-src": [SELF, "data:"],
        # 'self' covers the WebSockets (ws:/wss: on this host and port, CSP Level 3): the
        # desk, chat and wallboard open theirs on location.host. A bare "wss:" would let a
        # page, or a script injected in one, connect to any host.
        "connect-src": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}

# Upload and request limits (bad input gets a 4xx, never a 500).
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", default=2 * 1024 * 1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = env.int("FILE_UPLOAD_MAX_MEMORY_SIZE", default=5 * 1024 * 1024)
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2000

if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed only

# --- Internationalisation -----------------------------------------------------------
LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("Français"))]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [PACKAGE_DIR / "locale"]

# --- Static files -------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)  # whitenoise warns at start-up when it is missing
MEDIA_URL = "/media/"
MEDIA_ROOT = VAR_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if IS_PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = not IS_PRODUCTION
if TESTING:
    # Found when asked: every test ``Client`` loads the middleware again, and a scan of
    # every app's static files at each load cost a third of a second (a fifth of the
    # suite's time).
    WHITENOISE_AUTOREFRESH = True

# --- Email --------------------------------------------------------------------------
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="memorymail://" if TESTING else "consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str(
    "DEFAULT_FROM_EMAIL", default="parvis <ne-pas-repondre@parvis.localhost>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Outbound messages (parvis.messaging): the provider serving each channel, and the
# attempts after which a message goes to dead letter.
MESSAGING_PROVIDERS = {"email": env.str("MESSAGING_EMAIL_PROVIDER", default="django-email")}
MESSAGING_MAX_ATTEMPTS = env.int("MESSAGING_MAX_ATTEMPTS", default=5)

# --- Contact hub, part 3 (email) ------------------------------------------------------
# IMAP polling period (the beat entry "contacts-poll-mailboxes") and socket timeout.
CONTACTS_IMAP_POLL_SECONDS = env.int("CONTACTS_IMAP_POLL_SECONDS", default=60)
CONTACTS_IMAP_TIMEOUT_SECONDS = env.int("CONTACTS_IMAP_TIMEOUT_SECONDS", default=30)

# --- Contact hub, part 4: SMS and phone ----------------------------------------------
# The SMS gateway (a ``parvis.messaging`` provider; the simulator keeps what it sends),
# the days within which a citizen's reply reopens their last resolved SMS conversation
# (after that it opens a new one), the region numbers without a country code belong to,
# and the telephony adapter parvis commands calls through.
MESSAGING_PROVIDERS["sms"] = env.str("MESSAGING_SMS_PROVIDER", default="sms-simulator")
CONTACTS_SMS_REOPEN_DAYS = env.int("CONTACTS_SMS_REOPEN_DAYS", default=7)
CONTACTS_PHONE_REGION = env.str("CONTACTS_PHONE_REGION", default="FR")
CONTACTS_TELEPHONY_ADAPTER = env.str("CONTACTS_TELEPHONY_ADAPTER", default="simulator")

# --- Contact hub, part 6: API, outbound webhooks and events -------------------------
# Organisations' webhooks leave through the outbound door (provider ``webhook``: signed
# POST; ``webhook-simulator`` keeps them in memory). Targets on private, loopback,
# link-local, multicast or reserved addresses are refused after DNS resolution, at
# connect time and on every redirect, unless allowed: the local profile and tests only.
MESSAGING_PROVIDERS["webhook"] = env.str("MESSAGING_WEBHOOK_PROVIDER", default="webhook")
WEBHOOKS_ALLOW_PRIVATE_TARGETS = env.bool(
    "WEBHOOKS_ALLOW_PRIVATE_TARGETS", default=not IS_PRODUCTION
)
WEBHOOKS_TIMEOUT_SECONDS = env.int("WEBHOOKS_TIMEOUT_SECONDS", default=10)
# Days the conversation events stay in the replay log (GET /api/v1/events?since=).
CONTACTS_EVENTS_RETENTION_DAYS = env.int("CONTACTS_EVENTS_RETENTION_DAYS", default=90)
# Citizen records (issue 14): who consulted a record is kept a year, then purged.
CONTACTS_ACCESS_LOG_RETENTION_DAYS = env.int("CONTACTS_ACCESS_LOG_RETENTION_DAYS", default=365)
WEBHOOKS_MAX_REDIRECTS = env.int("WEBHOOKS_MAX_REDIRECTS", default=3)

# --- parvis -------------------------------------------------------------------------
PARVIS_BRAND = env.str("PARVIS_BRAND", default="state")
if PARVIS_BRAND not in {"state", "neutral"}:
    raise ImproperlyConfigured("PARVIS_BRAND must be 'state' or 'neutral'.")
PARVIS_SITE_TITLE = env.str("PARVIS_SITE_TITLE", default="parvis")
PARVIS_SITE_TAGLINE = env.str(
    "PARVIS_SITE_TAGLINE", default="La relation entre les services publics et leurs usagers"
)
PARVIS_OPERATOR_NAME = env.str("PARVIS_OPERATOR_NAME", default="Opérateur de démonstration")
PARVIS_PRIMARY_COLOR = env.str("PARVIS_PRIMARY_COLOR", default="#000091")
PARVIS_LOGO_URL = env.str("PARVIS_LOGO_URL", default="")
PARVIS_CONTACT_EMAIL = env.str("PARVIS_CONTACT_EMAIL", default="contact@parvis.localhost")
# Legal notice (mentions légales): publisher's address, publication director, host.
PARVIS_OPERATOR_ADDRESS = env.str("PARVIS_OPERATOR_ADDRESS", default="")
PARVIS_PUBLICATION_DIRECTOR = env.str("PARVIS_PUBLICATION_DIRECTOR", default="")
PARVIS_HOST_NAME = env.str("PARVIS_HOST_NAME", default="")
PARVIS_HOST_ADDRESS = env.str("PARVIS_HOST_ADDRESS", default="")
PARVIS_HOST_CONTACT = env.str("PARVIS_HOST_CONTACT", default="")
# Where users can get the source code of this deployment (AGPL-3.0, section 13).
PARVIS_SOURCE_URL = env.str("PARVIS_SOURCE_URL", default="")
API_TOKEN_DEFAULT_DAYS = env.int("API_TOKEN_DEFAULT_DAYS", default=365)
# Retention (days), listed on the personal-data page and applied by the daily purge.
RETENTION_AXES_DAYS = env.int("RETENTION_AXES_DAYS", default=30)
RETENTION_REVOKED_TOKENS_DAYS = env.int("RETENTION_REVOKED_TOKENS_DAYS", default=90)
RETENTION_AUDIT_DAYS = env.int("RETENTION_AUDIT_DAYS", default=365 * 5)
RETENTION_REALTIME_EVENTS_HOURS = env.int("RETENTION_REALTIME_EVENTS_HOURS", default=24)
# Citizen sign-ups never activated are deleted after this many days.
RETENTION_PENDING_ACCOUNTS_DAYS = env.int("RETENTION_PENDING_ACCOUNTS_DAYS", default=7)
# Rows of the outbound message log (no address: a keyed digest, the template, the status).
RETENTION_MESSAGE_DELIVERIES_DAYS = env.int("RETENTION_MESSAGE_DELIVERIES_DAYS", default=90)
# Citizen accounts: (limit, window in seconds) per IP for sign-up, new activation links and
# activation attempts, and emails sent to one address (see accounts.views / services);
# ``login_accounts_ip``: distinct accounts failing to log in from one client address, past
# which every login from it gets 429 until the window ends (accounts.authentication).
ACCOUNTS_RATE_LIMITS = {
    "login_accounts_ip": (5, 900),
    "signup_ip": (10, 3600),
    "resend_ip": (10, 3600),
    "activate_ip": (20, 3600),
    "mail_email": (5, 86400),
    "reset_ip": (10, 3600),
    # one's own account: change of password and of address (and its confirmation link)
    "password_change_ip": (10, 3600),
    "email_change_ip": (10, 3600),
    "email_change_account": (5, 86400),
    "email_confirm_ip": (20, 3600),
}
# Voice of users: (limit, window in seconds) per IP (``<scope>_ip``) or per author address
# (``<scope>_email``) for sharing, private links, wrong links and answer votes; per token
# for partner sites' API (see voice.views.rate_limited and voice.api).
VOICE_RATE_LIMITS = {
    "submit_ip": (10, 3600),
    "submit_email": (5, 86400),
    "link_ip": (10, 3600),
    "link_miss_ip": (30, 3600),
    "feedback_ip": (10, 3600),
    "api_token": (300, 3600),
}
# Simplification requests: proposals and supports per IP and per address, partner API per
# token (the API's email budget is the web form's).
SIMPLIFICATION_RATE_LIMITS = {
    "propose_ip": (5, 3600),
    "propose_email": (3, 86400),
    "support_ip": (20, 3600),
    "support_email": (5, 86400),
    "api_propose_token": (200, 3600),
}
# Largest JSON body (bytes) the partner-site write endpoints accept (413 beyond).
VOICE_API_MAX_BODY_BYTES = env.int("VOICE_API_MAX_BODY_BYTES", default=64 * 1024)
SIMPLIFICATION_API_MAX_BODY_BYTES = env.int("SIMPLIFICATION_API_MAX_BODY_BYTES", default=32 * 1024)
# A simplification support confirmation link is valid this many seconds.
SIMPLIFICATION_SUPPORT_TOKEN_MAX_AGE = env.int(
    "SIMPLIFICATION_SUPPORT_TOKEN_MAX_AGE", default=3 * 24 * 3600
)
# Where open-data files are written (empty: MEDIA_ROOT/opendata).
PUBLICATION_OPENDATA_ROOT = env.str("PUBLICATION_OPENDATA_ROOT", default="")
# Trained language models (qualifier) and their metadata.
LANGUAGE_MODEL_DIR = Path(env.str("LANGUAGE_MODEL_DIR", default=str(VAR_DIR / "language")))
WORKER_HEARTBEAT_STALE_SECONDS = env.int("WORKER_HEARTBEAT_STALE_SECONDS", default=180)
# /healthz answers its status to anyone; the checks, backends and latencies only to platform
# admins and to a monitoring probe sending "Authorization: Bearer <HEALTHZ_TOKEN>" (empty:
# no probe gets them).
HEALTHZ_TOKEN = env.str("HEALTHZ_TOKEN", default="")
# Language engine: qualifications below this confidence go to a human triage queue. The
# confidence is calibrated (the probability that the answer is right); at 0.85 two thirds
# of the independent evaluation set are routed with 96 % accuracy (docs/language.md).
LANGUAGE_LOW_CONFIDENCE_THRESHOLD = env.float(
    "PARVIS_LANGUAGE_LOW_CONFIDENCE_THRESHOLD", default=0.85
)
# Worker processes load the engine (spaCy, the qualifier: seconds) as they start, in the
# background, so the first experience after a restart does not wait for it.
LANGUAGE_WARM_WORKERS = env.bool("PARVIS_LANGUAGE_WARM_WORKERS", default=not TESTING)
# Voice of users.
VOICE_ORIGINAL_RETENTION_DAYS = env.int("VOICE_ORIGINAL_RETENTION_DAYS", default=30)
# An author's email waits for the service's answer at most this long after publication.
VOICE_CONTACT_RETENTION_DAYS = env.int("VOICE_CONTACT_RETENTION_DAYS", default=365)
# Key of voice's voter digests (« Cette réponse vous a-t-elle aidé ? », once per voter);
# empty: SECRET_KEY. Changing it makes the stored ones unrecognisable: votes start afresh.
# Authors' email digests are keyed by SECRET_KEY, like every app's (core.crypto).
VOICE_DIGEST_KEY = env.str("VOICE_DIGEST_KEY", default="")
# Votes « cette réponse vous a-t-elle aidé ? » one connection may give on one answer
# (different browsers count as different voters; a France Services counter's public
# computers share one connection).
VOICE_VOTES_PER_NETWORK = env.int("VOICE_VOTES_PER_NETWORK", default=10)
# Days a simplification request's original words are kept after publication.
SIMPLIFICATION_ORIGINAL_RETENTION_DAYS = env.int(
    "SIMPLIFICATION_ORIGINAL_RETENTION_DAYS", default=30
)
VOICE_ANSWER_TARGET_WORKING_DAYS = env.int("VOICE_ANSWER_TARGET_WORKING_DAYS", default=10)
# Working days beyond the answer target before the organisation's admins are alerted.
VOICE_ESCALATION_WORKING_DAYS = env.int("VOICE_ESCALATION_WORKING_DAYS", default=5)
# Moderation queue colours: waited < first → green, < second → orange, else red.
VOICE_MODERATION_SLA_WORKING_DAYS = tuple(
    env.list("VOICE_MODERATION_SLA_WORKING_DAYS", cast=int, default=[2, 5])
)
# Opening hours (local time) of a place with none of its own, on its working days: the
# clock of business-time deadlines for national and local services (sites use their own).
SERVICE_LEVEL_DEFAULT_BUSINESS_HOURS = tuple(
    tuple(span.split("-", 1))
    for span in env.list(
        "SERVICE_LEVEL_DEFAULT_BUSINESS_HOURS", default=["09:00-12:00", "13:30-17:00"]
    )
)
# --- Contact hub, part 5: web chat and counter ------------------------------------------
# The chat's outbound provider (publishes agents' replies to the citizen's WebSocket).
MESSAGING_PROVIDERS["chat"] = env.str("MESSAGING_CHAT_PROVIDER", default="chat-realtime")
# A chat resume token (signed, kept by the widget) lets a reload rejoin its conversation
# this many seconds after it was issued.
CONTACTS_CHAT_RESUME_MAX_AGE = env.int("CONTACTS_CHAT_RESUME_MAX_AGE", default=24 * 3600)
CONTACTS_CHAT_MAX_MESSAGE_CHARS = 2000
# Per client address: WebSocket connections and chat messages (hits, window seconds).
CONTACTS_CHAT_RATE_LIMITS = {"connections_ip": (20, 60), "messages_ip": (30, 60)}
API_PAGE_SIZE = 50
API_MAX_PAGE_SIZE = 500

# --- Contact hub: ingestion and attachments -------------------------------------------
# A raw inbound row is processed at most this many times, then quarantined.
CONTACTS_INBOUND_MAX_ATTEMPTS = env.int("CONTACTS_INBOUND_MAX_ATTEMPTS", default=5)
# Rows still pending this long after being handed to the worker are sent again.
CONTACTS_INBOUND_REQUEUE_SECONDS = env.int("CONTACTS_INBOUND_REQUEUE_SECONDS", default=60)
# Days raw rows are kept after processing, and quarantined ones after quarantine.
CONTACTS_INBOUND_RETENTION_DAYS = env.int("CONTACTS_INBOUND_RETENTION_DAYS", default=30)
CONTACTS_INBOUND_QUARANTINE_RETENTION_DAYS = env.int(
    "CONTACTS_INBOUND_QUARANTINE_RETENTION_DAYS", default=90
)
# Largest body (bytes) of a signed delivery to /hooks/<uuid>/, per connector ("default"
# for the others): raw MIME with attachments is large; Django's own limit
# (DATA_UPLOAD_MAX_MEMORY_SIZE) stays as it is everywhere else.
CONTACTS_HOOK_MAX_BODY_BYTES = {
    "default": env.int("CONTACTS_HOOK_MAX_BODY_BYTES", default=1024 * 1024),
    "courriel": env.int("CONTACTS_HOOK_MAX_EMAIL_BODY_BYTES", default=40 * 1024 * 1024),
}
# (limit, window in seconds): deliveries per inbound endpoint, signed or not.
# Seconds the webhook door in front of Django keeps an endpoint (its secrets, its
# connector) in each web process: a deactivation applies within that time everywhere.
CONTACTS_HOOK_ENDPOINT_CACHE_SECONDS = env.float(
    "CONTACTS_HOOK_ENDPOINT_CACHE_SECONDS", default=5.0
)
CONTACTS_RATE_LIMITS = {
    "hook_endpoint": (env.int("CONTACTS_HOOK_RATE_LIMIT_PER_MINUTE", default=60_000), 60),
}
# Attachments of one inbound message: per file, per message, number of files.
CONTACTS_ATTACHMENT_MAX_FILE_BYTES = 10 * 1024 * 1024
CONTACTS_ATTACHMENT_MAX_MESSAGE_BYTES = 25 * 1024 * 1024
CONTACTS_ATTACHMENT_MAX_FILES = 10
# The virus scanner (dotted path to a contacts.scanning.VirusScanner): the clamd adapter
# in production (CONTACTS_CLAMD_ADDRESS: tcp://host:port or unix:///path), the test
# scanner that only knows the EICAR test string elsewhere.
CONTACTS_VIRUS_SCANNER = env.str(
    "CONTACTS_VIRUS_SCANNER",
    default="parvis.contacts.scanning." + ("ClamdScanner" if IS_PRODUCTION else "EicarTestScanner"),
)
CONTACTS_CLAMD_ADDRESS = env.str("CONTACTS_CLAMD_ADDRESS", default="tcp://127.0.0.1:3310")
CONTACTS_CLAMD_TIMEOUT_SECONDS = env.float("CONTACTS_CLAMD_TIMEOUT_SECONDS", default=30.0)

# --- Contact hub: part 1 (core: lifecycle, queues, qualification) -------------------------
# Days after its resolution when a conversation is closed by the sweep (a new message then
# still reopens it).
CONTACTS_CLOSE_AFTER_DAYS = env.int("CONTACTS_CLOSE_AFTER_DAYS", default=7)
# Agents' qualification corrections (masked text only) kept as training examples.
CONTACTS_CORRECTIONS_RETENTION_DAYS = env.int("CONTACTS_CORRECTIONS_RETENTION_DAYS", default=365)
# Mask each inbound message after commit (a task); off only to measure processing apart.
CONTACTS_MASK_ON_ARRIVAL = env.bool("CONTACTS_MASK_ON_ARRIVAL", default=True)
# Quality results: today's and yesterday's facts every 30 minutes, the last 16 days
# nightly (late resolutions, reopenings and post-contact answers).
CELERY_BEAT_SCHEDULE["quality-refresh-recent"] = {
    "task": "quality.refresh_recent",
    "schedule": 1800.0,
}
CELERY_BEAT_SCHEDULE["quality-refresh-nightly"] = {
    "task": "quality.refresh_nightly",
    "schedule": crontab(hour=3, minute=30),
}
# The voice of users' facts and results (experiences, moderation, themes, simplification)
# of the last 13 months, hourly: an answer or a decision given weeks later still counts in
# the month of its case (the public figures of the experiences read them).
CELERY_BEAT_SCHEDULE["quality-refresh-voice"] = {
    "task": "quality.refresh_voice",
    "schedule": 3600.0,
}
CELERY_BEAT_SCHEDULE["contacts-close-resolved"] = {
    "task": "contacts.close_resolved",
    "schedule": crontab(minute=20),
}
# Periodic reports (parvis.reports): a daily sweep generates the previous month's reports
# from the 16th (after the M+15 freeze, and the nightly quality refresh) and the previous
# year's from 16 January; reports already made are left alone.
CELERY_BEAT_SCHEDULE["reports-generate-due"] = {
    "task": "reports.generate_due",
    "schedule": crontab(hour=6, minute=0),
}
# A subscription's confirmation link is valid this many days; a subscription still
# unconfirmed then is purged. Subscription form: (limit, window in seconds) per client
# address and per address typed; confirmation and unsubscribe links per client address.
REPORTS_CONFIRMATION_DAYS = env.int("REPORTS_CONFIRMATION_DAYS", default=7)
REPORTS_RATE_LIMITS = {
    "subscribe_ip": (10, 3600),
    "subscribe_email": (3, 86400),
    "link_ip": (30, 3600),
}

# --- Contact hub: after the contact (post-contact questions) and retention -------------
# Share of resolved conversations whose citizen is asked the post-contact questions (0-1;
# drawn from the conversation's reference, so the same conversation always draws the same).
# None under the test runner, so other tests resolving conversations send nothing they do
# not expect; the surveys' own tests set it.
CONTACTS_SURVEY_SAMPLE_RATE = env.float(
    "CONTACTS_SURVEY_SAMPLE_RATE", default=0.0 if TESTING else 0.3
)
# At most one invitation per citizen (record or address) in this many days.
CONTACTS_SURVEY_CAP_DAYS = env.int("CONTACTS_SURVEY_CAP_DAYS", default=30)
# The signed link (and an SMS reply) answers the questions this many days after sending.
CONTACTS_SURVEY_LINK_DAYS = env.int("CONTACTS_SURVEY_LINK_DAYS", default=14)
# Retention (days), applied by the daily purge and listed on the personal-data page.
# Invitations: who was asked (address digest, record) is forgotten after this many days;
# unanswered ones are deleted then. Answers (with their conversation's snapshot, no
# address) are kept for the quality indicators this many days after the answer.
CONTACTS_SURVEY_INVITATIONS_RETENTION_DAYS = env.int(
    "CONTACTS_SURVEY_INVITATIONS_RETENTION_DAYS", default=90
)
CONTACTS_SURVEY_ANSWERS_RETENTION_DAYS = env.int(
    "CONTACTS_SURVEY_ANSWERS_RETENTION_DAYS", default=3 * 365
)
# Texts of messages (and the conversation's subject and thread key) after the conversation
# ended; the conversation row and its messages' skeleton (direction, time) stay.
CONTACTS_MESSAGES_RETENTION_DAYS = env.int("CONTACTS_MESSAGES_RETENTION_DAYS", default=365)
# Attached files (deleted from storage too), after they were received.
CONTACTS_ATTACHMENTS_RETENTION_DAYS = env.int("CONTACTS_ATTACHMENTS_RETENTION_DAYS", default=365)
# Voicemail audio (CNIL: six months), after it was recorded.
CONTACTS_VOICEMAIL_RETENTION_DAYS = env.int("CONTACTS_VOICEMAIL_RETENTION_DAYS", default=183)
# Call metadata (telephony events, numbers), after the call.
CONTACTS_CALLS_RETENTION_DAYS = env.int("CONTACTS_CALLS_RETENTION_DAYS", default=365)
# Citizen records and contact points (CNIL: contact data three years after the last
# contact; a number that said « STOP » three years after it).
CONTACTS_CITIZEN_RETENTION_DAYS = env.int("CONTACTS_CITIZEN_RETENTION_DAYS", default=3 * 365)

# --- Routing (parvis.routing; docs/routing.md) ----------------------------------------------
# Units a contact takes out of an agent's capacity of 100: a call or a counter visit takes
# a whole agent, three chats at most, eight emails or SMS.
ROUTING_CHANNEL_UNITS = {"telephone": 100, "guichet": 100, "chat": 33, "courriel": 12, "sms": 12}
# Priority bonuses (points; one second of waiting is worth the queue's weight, 1 by
# default); their sum is capped by the queue's policy.
ROUTING_URGENCY_BONUS = env.int("ROUTING_URGENCY_BONUS", default=300)
ROUTING_VULNERABILITY_BONUS = env.int("ROUTING_VULNERABILITY_BONUS", default=300)
ROUTING_CHANNEL_BONUS = {"telephone": 120, "chat": 90}
# An agent whose last desk socket went is set away after this grace period.
ROUTING_AWAY_GRACE_SECONDS = env.int("ROUTING_AWAY_GRACE_SECONDS", default=60)
# Offers an agent lets lapse in a row before being set away.
ROUTING_MISSED_OFFERS_AWAY = env.int("ROUTING_MISSED_OFFERS_AWAY", default=2)
# Estimated wait announced up to this many seconds (« plus de 20 minutes » beyond).
ROUTING_EWT_CAP_SECONDS = env.int("ROUTING_EWT_CAP_SECONDS", default=20 * 60)
# Presence history (labour law: agents' activity is not kept longer than needed).
ROUTING_PRESENCE_RETENTION_DAYS = env.int("ROUTING_PRESENCE_RETENTION_DAYS", default=90)
# How often the route workers sweep offers, tiers, presence and callbacks (seconds).
ROUTING_SWEEP_SECONDS = env.float("ROUTING_SWEEP_SECONDS", default=1.0)
# Run the routing decisions inline after commit (tests, embedded runs without a worker).
ROUTING_INLINE = env.bool("ROUTING_INLINE", default=TESTING)
# Triggers a worker takes per transaction: their decisions are written together at its end
# (one statement for routing's rows, one update of the hub's conversations), which is
# what lets four workers on two cores assign a thousand contacts a second. Score order
# then holds among unlocked contacts with at most (workers − 1) × batch positions of
# inversion; 1 restores one decision per transaction.
ROUTING_BATCH_SIZE = env.int("ROUTING_BATCH_SIZE", default=32)
# A route worker hands its live updates (desks, wallboards) to a publishing process of
# its own when the channel layer is Redis's, so its decisions never wait for them
# (``core.redis_fanout.PublisherProcess``). Off in tests, where workers run in-process.
ROUTING_PUBLISHER_PROCESS = env.bool("ROUTING_PUBLISHER_PROCESS", default=not TESTING)
# The routing engine's statements are prepared on PostgreSQL (each planned once per
# connection, not at every decision). Behind PgBouncer in transaction mode, this needs
# PgBouncer >= 1.21 with max_prepared_statements set, or false here.
ROUTING_PREPARED_STATEMENTS = env.bool("ROUTING_PREPARED_STATEMENTS", default=True)
# Transition logs of conversations (who moved what, internal notes).
CONTACTS_TRANSITIONS_RETENTION_DAYS = env.int(
    "CONTACTS_TRANSITIONS_RETENTION_DAYS", default=3 * 365
)

# --- Logging ------------------------------------------------------------------------
LOG_LEVEL = env.str("LOG_LEVEL", default="INFO")
LOG_FORMAT = env.str("LOG_FORMAT", default="json" if IS_PRODUCTION else "console")
LOGGING_CONFIG = None  # parvis.core.logging configures logging and structlog at startup.
from parvis.core.logging import configure_logging  # noqa: E402

configure_logging(level=LOG_LEVEL, fmt=LOG_FORMAT)

if IS_PRODUCTION and DEBUG:  # pragma: no cover - defensive
    raise ImproperlyConfigured("DEBUG cannot be on in production.")

# Covering indexes (INCLUDE) speed up PostgreSQL; SQLite simply ignores the extra columns.
SILENCED_SYSTEM_CHECKS: list[str] = ["models.W040"]
