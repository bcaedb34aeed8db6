"""Settings for Xã Số, read from the environment (see ``.env.example``).

Per-commune policy lives in the database, never here.
"""

from __future__ import annotations

from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from xaso.core.env import env_bool, env_int, env_list, env_str

PACKAGE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(env_str("XASO_DATA_DIR", str(Path.cwd() / "var")))

DEBUG = env_bool("XASO_DEBUG", False)
SECRET_KEY = env_str("XASO_SECRET_KEY") or (
    "insecure-development-key-change-me" if DEBUG or env_bool("XASO_ALLOW_INSECURE_KEY") else ""
)
ALLOWED_HOSTS = env_list("XASO_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("XASO_CSRF_TRUSTED_ORIGINS")
SITE_URL = env_str("XASO_SITE_URL", "http://127.0.0.1:8000").rstrip("/")

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
    "xaso.core",
    "xaso.geo",
    "xaso.accounts",
    "xaso.audit",
    "xaso.workdays",
    "xaso.portal",
    "xaso.feedback",
    "xaso.population",
    "xaso.procedures",
    "xaso.dossiers",
    "xaso.signatures",
    "xaso.documents",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "xaso.core.middleware.VietnameseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "xaso.core.middleware.RejectUnstorableInputMiddleware",
    "xaso.core.middleware.IdempotencyMiddleware",
]

ROOT_URLCONF = "xaso.urls"
WSGI_APPLICATION = "xaso.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "xaso.core.context_processors.platform",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------
# SQLite by default (one commune, one machine); PostgreSQL through DATABASE_URL.
DATABASE_URL = env_str("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {
        "default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 60))
    }
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
        DATABASES["default"].setdefault("TEST", {})["NAME"] = env_str(
            "XASO_TEST_DB_NAME", "test_xaso"
        )
else:
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": env_str("XASO_SQLITE_PATH", str(DATA_DIR / "xaso.sqlite3")),
            "OPTIONS": {
                # WAL lets readers run beside the writer; synchronous=FULL makes an
                # acknowledged commit survive a power cut; IMMEDIATE avoids the
                # read-then-upgrade deadlock between two writers.
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; "
                    "PRAGMA foreign_keys=ON; PRAGMA busy_timeout=5000;"
                ),
                "transaction_mode": "IMMEDIATE",
            },
            "TEST": {"NAME": env_str("XASO_TEST_SQLITE_PATH", "") or None},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache (rate limits, lock-outs, hot public reads) ------------------------
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {
        # Django's Redis cache, reusing its client object (see xaso/core/cache.py).
        "default": {"BACKEND": "xaso.core.cache.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "xaso_cache",
        }
    }

# --- Background tasks --------------------------------------------------------
TASKS_BACKEND = env_str("XASO_TASKS_BACKEND", "database")
_TASK_BACKENDS = {
    "immediate": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
    "database": {"BACKEND": "django_tasks_db.DatabaseBackend"},
    "rq": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]},
}
if TASKS_BACKEND not in _TASK_BACKENDS:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("XASO_TASKS_BACKEND must be immediate, database or rq")
TASKS = {"default": _TASK_BACKENDS[TASKS_BACKEND]}
if TASKS_BACKEND == "rq":
    INSTALLED_APPS += ["django_rq", "django_tasks_rq"]
    RQ_QUEUES = {"default": {"URL": REDIS_URL or "redis://127.0.0.1:6379/0"}}

# --- Accounts ----------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "portal:home"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("XASO_SECURE_COOKIES", not DEBUG and SITE_URL.startswith("https"))
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE

SMS_TRANSPORT = env_str("XASO_SMS_TRANSPORT", "xaso.accounts.sms.ConsoleTransport")
SMS_GATEWAY_URL = env_str("XASO_SMS_GATEWAY_URL")
SMS_GATEWAY_TOKEN = env_str("XASO_SMS_GATEWAY_TOKEN")
SMS_SENDER = env_str("XASO_SMS_SENDER", "XASO")
OTP_TTL_SECONDS = env_int("XASO_OTP_TTL_SECONDS", 300)
LOGIN_MAX_FAILURES = env_int("XASO_LOGIN_MAX_FAILURES", 5)
LOGIN_LOCKOUT_SECONDS = env_int("XASO_LOGIN_LOCKOUT_SECONDS", 900)
OTP_MAX_SENDS = env_int("XASO_OTP_MAX_SENDS", 3)

# --- Working-day calendar ------------------------------------------------------
WORKDAY_START = env_str("XASO_WORKDAY_START", "07:30")
WORKDAY_END = env_str("XASO_WORKDAY_END", "17:00")
COUNTER_CUTOFF = env_str("XASO_COUNTER_CUTOFF", "15:00")

# --- Internationalisation: Vietnamese first -----------------------------------
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Tiếng Việt")), ("en", _("Tiếng Anh"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("XASO_STATIC_ROOT", str(DATA_DIR / "static")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
# Served from the app's static folders until `collectstatic` has filled STATIC_ROOT.
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
MEDIA_ROOT = Path(env_str("XASO_MEDIA_ROOT", str(DATA_DIR / "media")))

EMAIL_BACKEND = env_str("XASO_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("XASO_DEFAULT_FROM_EMAIL", "xaso@localhost")

SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("XASO_BEHIND_PROXY") else None
)
# Behind reverse proxies the client address is the X-Forwarded-For hop that the
# outermost of the TRUSTED_PROXIES proxies appended (xaso.core.http.client_ip).
BEHIND_PROXY = env_bool("XASO_BEHIND_PROXY", False)
TRUSTED_PROXIES = env_int("XASO_TRUSTED_PROXIES", 1)
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True

API_PAGE_SIZE = env_int("XASO_API_PAGE_SIZE", 50)

# Digital signatures (xaso.signatures): timestamp authority, trust anchors (PEM files, in
# addition to those managed in the admin), network fetching of CRL/OCSP, and the PKCS#11
# libraries an official may register a token with.
XASO_TSA_URL = env_str("XASO_TSA_URL") or None
XASO_TRUST_ANCHORS = env_list("XASO_TRUST_ANCHORS")
XASO_SIGNATURE_ALLOW_FETCHING = env_bool("XASO_SIGNATURE_ALLOW_FETCHING", False)
XASO_PKCS11_MODULES = env_list("XASO_PKCS11_MODULES")
# Seconds a rendered Open311 request list is reused (any change to the commune's
# reports retires it at once); 0 switches the cache off.
OPEN311_CACHE_SECONDS = env_int("XASO_OPEN311_CACHE_SECONDS", 60)
NINJA_PAGINATION_PER_PAGE = API_PAGE_SIZE
NINJA_PAGINATION_MAX_PER_PAGE_SIZE = 200

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("XASO_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # One line per task state change drowns the console of `make run`.
        "django_tasks": {"level": "WARNING"},
    },
}
