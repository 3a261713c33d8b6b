"""Settings shared by every environment. Values that differ per machine come from the
environment through the typed readers in config/settings/env.py.

See https://docs.djangoproject.com/en/5.2/ref/settings/
"""

from __future__ import annotations

from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from .env import database_from_url, env_bool, env_float, env_int, env_list, env_str, redis_url

BASE_DIR = Path(__file__).resolve().parent.parent.parent

# https://docs.djangoproject.com/en/5.2/ref/settings/#secret-key
SECRET_KEY = env_str("SECRET_KEY", "dev-only-insecure-key-change-me")
# https://docs.djangoproject.com/en/5.2/ref/settings/#debug
DEBUG = env_bool("DEBUG", False)
# https://docs.djangoproject.com/en/5.2/ref/settings/#allowed-hosts
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "simple_history",
    "corsheaders",
    "accounts",
    "sources",
    "events",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
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
            ],
        },
    },
]

# https://docs.djangoproject.com/en/5.2/ref/settings/#databases
_database_url = env_str("DATABASE_URL")
if not _database_url:
    raise ImproperlyConfigured(
        "DATABASE_URL is not set (postgres://user:password@host:port/name); "
        "`make run` and `make test` set it for you"
    )
DATABASES = {"default": database_from_url("DATABASE_URL", _database_url)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = redis_url("REDIS_URL", env_str("REDIS_URL", "redis://127.0.0.1:6379/0"))

# https://docs.djangoproject.com/en/5.2/ref/settings/#caches
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "timeline",
        "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
    }
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "var" / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
MEDIA_ROOT = BASE_DIR / "var" / "media"

LOGIN_URL = "admin:login"

# Uploads: sources are text; anything over the cap is refused before it is read whole.
# https://docs.djangoproject.com/en/5.2/ref/settings/#data-upload-max-memory-size
SOURCE_MAX_BYTES = env_int("SOURCE_MAX_BYTES", 10 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = SOURCE_MAX_BYTES + 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

# Celery: https://docs.celeryq.dev/en/stable/userguide/configuration.html
CELERY_BROKER_URL = REDIS_URL
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {
    # A task not acknowledged within this time is delivered again (worker died).
    "visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 3600),
    "socket_connect_timeout": 3,
}
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE: dict = {
    # Sources whose task message was lost (Redis down, worker killed) are sent again.
    "requeue-stuck-sources": {
        "task": "sources.tasks.requeue_stuck_sources",
        "schedule": env_int("SOURCES_REQUEUE_EVERY_SECONDS", 60),
    },
    # Each feed is fetched when its own poll interval has passed; this only looks.
    "poll-feeds": {
        "task": "sources.tasks.poll_feeds",
        "schedule": env_int("SOURCES_FEED_CHECK_EVERY_SECONDS", 60),
    },
}

# REST framework: https://www.django-rest-framework.org/api-guide/settings/
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.DjangoModelPermissionsOrAnonReadOnly",
    ],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    # drf-spectacular's schema plus the error responses (400, 403, 404, ...) every endpoint
    # can give, so clients and schemathesis see them as part of the contract.
    "DEFAULT_SCHEMA_CLASS": "events.api.schema.AutoSchema",
    # DRF's JSON errors, plus database refusals (constraints) as 400s instead of 500s.
    "EXCEPTION_HANDLER": "events.api.errors.exception_handler",
    "DEFAULT_THROTTLE_CLASSES": ["rest_framework.throttling.AnonRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"anon": env_str("API_ANON_RATE", "600/minute")},
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Event timeline explorer API",
    "DESCRIPTION": "Dated, sourced timeline events, their actors, places, sources and citations.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Separate request and response components: read-only fields (ids, timestamps, nested
    # details) are not offered as inputs.
    "COMPONENT_SPLIT_REQUEST": True,
    # Events and sources both have `status`, `kind` and `precision` fields with different
    # choices; name each set so clients see EventStatusEnum, not Status959Enum.
    "ENUM_NAME_OVERRIDES": {
        "EventStatusEnum": "events.models.Status",
        "EventPrecisionEnum": "events.models.Precision",
        "SourceStatusEnum": "sources.models.SourceStatus",
        "SourceKindEnum": "sources.models.SourceKind",
        "SourcePrecisionEnum": "sources.models.Precision",
    },
}

CORS_ALLOWED_ORIGINS = env_list("CORS_ALLOWED_ORIGINS", [])
CORS_URLS_REGEX = r"^/api/.*$"
CORS_ALLOW_METHODS = ["GET", "HEAD", "OPTIONS"]

# The project's own knobs.
# Machine-made events at or above this confidence are published without review.
EVENTS_AUTO_PUBLISH_CONFIDENCE = env_float("EVENTS_AUTO_PUBLISH_CONFIDENCE", 1.01)
# Sources stuck in queued/fetching/extracting longer than this are queued again.
SOURCES_STUCK_AFTER_SECONDS = env_int("SOURCES_STUCK_AFTER_SECONDS", 600)
# Hosts that URL fetching may reach even on private addresses (tests' local server).
SOURCES_FETCH_ALLOWED_HOSTS = env_list("SOURCES_FETCH_ALLOWED_HOSTS", [])
# The function that turns a processed source's text into timeline entries, named rather
# than imported because the sources app never imports events. Empty: no extraction.
SOURCES_EXTRACTOR = env_str("SOURCES_EXTRACTOR", "events.services.record_extraction")
# "17/09/2016" is read day-first unless this is off.
DATES_DAY_FIRST = env_bool("DATES_DAY_FIRST", True)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}
