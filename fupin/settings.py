"""Fupin settings: one module, driven by environment variables.

FUPIN_DEBUG        "1"/"true" for development; unset in production.
FUPIN_SECRET_KEY   required when FUPIN_DEBUG is off.
FUPIN_ALLOWED_HOSTS comma-separated host names.
DATABASE_URL       default: SQLite under ./var/ (WAL mode); postgres://… for PostgreSQL.
FUPIN_VAR_DIR      where the SQLite file, uploads and logs live (default ./var).
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


BASE_DIR = Path(__file__).resolve().parent
VAR_DIR = Path(os.environ.get("FUPIN_VAR_DIR", Path.cwd() / "var")).resolve()

DEBUG = env_bool("FUPIN_DEBUG")
SECRET_KEY = os.environ.get("FUPIN_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("FUPIN_SECRET_KEY must be set when FUPIN_DEBUG is off.")
    SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production-0123456789"
# Key for personal data at rest (ID numbers, phones, bank accounts): encryption and keyed hash.
# Losing it makes those fields unreadable; changing it needs a re-encryption (see docs).
FUPIN_FIELD_KEY = os.environ.get("FUPIN_FIELD_KEY", "")
if not FUPIN_FIELD_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("FUPIN_FIELD_KEY must be set when FUPIN_DEBUG is off.")
    FUPIN_FIELD_KEY = "dev-only-field-key-do-not-use-in-production"
ALLOWED_HOSTS = [
    h.strip() for h in os.environ.get("FUPIN_ALLOWED_HOSTS", "").split(",") if h.strip()
]
if DEBUG and not ALLOWED_HOSTS:
    ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]"]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "simple_history",
    "django_tasks",
    "django_tasks_db",
    "fupin.core",
    "fupin.areas",
    "fupin.accounts",
    "fupin.registry",
    "fupin.training",
    "fupin.employment",
    "fupin.followups",
    "fupin.techaid",
    "fupin.reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "fupin.core.middleware.SessionMiddleware",  # Django's; a background poll renews nothing
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "fupin.core.middleware.RefuseNulMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "fupin.accounts.middleware.PasswordChangeRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "fupin.urls"
WSGI_APPLICATION = "fupin.wsgi.application"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"

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
                "fupin.core.context_processors.shell",
            ],
        },
    },
]

# --- database ---------------------------------------------------------------
VAR_DIR.mkdir(parents=True, exist_ok=True)
(VAR_DIR / "static").mkdir(exist_ok=True)
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'fupin.sqlite3'}"),
        conn_max_age=int(os.environ.get("FUPIN_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers go on while an import writes; IMMEDIATE avoids lock upgrades.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; "
            "PRAGMA busy_timeout=20000;"
        ),
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- passwords and login (DESIGN §7; issue: login fit for a government system) -----
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "fupin.accounts.passwords.MinimumLengthValidator",
     "OPTIONS": {"min_length": 10}},
    {"NAME": "fupin.accounts.passwords.NotUsernameValidator"},
    {"NAME": "fupin.accounts.passwords.MixedClassesValidator"},
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
AUTHENTICATION_BACKENDS = ["fupin.accounts.backends.LockoutModelBackend"]
# Failed logins within the window that lock (fupin/accounts/selectors.py: login_locked):
# an account from one address, an account from anywhere, an address for every account.
FUPIN_LOCKOUT_FAILURES = 5
FUPIN_LOCKOUT_ACCOUNT_FAILURES = 10
FUPIN_LOCKOUT_IP_FAILURES = 50
FUPIN_LOCKOUT_WINDOW = timedelta(minutes=15)

SESSION_COOKIE_AGE = 30 * 60          # idle expiry: renewed on every request
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("FUPIN_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = 365 * 24 * 3600
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# --- Content-Security-Policy (django-csp) ----------------------------------------
# Scripts, styles, fonts and images come from the site itself; no inline script, style or
# event handler anywhere (templates use data- attributes read by fupin/static/fupin/app.js;
# htmx's indicator styles are in app.css; the API docs load their init script as a file).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
    },
}

# --- language ---------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Shanghai"
USE_TZ = True

# --- static files (front-end packages come from npm into fupin/static/vendor) --
STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = VAR_DIR / "media"  # private: files with personal data are sealed (core/files.py)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"
                    if not DEBUG else "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# --- API ----------------------------------------------------------------------
FUPIN_API_TOKEN_HOURS = int(os.environ.get("FUPIN_API_TOKEN_HOURS", "12"))  # a working day
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first: an unauthenticated call answers 401 with WWW-Authenticate: Token
        "fupin.accounts.authentication.ExpiringTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["fupin.core.drf.RolePermission"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "fupin.core.drf.KeysetPagination",
    "PAGE_SIZE": 50,
    # The API speaks JSON only; the parser refuses deep nesting and NUL characters with a 400.
    "DEFAULT_PARSER_CLASSES": ["fupin.core.drf.SafeJSONParser"],
    # drf-spectacular, plus the error answers every operation can give (core/schema.py).
    "DEFAULT_SCHEMA_CLASS": "fupin.core.schema.AutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Fupin API",
    "DESCRIPTION": "就业扶贫与科技扶贫管理平台 API",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "/static/vendor/swagger-ui-dist",
    "SWAGGER_UI_FAVICON_HREF": "/static/fupin/favicon.svg",
    "ENUM_NAME_OVERRIDES": {"WorkPlaceEnum": "fupin.core.codes.WORK_PLACE_CHOICES"},
}

# Cache: import progress lives here (readable while an import's transaction is open). The
# file cache works for one machine; several application nodes share Redis or memcached.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(VAR_DIR / "cache"),
    }
}
FUPIN_LABOUR_AGE = (16, 60)  # DESIGN §2: a labourer is 16–60 (configurable)
FUPIN_MAX_UPLOAD_BYTES = 50 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
# Uploads stay in memory, never in a clear temporary file on disk (the import reads the
# whole file into memory anyway, and stores it sealed); a request over the limit gets no file
# and the page says it is too big.
FILE_UPLOAD_HANDLERS = ["django.core.files.uploadhandler.MemoryFileUploadHandler"]
FILE_UPLOAD_MAX_MEMORY_SIZE = FUPIN_MAX_UPLOAD_BYTES + 1024 * 1024
# Uploaded import files and error reports are deleted this many days after the import ends
# (or after an upload nobody confirmed): `fupin purge_uploads`, run by `fupin nightly`.
FUPIN_UPLOAD_RETENTION_DAYS = int(os.environ.get("FUPIN_UPLOAD_RETENTION_DAYS", "7"))
# The initial passwords of imported accounts wait (encrypted) this many days for the importer
# to download them once; then they are erased (`fupin purge_credentials`, run nightly).
FUPIN_CREDENTIALS_DAYS = int(os.environ.get("FUPIN_CREDENTIALS_DAYS", "3"))

# --- notifications (DESIGN §8; fupin/core/notifications.py) ------------------------
# The in-app row (the bell) is always written; these channels are told after the sender's
# transaction commits, a failing one logged and skipped. Dotted class paths, comma-separated
# in the environment: fupin.core.notifications.LogChannel (default) and .SmsChannel.
FUPIN_NOTIFICATION_CHANNELS = [
    c.strip() for c in os.environ.get(
        "FUPIN_NOTIFICATION_CHANNELS", "fupin.core.notifications.LogChannel").split(",")
    if c.strip()
]
# The SMS provider of SmsChannel: a class with send(phone, text) (fupin.core.notifications.
# SmsGateway), constructed without arguments; empty: SmsChannel sends nothing and says so.
FUPIN_SMS_GATEWAY = os.environ.get("FUPIN_SMS_GATEWAY", "")
# Read notifications are deleted this many days after being read (`fupin purge_notifications`,
# run by `fupin nightly`); unread ones are kept.
FUPIN_NOTIFICATION_RETENTION_DAYS = int(os.environ.get("FUPIN_NOTIFICATION_RETENTION_DAYS",
                                                       "90"))
# How often an open page asks for the bell's unread count (seconds).
FUPIN_NOTIFICATION_POLL_SECONDS = 60

# --- background work ------------------------------------------------------------
TASKS = {
    "default": {
        "BACKEND": os.environ.get("FUPIN_TASK_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("FUPIN_LOG_LEVEL", "WARNING")},
    # LogChannel's lines (ids and kinds only) are kept at INFO whatever the root level
    "loggers": {"fupin.notifications": {"level": os.environ.get(
        "FUPIN_NOTIFICATION_LOG_LEVEL", "INFO")}},
}

SILENCED_SYSTEM_CHECKS: list[str] = []
_ = _  # gettext_lazy is imported for apps that extend LANGUAGES labels
