"""MyPhoto settings: every knob comes from the environment, with safe defaults.

The embedded default needs nothing: SQLite and photos on local disk under
MYPHOTO_DATA_DIR (the checkout's data/, or ~/.local/share/myphoto). Set DATABASE_URL
for PostgreSQL and MYPHOTO_S3_BUCKET (with the other MYPHOTO_S3_* variables) for
S3-compatible object storage.
"""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path
from typing import Any, Literal, cast

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from myphoto.content_security import CONTENT_SECURITY_POLICY_DEFAULT
from myphoto.environment import env_bool, env_int, env_list, logging_config


def _default_data_dir() -> Path:
    """The same folder wherever a command runs: a checkout's (`make run`'s) own `data/`,
    else an installed package's in the user's data folder (XDG)."""
    checkout = Path(__file__).resolve().parents[2]
    if (checkout / "pyproject.toml").is_file() and (checkout / "src" / "myphoto").is_dir():
        return checkout / "data"
    shared = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(shared) / "myphoto"


DATA_DIR = Path(os.environ.get("MYPHOTO_DATA_DIR") or _default_data_dir()).expanduser().resolve()
try:
    DATA_DIR.mkdir(parents=True, exist_ok=True)
except OSError as _error:
    raise ImproperlyConfigured(
        f"MyPhoto cannot use {DATA_DIR} as its data folder ({_error.strerror}). "
        "Set MYPHOTO_DATA_DIR to a folder it may write."
    ) from None


def _secret_key() -> str:
    """Return SECRET_KEY from the environment, else one generated once and kept."""
    from_env = os.environ.get("MYPHOTO_SECRET_KEY") or os.environ.get("SECRET_KEY")
    if from_env:
        return from_env
    path = DATA_DIR / "secret_key"
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(50))
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = env_bool("DEBUG")
ALLOWED_HOSTS = env_list("MYPHOTO_ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("MYPHOTO_CSRF_TRUSTED_ORIGINS", [])
if env_bool("MYPHOTO_BEHIND_HTTPS_PROXY"):
    # The proxy terminates TLS and says so in X-Forwarded-Proto; plain HTTP is
    # redirected, except the probes a load balancer sends straight to the app.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
# Strict-Transport-Security: browsers then refuse plain HTTP for this long.
# Set it (e.g. 31536000, a year) once HTTPS works for the host and its subdomains.
SECURE_HSTS_SECONDS = env_int("MYPHOTO_HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("MYPHOTO_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("MYPHOTO_HSTS_PRELOAD")
# Preloading puts the whole domain, subdomains included, on browsers' HTTPS-only list for
# good: the owner's decision (MYPHOTO_HSTS_PRELOAD=1), not one `check --deploy` should push.
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    # Its own templates and static files for the API docs: no CDN, no inline script.
    "ninja",
    "django_tasks",
    "django_tasks_db",
    "axes",
    # Two-step verification: a TOTP app's codes, and recovery codes for when the phone is lost.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "myphoto.photos",
]
# The server's name outside its pages: the installed app's, an authenticator app's.
MYPHOTO_SITE_NAME = os.environ.get("MYPHOTO_SITE_NAME", "MyPhoto")
OTP_TOTP_ISSUER = MYPHOTO_SITE_NAME

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "myphoto.photos.middleware.MalformedRequests",
    "myphoto.photos.middleware.ApiJsonErrors",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "myphoto.photos.middleware.PersonsLanguage",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "myphoto.photos.middleware.ContentSecurityPolicy",
    "myphoto.photos.middleware.PrivateByDefault",
    # Last, as django-axes asks: it answers for logins it has locked out.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "myphoto.urls"
WSGI_APPLICATION = "myphoto.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "myphoto.photos.web.context_processors.page_settings",
            ],
        },
    },
]

DATABASES = {
    # An empty DATABASE_URL means the default, as an unset one does.
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{DATA_DIR / 'myphoto.sqlite3'}",
        conn_max_age=env_int("MYPHOTO_DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL: the timeline reads while an upload writes; IMMEDIATE: no "database is locked"
    # when two writers race to upgrade their locks.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    # Connections stay open as on PostgreSQL (MYPHOTO_DB_CONN_MAX_AGE): opening one per
    # request (init command, Django's SQL functions) measured 0.6 ms of a 2.6 ms request.
    # Tests get a file too, beside the real one: an in-memory test database locks
    # whole tables, which concurrent uploads against the live test server trip over.
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / "test-myphoto.sqlite3")}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "photos.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
# Failed logins are counted per account and per client address, in the database, so
# every server process sees them: past the limit, that account or address waits.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("MYPHOTO_LOGIN_ATTEMPTS", 5)
# Wrong passwords to one share link, from all addresses together, before it waits too.
MYPHOTO_SHARE_LINK_ATTEMPTS = env_int("MYPHOTO_SHARE_LINK_ATTEMPTS", 100)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("MYPHOTO_LOGIN_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "myphoto.photos.web.account.login_locked_out"
AXES_VERBOSE = False
if env_bool("MYPHOTO_BEHIND_HTTPS_PROXY"):
    # The client is the address the proxy saw: the last one it added to the header.
    AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")
    AXES_IPWARE_PROXY_ORDER = "right-most"
    AXES_IPWARE_PROXY_COUNT = env_int("MYPHOTO_PROXY_COUNT", 1)
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "timeline"
LOGOUT_REDIRECT_URL = "login"
# Single sign-on with an OpenID provider (Authentik, Keycloak, Google...): "Sign in with
# MYPHOTO_OIDC_NAME" on the login page; people are matched by their verified email.
MYPHOTO_OIDC_ISSUER = os.environ.get("MYPHOTO_OIDC_ISSUER", "").strip().rstrip("/")
MYPHOTO_OIDC_CLIENT_ID = os.environ.get("MYPHOTO_OIDC_CLIENT_ID", "")
MYPHOTO_OIDC_CLIENT_SECRET = os.environ.get("MYPHOTO_OIDC_CLIENT_SECRET", "")
MYPHOTO_OIDC_NAME = os.environ.get("MYPHOTO_OIDC_NAME", "")
MYPHOTO_OIDC_CREATE_USERS = env_bool("MYPHOTO_OIDC_CREATE_USERS")
# Off: the login page asks for no password; single sign-on and API tokens still work.
MYPHOTO_PASSWORD_LOGIN = env_bool("MYPHOTO_PASSWORD_LOGIN", True)
if MYPHOTO_OIDC_ISSUER:
    if not (MYPHOTO_OIDC_CLIENT_ID and MYPHOTO_OIDC_CLIENT_SECRET):
        raise ImproperlyConfigured(
            "MYPHOTO_OIDC_ISSUER needs MYPHOTO_OIDC_CLIENT_ID and MYPHOTO_OIDC_CLIENT_SECRET"
        )
    AUTHENTICATION_BACKENDS.append("myphoto.photos.sso.backend.SignInBackend")
if not MYPHOTO_PASSWORD_LOGIN:
    if not MYPHOTO_OIDC_ISSUER:
        raise ImproperlyConfigured("MYPHOTO_PASSWORD_LOGIN=0 needs MYPHOTO_OIDC_ISSUER")
    AUTHENTICATION_BACKENDS.remove("django.contrib.auth.backends.ModelBackend")

# English and Korean, complete (DESIGN.md "languages"): the browser's choice, or the one a
# person makes in Settings. Dates, numbers and sizes follow the language (formats/).
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("ko", "한국어")]
LOCALE_PATHS = [Path(__file__).resolve().parent / "locale"]
FORMAT_MODULE_PATH = ["myphoto.formats"]
TIME_ZONE = os.environ.get("MYPHOTO_TIME_ZONE", "UTC")
# The map's base: tiles from this address ("" for none: the countries' offline outline
# alone, as when tiles cannot be reached), and the words that credit them.
MYPHOTO_MAP_TILES_URL = os.environ.get(
    "MYPHOTO_MAP_TILES_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
)
MYPHOTO_MAP_ATTRIBUTION = os.environ.get("MYPHOTO_MAP_ATTRIBUTION", "© OpenStreetMap contributors")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
# Serve static files straight from the apps: no collectstatic step to forget.
WHITENOISE_USE_FINDERS = True

MEDIA_ROOT = Path(os.environ.get("MYPHOTO_MEDIA_DIR", DATA_DIR / "media")).resolve()

S3_BUCKET = os.environ.get("MYPHOTO_S3_BUCKET", "")


def s3_storage_options(
    *,
    bucket: str,
    endpoint_url: str | None,
    region: str | None,
    access_key: str | None,
    secret_key: str | None,
) -> dict[str, Any]:
    """Return django-storages S3 options that work with AWS and S3-compatible servers."""
    from botocore.config import Config

    return {
        "bucket_name": bucket,
        "endpoint_url": endpoint_url or None,
        "region_name": region or "us-east-1",
        "access_key": access_key or None,
        "secret_key": secret_key or None,
        "default_acl": None,
        # Keys are server-made: overwriting only ever replaces a derivative with
        # its remake, and skipping the existence check saves a HEAD per write.
        "file_overwrite": True,
        "querystring_auth": True,
        # boto3 >= 1.36 adds CRC checksums to every request by default; SeaweedFS,
        # MinIO and Ceph versions in the wild reject them or store them in the
        # object body. SigV4 always: without it boto3 may presign SigV2 URLs.
        "client_config": Config(
            signature_version="s3v4",
            request_checksum_calculation="when_required",
            response_checksum_validation="when_required",
            s3={"addressing_style": _addressing_style()},
            retries={"max_attempts": 5, "mode": "standard"},
            max_pool_connections=env_int("MYPHOTO_S3_MAX_CONNECTIONS", 32),
        ),
    }


def _addressing_style() -> Literal["auto", "virtual", "path"]:
    style = os.environ.get("MYPHOTO_S3_ADDRESSING_STYLE", "path")
    if style not in ("auto", "virtual", "path"):
        raise ImproperlyConfigured(
            f"MYPHOTO_S3_ADDRESSING_STYLE must be 'path', 'virtual' or 'auto', not {style!r}"
        )
    return cast(Literal["auto", "virtual", "path"], style)


if S3_BUCKET:
    _default_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": s3_storage_options(
            bucket=S3_BUCKET,
            endpoint_url=os.environ.get("MYPHOTO_S3_ENDPOINT_URL"),
            region=os.environ.get("MYPHOTO_S3_REGION"),
            access_key=os.environ.get("MYPHOTO_S3_ACCESS_KEY_ID"),
            secret_key=os.environ.get("MYPHOTO_S3_SECRET_ACCESS_KEY"),
        ),
    }
else:
    _default_storage = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": MEDIA_ROOT, "base_url": None, "allow_overwrite": True},
    }

STORAGES = {
    "default": _default_storage,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Background jobs (derivatives): in the database by default, so nothing else
# has to run; MYPHOTO_REDIS_URL moves them to RQ workers on Redis to scale out.
MYPHOTO_REDIS_URL = os.environ.get("MYPHOTO_REDIS_URL", "")
if MYPHOTO_REDIS_URL:
    INSTALLED_APPS.append("django_rq")
    RQ_QUEUES = {"default": {"URL": MYPHOTO_REDIS_URL}}
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
else:
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# `myphoto serve`: where it listens, and how many processes and threads serve.
MYPHOTO_HOST = os.environ.get("MYPHOTO_HOST", "127.0.0.1")
MYPHOTO_PORT = env_int("MYPHOTO_PORT", 8000)
MYPHOTO_WEB_WORKERS = env_int("MYPHOTO_WEB_WORKERS", 2)
MYPHOTO_WEB_THREADS = env_int("MYPHOTO_WEB_THREADS", 8)
# `myphoto serve` runs one worker process beside the web server unless told not to.
MYPHOTO_WORKER_IN_SERVE = env_bool("MYPHOTO_WORKER_IN_SERVE", True)
MYPHOTO_JOB_RETRIES = env_int("MYPHOTO_JOB_RETRIES", 5)
# The job worker finds the faces in each photo once its thumbnails are made (People).
MYPHOTO_FACES = env_bool("MYPHOTO_FACES", True)
# The first retry's delay; each next one waits twice as long.
MYPHOTO_JOB_RETRY_SECONDS = env_int("MYPHOTO_JOB_RETRY_SECONDS", 30)
# The job worker checks the library daily (`myphoto fsck`, its report on the staff's
# "Library health" page), from this hour of the library's time zone, reading originals
# back for their SHA-256 for at most the budget (0: no reading); the next day goes on.
MYPHOTO_FSCK_DAILY = env_bool("MYPHOTO_FSCK_DAILY", True)
MYPHOTO_FSCK_HOUR = env_int("MYPHOTO_FSCK_HOUR", 3)
MYPHOTO_FSCK_VERIFY_BUDGET_MINUTES = env_int("MYPHOTO_FSCK_VERIFY_BUDGET_MINUTES", 60)
# The database backed up into storage's backups/ by the job worker daily from this hour.
MYPHOTO_BACKUP_DAILY = env_bool("MYPHOTO_BACKUP_DAILY", True)
MYPHOTO_BACKUP_HOUR = env_int("MYPHOTO_BACKUP_HOUR", 2)
MYPHOTO_BACKUP_KEEP = env_int("MYPHOTO_BACKUP_KEEP", 14)
# What `myphoto fsck --repair` finds under originals/ with no photo is moved to lost-and-found/
# and deleted only this long after: a photo whose row was lost (a database restored from
# an older backup) can still be brought back.
MYPHOTO_LOST_FOUND_DAYS = env_int("MYPHOTO_LOST_FOUND_DAYS", 30)

# Browsers reach S3 at another address than the app does (a public hostname,
# a CDN): presigned URLs are signed for this endpoint when it is set.
MYPHOTO_S3_PUBLIC_ENDPOINT_URL = os.environ.get("MYPHOTO_S3_PUBLIC_ENDPOINT_URL", "")
# The largest file, whichever way it comes: a phone's long 4K video fits.
MYPHOTO_MAX_UPLOAD_MB = env_int("MYPHOTO_MAX_UPLOAD_MB", 20_480)
# A file sent in one request (POST /photos, the upload form, a share link's visitor):
# bigger ones go in parts, which resume (the page and `myphoto upload` do that themselves).
MYPHOTO_MAX_SINGLE_UPLOAD_MB = env_int("MYPHOTO_MAX_SINGLE_UPLOAD_MB", 1024)
# Unfinished uploads in parts one person may have at once, and the bytes they may declare.
MYPHOTO_MAX_OPEN_UPLOADS = env_int("MYPHOTO_MAX_OPEN_UPLOADS", 50)
MYPHOTO_MAX_OPEN_UPLOAD_GB = env_int("MYPHOTO_MAX_OPEN_UPLOAD_GB", 200)
# The page and `myphoto upload` send files above this in parts (resumable multipart
# uploads: straight to the bucket on S3, a part per request to the app on disk).
MYPHOTO_MULTIPART_UPLOAD_MB = env_int(
    "MYPHOTO_MULTIPART_UPLOAD_MB", env_int("MYPHOTO_DIRECT_UPLOAD_MB", 16)
)
# The size of those parts (at least 5 MiB, S3's smallest; more for files past 10,000 parts).
MYPHOTO_UPLOAD_PART_MB = env_int("MYPHOTO_UPLOAD_PART_MB", 8)
# How long an unfinished multipart upload waits to be resumed before it is removed.
MYPHOTO_MULTIPART_UPLOAD_DAYS = env_int("MYPHOTO_MULTIPART_UPLOAD_DAYS", 7)
MYPHOTO_MAX_IMAGE_PIXELS = env_int("MYPHOTO_MAX_IMAGE_PIXELS", 200_000_000)
# A video's frame: 8K (33 MP) and a little more. A decoder holds many frames at once.
MYPHOTO_MAX_VIDEO_PIXELS = env_int("MYPHOTO_MAX_VIDEO_PIXELS", 40_000_000)
# Memory all the server's processes on this machine (web workers, the job worker, commands)
# spend decoding images at once; more wait their turn, and an image that needs more than
# all of it is refused at upload. A 48-megapixel iPhone HEIC needs about 410 MB.
MYPHOTO_DECODE_BUDGET_MB = env_int("MYPHOTO_DECODE_BUDGET_MB", 448)
MYPHOTO_TRASH_DAYS = env_int("MYPHOTO_TRASH_DAYS", 30)
# Folders under which libraries may be adopted in place (read, never written), separated
# by ":" as PATH is; none by default: a folder is adopted only where the admin allows.
MYPHOTO_LIBRARY_ROOTS = [
    root for root in os.environ.get("MYPHOTO_LIBRARY_ROOTS", "").split(os.pathsep) if root
]
MYPHOTO_DOWNLOAD_MODE = os.environ.get("MYPHOTO_DOWNLOAD_MODE", "proxy")
if MYPHOTO_DOWNLOAD_MODE not in {"proxy", "redirect"}:
    raise ImproperlyConfigured("MYPHOTO_DOWNLOAD_MODE must be 'proxy' or 'redirect'")
MYPHOTO_PRESIGN_SECONDS = env_int("MYPHOTO_PRESIGN_SECONDS", 300)
MYPHOTO_ZIP_MAX_PHOTOS = env_int("MYPHOTO_ZIP_MAX_PHOTOS", 100_000)

# Uploads above this many bytes spool to a temporary file instead of memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 4 * 1024 * 1024
FILE_UPLOAD_HANDLERS = [
    "myphoto.photos.uploadhandlers.InMemoryUploads",
    "myphoto.photos.uploadhandlers.TemporaryFileUploads",
]
DATA_UPLOAD_MAX_NUMBER_FILES = env_int("MYPHOTO_MAX_FILES_PER_REQUEST", 1000)
# Bulk selections (delete or zip 100,000 photos) post one field per photo, and the
# API takes 100,000 ids in one JSON body: about 4 MB either way (Django's 2.5 MB
# default refused them before the 100,000 limit was ever reached).
DATA_UPLOAD_MAX_NUMBER_FIELDS = 100_000
DATA_UPLOAD_MAX_MEMORY_SIZE = 6 * 1024 * 1024

CONTENT_SECURITY_POLICY = CONTENT_SECURITY_POLICY_DEFAULT  # content_security.py says why
SESSION_COOKIE_AGE = 60 * 60 * 24 * 30
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

LOGGING = logging_config(os.environ.get("MYPHOTO_LOG_LEVEL", "INFO"))
