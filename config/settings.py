"""Django settings of the CDMX–BCN Cooperation Portal.

Everything that differs between machines is read from the environment (see ``.env.example``
for every variable with its meaning). Development defaults are safe; production is the default
(DEBUG off), so a deployment that forgets a variable fails loudly instead of running insecurely.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import global_settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _
from kombu import Queue

from config.api_settings import checked_rate, oauth2_provider, rest_framework, spectacular
from config.beat import HOUSEKEEPING
from config.env import (
    env_bool,
    env_database,
    env_int,
    env_list,
    env_redis,
    env_str,
)
from config.observability import checked_networks, init_sentry, logging_config
from config.sso import sso_apps
from config.storages import build_storages
from cooperation.db import options as db_options

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("VAR_DIR", str(BASE_DIR / "var")))

# --- Core -------------------------------------------------------------------------------------
DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set when DEBUG is off: a long random string, for example from "
            "`python -c 'import secrets; print(secrets.token_urlsafe(50))'`."
        )
    SECRET_KEY = "insecure-development-key-only-used-with-DEBUG-on"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
SITE_URL = env_str("SITE_URL", "http://localhost:8000").rstrip("/")

INSTALLED_APPS = [
    # modeltranslation must come before django.contrib.admin to patch its forms.
    "modeltranslation",
    "cooperation.apps.PortalAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    # Single sign-on for city staff (OpenID Connect, providers from SSO_PROVIDERS).
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "django_celery_beat",
    "csp",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "oauth2_provider",
    "simple_history",
    "cooperation",
    "cooperation.api",
    "cooperation.outbox",
    "reports",
    "opendata",
    "projects",
    "exchanges",
    "knowledge",
    # Demo data for `make run` (seed_demo, seed_stays_demo, totp_code); it adds no model.
    "demo",
]

MIDDLEWARE = [
    # First: every response (redirects and errors too) carries the request's id, and every
    # log record of the request names it (cooperation/observability.py).
    "cooperation.observability.RequestIdMiddleware",
    # Requests and latencies for /metrics (config/metrics.py).
    "config.metrics.RequestMetricsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.http.ConditionalGetMiddleware",
    "csp.middleware.CSPMiddleware",
    # Anonymous visitors' kept public pages, before what they need not (projects/catalogue.py).
    "projects.catalogue.KeptPageMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # NUL characters in an address or a form: a 400 in the person's language, before any view.
    "cooperation.inputs.InputGuardMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Staff powers need the second factor: marks the user with what this session passed.
    "cooperation.access.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # Records who made each change in the history of projects and their parts.
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"
AUTH_USER_MODEL = "cooperation.User"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]
# A refused form (CSRF) gets the portal's page, in the person's language.
CSRF_FAILURE_VIEW = "cooperation.views.csrf_failure"
# The portal's form fields: label above, "required" marked, hint, error (cooperation/forms.py).
FORM_RENDERER = "cooperation.forms.PortalFormRenderer"

# --- Data -------------------------------------------------------------------------------------
# Fail fast (cooperation/db.py): seconds to connect, and the longest statement of a web request
# and of a worker (Celery, beat, management commands). The client gives up a little after the
# statement timeout too, for a server that is frozen and enforces nothing.
DATABASE_CONNECT_TIMEOUT = env_int("DATABASE_CONNECT_TIMEOUT", 3, minimum=1)
DATABASE_STATEMENT_TIMEOUT = env_int("DATABASE_STATEMENT_TIMEOUT", 10, minimum=1)
WORKER_DATABASE_STATEMENT_TIMEOUT = env_int("WORKER_DATABASE_STATEMENT_TIMEOUT", 600, minimum=1)
_timeouts = db_options(
    connect_timeout=DATABASE_CONNECT_TIMEOUT, statement_timeout=DATABASE_STATEMENT_TIMEOUT
)
# Django's backend with a health check of kept connections that fails fast (a frozen server).
_ENGINE = "cooperation.postgresql"
_default = env_database("DATABASE_URL") or {}
DATABASES = {
    "default": {
        **_default,
        "ENGINE": _ENGINE,
        "OPTIONS": {**_default.get("OPTIONS", {}), **_timeouts},
    }
}
# Reports read from a PostgreSQL read replica when one is given (see reports.services).
_replica = env_database("DATABASE_REPLICA_URL", required=False)
if _replica:
    DATABASES["replica"] = {
        **_replica,
        "ENGINE": _ENGINE,
        "OPTIONS": {**_replica.get("OPTIONS", {}), **_timeouts},
        "TEST": {"MIRROR": "default"},
    }

REDIS_URL = env_redis("REDIS_URL")
# Seconds to connect to Redis and to wait for its answers: a Redis that is down costs a
# request this long at most, and the portal says so (503) instead of hanging.
REDIS_TIMEOUT = env_int("REDIS_TIMEOUT", 2, minimum=1)
CACHES = {
    "default": {
        # Django's Redis backend, its client made once per process (cooperation/cache.py).
        "BACKEND": "cooperation.cache.KeptClientRedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "portal"),
        "TIMEOUT": 300,
        "OPTIONS": {"socket_connect_timeout": REDIS_TIMEOUT, "socket_timeout": REDIS_TIMEOUT},
    }
}
# Sessions live in the database: a Redis restart must not sign every official out.
SESSION_ENGINE = "django.contrib.sessions.backends.db"

# --- Celery -----------------------------------------------------------------------------------
CELERY_BROKER_URL = REDIS_URL
CELERY_RESULT_BACKEND = None
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 30 * 60, minimum=1)
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 25 * 60, minimum=1)
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": CELERY_TASK_TIME_LIMIT + 300,
    "socket_connect_timeout": REDIS_TIMEOUT,
    # Workers long-poll the queue for a second at a time: reads must be allowed longer.
    "socket_timeout": max(REDIS_TIMEOUT, 5),
}
CELERY_BROKER_CONNECTION_TIMEOUT = REDIS_TIMEOUT
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_TIMEZONE = "UTC"
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
# Queues (README, "Queues"): long jobs (reports, project imports), e-mail and webhook
# deliveries each have their own, so that a 100,000-project report never delays a sign-up
# e-mail and a slow partner endpoint never delays either. Everything else (sweeps, purges)
# stays on Celery's default queue, "celery", the one earlier versions used: messages waiting
# there at an upgrade are still consumed. A worker started without -Q consumes them all
# (`make run`); the Compose file runs one worker per queue.
CELERY_TASK_DEFAULT_QUEUE = "celery"
CELERY_QUEUES = ("celery", "reports", "email", "webhooks")
CELERY_TASK_QUEUES = tuple(Queue(name, routing_key=name) for name in CELERY_QUEUES)
CELERY_TASK_ROUTES = {
    "reports.tasks.run_report": {"queue": "reports"},
    "reports.tasks.scheduled_report": {"queue": "reports"},
    "projects.tasks.run_import": {"queue": "reports"},
    "opendata.tasks.build_release": {"queue": "reports"},
    "opendata.tasks.scheduled_release": {"queue": "reports"},
    "cooperation.outbox.tasks.send_email": {"queue": "email"},
    "cooperation.tasks.send_notification": {"queue": "email"},
    "cooperation.api.tasks.deliver_webhook": {"queue": "webhooks"},
}
# The portal's housekeeping, and only it (config/beat.py; README, Reports: "Schedules").
CELERY_BEAT_SCHEDULE = HOUSEKEEPING

# --- Authentication ---------------------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
# People's passwords: Django's hashers (PBKDF2 first). The last one stores partner clients'
# generated secrets (cooperation/api/hashers.py); it is never used for a password.
PASSWORD_HASHERS = [
    *global_settings.PASSWORD_HASHERS,
    "cooperation.api.hashers.ClientSecretHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_ADAPTER = "cooperation.accounts.AccountAdapter"
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[CDMX–BCN] "
# Failed sign-ins (cooperation/signin.py), counted in Redis so every web node shares them:
# LOGIN_ATTEMPTS_LIMIT per LOGIN_ATTEMPTS_TIMEOUT seconds per trusted browser and account, or
# per address and account; LOGIN_ACCOUNT_ATTEMPTS_LIMIT per LOGIN_ACCOUNT_ATTEMPTS_TIMEOUT per
# account from untrusted browsers anywhere; LOGIN_ADDRESS_ATTEMPTS_LIMIT per address. The
# owner's own browser is never stopped by others' failures, and a stopped one gets an e-mailed
# link. allauth's own count per e-mail address (which refused the right password too) is off.
LOGIN_ATTEMPTS_LIMIT = env_int("LOGIN_ATTEMPTS_LIMIT", 5, minimum=1)
LOGIN_ATTEMPTS_TIMEOUT = env_int("LOGIN_ATTEMPTS_TIMEOUT", 300, minimum=1)
LOGIN_ACCOUNT_ATTEMPTS_LIMIT = env_int("LOGIN_ACCOUNT_ATTEMPTS_LIMIT", 50, minimum=1)
LOGIN_ACCOUNT_ATTEMPTS_TIMEOUT = env_int("LOGIN_ACCOUNT_ATTEMPTS_TIMEOUT", 3600, minimum=1)
LOGIN_ADDRESS_ATTEMPTS_LIMIT = env_int("LOGIN_ADDRESS_ATTEMPTS_LIMIT", 30, minimum=1)
ACCOUNT_RATE_LIMITS = {"login_failed": None}
# Behind this many reverse proxies, the client's address is read from X-Forwarded-For (the
# sign-in and token throttles count per address); 0 reads the connection's address.
ALLAUTH_TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0, minimum=0)
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
# Single sign-on (README, "Single sign-on"): each city's identity provider by OpenID Connect,
# configured by SSO_PROVIDERS and SSO_<ID>_* (config/sso.py); the rules are cooperation/sso.py.
SOCIALACCOUNT_PROVIDERS = {"openid_connect": {"APPS": sso_apps(), "OAUTH_PKCE_ENABLED": True}}
SOCIALACCOUNT_ADAPTER = "cooperation.sso.SocialAccountAdapter"
# A first sign-in links to the account of the same e-mail address, verified by the provider.
SOCIALACCOUNT_EMAIL_AUTHENTICATION = True
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = True
SOCIALACCOUNT_EMAIL_VERIFICATION = "none"  # verified by the provider, or refused
SOCIALACCOUNT_AUTO_SIGNUP = True
SOCIALACCOUNT_LOGIN_ON_GET = False  # a POST with the CSRF token starts the sign-in
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_ONLY = False
# A reused code is said to be "already used", not "incorrect" (cooperation/forms.py).
MFA_FORMS = {
    "authenticate": "cooperation.forms.AuthenticateForm",
    "reauthenticate": "cooperation.forms.ReauthenticateForm",
}
MFA_TOTP_ISSUER = "CDMX–BCN"

# --- Partner API (REST framework, OAuth2 client credentials) ----------------------------------
API_MAX_PAGE_SIZE = env_int("API_MAX_PAGE_SIZE", 100, minimum=1)
# A validated bearer token is kept this long by each web process (cooperation.api.scopes): a
# revoked token may still be accepted that long by the processes other than the revoking one.
# 0 reads it from the database on every call.
API_TOKEN_CACHE_SECONDS = env_int("API_TOKEN_CACHE_SECONDS", 10, minimum=0)
API_RATE = checked_rate("API_RATE", env_str("API_RATE", "600/min"), example="600/min")
# Reads without any credential (reference data, public projects), per address.
API_ANON_RATE = checked_rate("API_ANON_RATE", env_str("API_ANON_RATE", "60/min"), example="60/min")
# /o/token/ and /o/revoke_token/: requests per client id and per address, counted in Redis
# before any secret is checked.
OAUTH_TOKEN_RATE_CLIENT = checked_rate(
    "OAUTH_TOKEN_RATE_CLIENT", env_str("OAUTH_TOKEN_RATE_CLIENT", "30/min"), example="30/min"
)
OAUTH_TOKEN_RATE_ADDRESS = checked_rate(
    "OAUTH_TOKEN_RATE_ADDRESS", env_str("OAUTH_TOKEN_RATE_ADDRESS", "120/min"), example="30/min"
)
IDEMPOTENCY_KEY_HOURS = env_int("IDEMPOTENCY_KEY_HOURS", 24, minimum=1)
WEBHOOK_MAX_ATTEMPTS = env_int("WEBHOOK_MAX_ATTEMPTS", 8, minimum=1)
WEBHOOK_RETRY_BASE_SECONDS = env_int("WEBHOOK_RETRY_BASE_SECONDS", 30, minimum=1)
WEBHOOK_TIMEOUT = env_int("WEBHOOK_TIMEOUT", 10, minimum=1)
# A worker holds a delivery this long; if it dies meanwhile, the sweep hands it over again.
WEBHOOK_LEASE_SECONDS = 3 * WEBHOOK_TIMEOUT + 30
REST_FRAMEWORK = rest_framework(rate=API_RATE, anon_rate=API_ANON_RATE)
OAUTH2_PROVIDER_APPLICATION_MODEL = "oauth2_provider.Application"
OAUTH2_PROVIDER = oauth2_provider(token_seconds=env_int("API_TOKEN_SECONDS", 3600, minimum=60))
SPECTACULAR_SETTINGS = spectacular(site_url=SITE_URL, scopes=OAUTH2_PROVIDER["SCOPES"])

# --- Reports ---------------------------------------------------------------------------------
# Report files are private: the "reports" storage (below), served only through a permission
# check. REPORTS_ROOT is its local folder. A worker writes a file first in a scratch folder
# (REPORTS_SCRATCH_ROOT, by default REPORTS_ROOT/tmp), then hands it to the storage.
REPORTS_ROOT = Path(env_str("REPORTS_ROOT", str(VAR_DIR / "reports")))
REPORTS_SCRATCH_ROOT = env_str("REPORTS_SCRATCH_ROOT")
# A running report whose worker has not written progress for this long is taken over.
REPORT_STALE_SECONDS = env_int("REPORT_STALE_SECONDS", 120, minimum=10)
# Open data (README, "Open data"): a release's takeover delay, the files' publisher.
OPENDATA_STALE_SECONDS = env_int("OPENDATA_STALE_SECONDS", 300, minimum=10)
OPENDATA_PUBLISHER = env_str("OPENDATA_PUBLISHER", "Programa de cooperación CDMX–BCN")
# The standards' identifiers (opendata/standards/) and where their schemas are read from
# (empty: ``shared/standards`` beside the project, where there is one).
OPEN_DATA_360_PREFIX = env_str("OPEN_DATA_360_PREFIX", "360G-cdmxbcn")
OPEN_DATA_IATI_ORG_REF = env_str("OPEN_DATA_IATI_ORG_REF", "XI-IATI-CDMXBCN")
OPEN_DATA_STANDARDS_DIR = env_str("OPEN_DATA_STANDARDS_DIR")
# Seconds without a heartbeat before a project import's worker is taken for dead (and a queued
# import for lost with the broker): beat then hands the run to another worker.
PROJECT_IMPORT_STALE_SECONDS = env_int("PROJECT_IMPORT_STALE_SECONDS", 120, minimum=10)

# --- Outbox (cooperation/outbox) ---------------------------------------------------------------
# A new row waits this long for its after-commit hand-over before the sweep hands it over.
OUTBOX_GRACE_SECONDS = env_int("OUTBOX_GRACE_SECONDS", 60, minimum=1)
OUTBOX_SWEEP_BATCH = 1000
# After a failed publish, skip the broker this long (the rows wait for the sweep), so that a
# request that queued many rows while Redis is down does not wait for each one.
OUTBOX_BROKER_BACKOFF_SECONDS = 15
# One quick retry at publish time, then the sweep.
OUTBOX_PUBLISH_RETRY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.5}

# --- Languages and time -----------------------------------------------------------------------
LANGUAGE_CODE = "es"
LANGUAGES = [("es", _("Spanish")), ("ca", _("Catalan")), ("en", _("English"))]
MODELTRANSLATION_DEFAULT_LANGUAGE = "es"
MODELTRANSLATION_FALLBACK_LANGUAGES = ("es", "en", "ca")
# Then the third-party strings their packages leave untranslated (cooperation/i18n.py).
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "thirdparty_locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = env_str("TIME_ZONE", "Europe/Madrid")

# The public catalogue's and projects' pages of visitors who are not signed in are kept in
# Redis per language and address until a project changes (projects.catalogue); 0 turns it off.
PUBLIC_PAGE_CACHE = env_bool("PUBLIC_PAGE_CACHE", True)

# --- Static and media -------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(VAR_DIR / "static")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
# Every file the portal keeps goes through one named storage per kind (config/storages.py,
# cooperation/storage.py): these folders are the local default, under VAR_DIR.
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
# Applicants' documents: outside MEDIA_ROOT, never served by the web server, only by a view
# that checks who asks.
PRIVATE_MEDIA_ROOT = Path(env_str("PRIVATE_MEDIA_ROOT", str(VAR_DIR / "private")))
# Uploaded import files waiting for an official's confirmation (private).
IMPORTS_ROOT = Path(env_str("IMPORTS_ROOT", str(VAR_DIR / "imports")))
# Open-data releases (public datasets).
OPENDATA_ROOT = Path(env_str("OPENDATA_ROOT", str(VAR_DIR / "opendata")))
# s3://bucket[/prefix]: every kind in an S3-compatible bucket instead (AWS S3, MinIO…).
STORAGE_URL = env_str("STORAGE_URL")
STORAGES = build_storages(
    storage_url=STORAGE_URL,
    static_backend=(
        "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    ),
    endpoint_url=env_str("STORAGE_S3_ENDPOINT_URL"),
    region=env_str("STORAGE_S3_REGION"),
    access_key=env_str("STORAGE_S3_ACCESS_KEY_ID"),
    secret_key=env_str("STORAGE_S3_SECRET_ACCESS_KEY"),
)

# --- Researcher stays ------------------------------------------------------------------------
# Largest PDF an applicant may attach, in bytes (default 5 MB).
STAY_ATTACHMENT_MAX_BYTES = env_int("STAY_ATTACHMENT_MAX_BYTES", 5 * 1024 * 1024, minimum=1024)
# Days after an application closes before a scheduled task deletes its documents.
STAY_DOCUMENT_RETENTION_DAYS = env_int("STAY_DOCUMENT_RETENTION_DAYS", 365, minimum=0)

# --- Knowledge exchange ---------------------------------------------------------------------
# Largest PDF a coordinator may attach to a practice, in bytes (default 10 MB).
KNOWLEDGE_ATTACHMENT_MAX_BYTES = env_int(
    "KNOWLEDGE_ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024, minimum=1024
)
# Days after an event ends before a scheduled task deletes its registrations (personal data).
EVENT_REGISTRATION_RETENTION_DAYS = env_int("EVENT_REGISTRATION_RETENTION_DAYS", 365, minimum=1)

# --- E-mail -----------------------------------------------------------------------------------
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "CDMX–BCN <no-reply@localhost>")
# Each message is a row of the outbox, sent and retried on its own (cooperation/outbox/mail.py).
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 20, minimum=1)
EMAIL_MAX_ATTEMPTS = env_int("EMAIL_MAX_ATTEMPTS", 8, minimum=1)
EMAIL_RETRY_BASE_SECONDS = env_int("EMAIL_RETRY_BASE_SECONDS", 60, minimum=1)
EMAIL_LEASE_SECONDS = 3 * EMAIL_TIMEOUT + 30
# Sent messages hold personal data: they are deleted after this many days.
EMAIL_RETENTION_DAYS = env_int("EMAIL_RETENTION_DAYS", 30, minimum=1)
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_HOST = env_str("EMAIL_HOST")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = env_int("EMAIL_PORT", 587, minimum=1)
    EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
    EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
else:
    # No SMTP server configured: every message is written as a file under var/mail/.
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = VAR_DIR / "mail"

# --- Security ---------------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31_536_000, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
# Behind a TLS-terminating proxy (the Compose deployment), trust its X-Forwarded-Proto.
if env_bool("USE_X_FORWARDED_PROTO", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# The health probes are called over plain HTTP by the orchestrator, inside the network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^metrics$"]

# Content-Security-Policy: scripts and styles only from this origin. Inline styles are allowed
# because Django's admin widgets set style attributes; inline scripts are not.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

# --- Logging ----------------------------------------------------------------------------------
LOG_LEVEL = env_str("LOG_LEVEL", "INFO").upper()
if LOG_LEVEL not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
    raise ImproperlyConfigured(
        f"LOG_LEVEL={LOG_LEVEL!r} must be one of DEBUG, INFO, WARNING, ERROR, CRITICAL."
    )
# One JSON object per line in production (what log collectors parse), with the request id
# that also follows the Celery tasks a request queued; plain lines for development.
LOG_FORMAT = env_str("LOG_FORMAT", "plain" if DEBUG else "json")
if LOG_FORMAT not in {"json", "plain"}:
    raise ImproperlyConfigured(f"LOG_FORMAT={LOG_FORMAT!r} must be json or plain.")
LOGGING = logging_config(level=LOG_LEVEL, log_format=LOG_FORMAT)
# Workers log through the same configuration instead of Celery's own.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

# --- Metrics and error reports ----------------------------------------------------------------
# /metrics (Prometheus) answers a scraper that sends "Authorization: Bearer METRICS_TOKEN" or
# whose address is in one of METRICS_ALLOWED_NETWORKS (CIDRs); everyone else gets a 404.
# Neither set: the endpoint is off.
METRICS_TOKEN = env_str("METRICS_TOKEN")
METRICS_ALLOWED_NETWORKS = checked_networks(env_list("METRICS_ALLOWED_NETWORKS", []))
# Error reports to Sentry (or a compatible service) when SENTRY_DSN is set; no personal data.
SENTRY_DSN = env_str("SENTRY_DSN")
if SENTRY_DSN:
    init_sentry(
        dsn=SENTRY_DSN,
        environment=env_str("SENTRY_ENVIRONMENT", "production"),
        traces_sample_rate=env_str("SENTRY_TRACES_SAMPLE_RATE", "0"),
    )
