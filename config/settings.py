"""Rasd settings, read from the environment.

Every setting has a default that works on a laptop: an SQLite file beside the code. Production sets
``DATABASE_URL`` (PostgreSQL), ``SECRET_KEY``, ``ALLOWED_HOSTS`` and ``DEBUG=0``.
"""

import datetime
import os
from pathlib import Path

import bootstrap_wrapper
import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def envbool(name: str, default: str) -> bool:
    value = os.environ.get(name, default).strip().lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off", ""):
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), not {value!r}")


def envint(name: str, default: str) -> int:
    value = os.environ.get(name, default)
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, not {value!r}") from None


def envstr(name: str, default: str) -> str:
    return os.environ.get(name, default)


DEBUG = envbool("DEBUG", "0")
# RASD_ENV=production turns on the secure defaults below (HTTPS only, secure cookies, HSTS), each overridable.
PRODUCTION = envstr("RASD_ENV", "development") == "production"
SECRET_KEY = envstr("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG and PRODUCTION:
        raise ImproperlyConfigured("SECRET_KEY must be set in production")
    SECRET_KEY = "development-only-secret-key-do-not-use-in-production"
ALLOWED_HOSTS = [h.strip() for h in envstr("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h.strip()]
CSRF_TRUSTED_ORIGINS = [o.strip() for o in envstr("CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_tasks",
    "django_tasks_db",
    "rasd.core",
    "rasd.accounts",
    "rasd.states",
    "rasd.institutions",
    "rasd.mechanisms",
    "rasd.recommendations",
    "rasd.followup",
    "rasd.strategy",
    "rasd.cooperation",
    "rasd.reports",
    "rasd.semantic",
    "rasd.intelligence",
    "rasd.search",
    "rasd.imports",
    "rasd.portal",
    "rasd.dashboard",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "rasd.api",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "rasd.core.middleware.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "rasd.accounts.middleware.TwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it turns a refused login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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

# SQLite by default; DATABASE_URL (e.g. postgres://user@host:5432/rasd) switches to PostgreSQL.
DATABASES = {
    "default": dj_database_url.parse(
        envstr("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"), conn_max_age=envint("DB_CONN_MAX_AGE", "0")
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server read while the worker writes an import; IMMEDIATE avoids
    # "database is locked" on upgrade from a read to a write transaction.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 30,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
DATABASES["default"]["TEST"] = {"NAME": envstr("TEST_DATABASE_NAME", "") or None}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3" and not DATABASES["default"]["TEST"]["NAME"]:
    # A file, as in production: concurrent writers then meet SQLite's real locking, not an in-memory stand-in.
    DATABASES["default"]["TEST"]["NAME"] = str(BASE_DIR / "test-db.sqlite3")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

AUTHENTICATION_BACKENDS = [
    # First, so that a locked-out username and address is refused before its password is even checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Arabic first: the interface opens in Arabic unless the browser or the user asks otherwise.
LANGUAGE_CODE = envstr("LANGUAGE_CODE", "ar")
LANGUAGES = [("ar", "العربية"), ("fr", "Français"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
TIME_ZONE = envstr("TIME_ZONE", "Africa/Casablanca")
# Completes Django's own formats where a language lacks some (Arabic has no date-and-time format).
FORMAT_MODULE_PATH = ["config.formats"]
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# Bootstrap (with its right-to-left build) comes from a pinned PyPI package, never from a CDN.
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/bootstrap", Path(bootstrap_wrapper.__file__).parent.parent / "bootstrap"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = Path(envstr("MEDIA_ROOT", str(BASE_DIR / "media")))
MEDIA_URL = "media/"

# Long work (imports) runs in the task worker: `python manage.py db_worker`.
TASKS = {"default": {"BACKEND": envstr("TASKS_BACKEND", "django_tasks_db.DatabaseBackend")}}

# Uploaded import files: bigger than the UPR Info file (10 MB), small enough to refuse a mistake.
RASD_IMPORT_MAX_BYTES = envint("RASD_IMPORT_MAX_BYTES", str(50 * 1024 * 1024))
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Keyword search ranks a query's matches by relevance; one with more matches than this (a single common word on
# a UHRI-sized corpus) is ranked among its most recently added matches, to answer within the time people wait.
RASD_SEARCH_RANKED_MATCHES = envint("RASD_SEARCH_RANKED_MATCHES", "2500")

# Evidence files of progress updates and indicator values: documents and scans, not videos.
RASD_EVIDENCE_MAX_BYTES = envint("RASD_EVIDENCE_MAX_BYTES", str(20 * 1024 * 1024))

EMAIL_BACKEND = envstr("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = envstr("DEFAULT_FROM_EMAIL", "rasd@localhost")
# The SMTP server (EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend): a relay on this machine by default.
EMAIL_HOST = envstr("EMAIL_HOST", "localhost")
EMAIL_PORT = envint("EMAIL_PORT", "25")
EMAIL_HOST_USER = envstr("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = envstr("EMAIL_HOST_PASSWORD", "")
# STARTTLS on the submission port (587); EMAIL_USE_SSL for implicit TLS (465). Not both.
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", "0")
EMAIL_USE_SSL = envbool("EMAIL_USE_SSL", "0")
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise ImproperlyConfigured("EMAIL_USE_TLS and EMAIL_USE_SSL exclude each other: set one of them")
# The address people open Rasd at, for the links in reminder emails.
RASD_SITE_URL = envstr("RASD_SITE_URL", "http://127.0.0.1:8000")
# Reminders name what is overdue and what falls due within this many days.
RASD_REMINDER_DAYS_AHEAD = envint("RASD_REMINDER_DAYS_AHEAD", "14")
# The task worker sends the day's reminders at this hour, in TIME_ZONE.
RASD_REMINDER_HOUR = envint("RASD_REMINDER_HOUR", "7")
if not 0 <= RASD_REMINDER_HOUR <= 23:
    raise ImproperlyConfigured(f"RASD_REMINDER_HOUR must be an hour from 0 to 23, not {RASD_REMINDER_HOUR}")

# Security. Production runs behind nginx, which speaks HTTPS and passes the request on over HTTP with
# X-Forwarded-Proto; the defaults below are on when RASD_ENV=production and off on a laptop (plain HTTP).
SECURE_DEFAULT = "1" if PRODUCTION else "0"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = envbool("SECURE_COOKIES", SECURE_DEFAULT)
# Lax, not Strict: a link in a reminder email must open the page logged in.
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
# No script reads the CSRF cookie: forms carry the token, and htmx only sends GET requests.
CSRF_COOKIE_HTTPONLY = True
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", SECURE_DEFAULT)
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", str(365 * 24 * 3600) if PRODUCTION else "0")
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
# Asking browsers to put the domain on their built-in HTTPS list is its owner's decision, made once, outside Rasd.
SILENCED_SYSTEM_CHECKS = ["security.W021"]
if envbool("TRUST_X_FORWARDED_PROTO", SECURE_DEFAULT):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Everything comes from Rasd itself: no inline script or style, no other site. Bootstrap draws its icons with
# data: images in its CSS.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
RASD_PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"

# Login throttling (django-axes): this many failed logins for one username from one address lock that pair out
# for AXES_COOLOFF_MINUTES; `manage.py axes_reset` lifts every lockout at once.
AXES_FAILURE_LIMIT = envint("AXES_FAILURE_LIMIT", "5")
AXES_COOLOFF_TIME = datetime.timedelta(minutes=envint("AXES_COOLOFF_MINUTES", "15"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# Failed logins and lockouts are still logged; this only drops the banner every command would print.
AXES_VERBOSE = False
AXES_LOCKOUT_CALLABLE = "rasd.accounts.views.locked_out"
AXES_CLIENT_IP_CALLABLE = "rasd.accounts.views.client_ip"
# Behind nginx every request comes from nginx: the client's address is the last one nginx added.
RASD_TRUST_X_FORWARDED_FOR = envbool("TRUST_X_FORWARDED_PROTO", SECURE_DEFAULT)

# Two-factor authentication (django-otp): the name authenticator apps show beside the code.
OTP_TOTP_ISSUER = "Rasd"
# The admin lists users' authenticators (to remove a lost one) but never shows their secrets.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": envstr("LOG_LEVEL", "INFO")},
}

# The read API (/api/v1/): a token for scripts (`Authorization: Token …`), the session for the browser.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first: an anonymous request is answered 401 with `WWW-Authenticate: Token`.
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rasd.api.permissions.CanReadApi"],
    "DEFAULT_PAGINATION_CLASS": "rasd.api.pagination.Pagination",
    "DEFAULT_SCHEMA_CLASS": "rasd.api.schema.AutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Rasd API",
    "DESCRIPTION": (
        "The recommendations a state received from the UN human-rights mechanisms, with their texts in Arabic, "
        "French and English, the reference data that classifies them, and their follow-up: assignments, actions, "
        "indicators, progress updates and indicator values with evidence and validation. Each user reads and writes "
        "what their role allows, as on the web pages. A change sends the `version` it read and is refused with 409 "
        "if the record changed since. Authenticate with a token (`Authorization: Token <key>`) or a browser session."
    ),
    "VERSION": "1",
    # OpenAPI 3.1: a nullable nested object (a recommendation's review) is described exactly, as JSON Schema.
    "OAS_VERSION": "3.1.0",
    # Choice sets that several fields share, or whose field names other sets use too, named once.
    "ENUM_NAME_OVERRIDES": {
        "ActionStatusEnum": "rasd.followup.models.Action.Status",
        "ReportStatusEnum": "rasd.followup.models.Report.Status",
        "ImplementationStatusEnum": "rasd.recommendations.models.ImplementationStatus",
        "IndicatorKindEnum": "rasd.followup.models.Indicator.Kind",
        "HistoryActionEnum": "rasd.core.models.HistoryEntry.Action",
    },
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rasd.api.permissions.CanReadApi"],
    # Swagger UI comes from a pinned PyPI package, never from a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    # No deep links: Swagger UI puts each one inside its operation's button, a link in a button that keyboards
    # and screen readers cannot reach on its own.
    "SWAGGER_UI_SETTINGS": {"deepLinking": False},
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}
