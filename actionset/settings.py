"""One settings module for every environment, driven by environment variables.

With DEBUG=1 and nothing else set, the project runs on SQLite with mail printed to the
console, so a fresh checkout works with only Python (`make demo`; the tests set a key of
their own). With DEBUG off it refuses to start without SECRET_KEY. Production sets
DATABASE_URL (PostgreSQL), SECRET_KEY, ALLOWED_HOSTS, EMAIL_URL and the HTTPS settings.
"""

from pathlib import Path

import django_stubs_ext
import environ
from django.core.exceptions import ImproperlyConfigured

# Lets generic Django classes be subscripted at run time (ModelForm[Person]), as the type checker sees them.
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent
# Templates and static files sit at the top of a checkout; an installed wheel has them inside the package (setup.py).
SITE_FILES_DIR = BASE_DIR if (BASE_DIR / "templates").is_dir() else Path(__file__).resolve().parent

env = environ.Env()

DEBUG = env.bool("DEBUG", default=False)
# This key is published with the code, so anyone could sign sessions, password-reset links and credentials with
# it: only development (DEBUG=1) may fall back on it. The tests set a key of their own (pyproject.toml).
_INSECURE_KEY = "insecure-development-key-do-not-use-in-production"
SECRET_KEY = env.str("SECRET_KEY", default="").strip() or (_INSECURE_KEY if DEBUG else "")
# Earlier keys, still accepted after SECRET_KEY is rotated: sessions, signed links and the identity providers' stored
# client secrets (accounts.models.SingleSignOn) made under them keep working.
SECRET_KEY_FALLBACKS = env.list("SECRET_KEY_FALLBACKS", default=[])
if not DEBUG and SECRET_KEY in ("", _INSECURE_KEY):
    raise ImproperlyConfigured(
        "SECRET_KEY is not set (or is the development key published with the code), and with DEBUG off actionset "
        "will not start without a key of its own. "
        "Set SECRET_KEY to a long random value, for example the output of "
        "`python -c 'import secrets; print(secrets.token_urlsafe(50))'`, and keep it secret; "
        "for development on your own machine set DEBUG=1 instead."
    )
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")
# Demo mode lists the demo logins on the sign-in page. Never set it in production.
DEMO_MODE = env.bool("DEMO_MODE", default=False)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    # allauth's list of one's own sessions (usersessions) shows times with it.
    "django.contrib.humanize",
    "django_htmx",
    "template_partials",
    # django-csp's system checks (a setting in its pre-4.0 form is an error, not silently ignored).
    "csp",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    # Single sign-on: each organisation's OpenID Connect provider, configured in the app (accounts/sso.py).
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    # Records each login's sessions, so that deactivating a login ends them all at once.
    "allauth.usersessions",
    "actionset.core",
    "actionset.accounts",
    "actionset.organisations",
    "actionset.programmes",
    "actionset.sets",
    "actionset.meetings",
    "actionset.room",
    "actionset.coach",
    "actionset.learning",
    "actionset.evaluation",
    "actionset.training",
    "actionset.accreditation",
    "actionset.site",
    "actionset.privacy",
    "django_tasks",
    "django_tasks_db",
]

MIDDLEWARE = [
    # First, so that every line logged while a request is handled, redirects included, carries its id.
    "actionset.core.logging.RequestIdMiddleware",
    # Rows several parts of a request ask for (the provider's) are read once a request (core/request_memo.py).
    "actionset.core.request_memo.RequestMemoMiddleware",
    # Compresses what every middleware below has finished writing, so it comes before them all: a response passes
    # through the list bottom-up. Only text is compressed, with Django's own BREACH padding (core/compression.py);
    # WhiteNoise's static files come precompressed and are left alone.
    "actionset.core.compression.TextGZipMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # The other security headers, beside SecurityMiddleware's (settings below).
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before the session is read: an unchanged live poll whose signed tag verifies is answered here with a 304.
    "actionset.meetings.poll.UnchangedPollMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # A set's form sent again from the browser's queue after its answer was lost is done once (core/submissions.py).
    "actionset.core.submissions.SubmissionOnceMiddleware",
    "actionset.accounts.middleware.ClearSiteDataOnSignOutMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "actionset.accounts.middleware.TwoFactorPolicyMiddleware",
    "actionset.accounts.middleware.SingleSignOnFormActionMiddleware",
    "actionset.core.access.AccessMiddleware",
]

ROOT_URLCONF = "actionset.urls"
WSGI_APPLICATION = "actionset.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [SITE_FILES_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "actionset.core.context_processors.navigation",
                "actionset.core.context_processors.draft_owner",
            ],
        },
    },
]

DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# Production keeps each process's connection open between requests (opening one to PostgreSQL costs more than many
# a page's queries), checked before reuse so that a database restart costs one retry, not an error page.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0 if DEBUG else 60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the demo server and a worker read while another writes.
    DATABASES["default"].setdefault("OPTIONS", {})["init_command"] = "PRAGMA journal_mode=WAL;"
    DATABASES["default"]["OPTIONS"]["transaction_mode"] = "IMMEDIATE"
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Parameters go to PostgreSQL beside the statement, and a statement a connection has run five times is prepared:
    # PostgreSQL then skips parsing and planning it (every page asks for the session, the login, its roles and its
    # sets the same way). Measured at 10,000 people (bench/webcost.py): about 40 % less of PostgreSQL's CPU a page.
    # A pooler in transaction mode older than PgBouncer 1.21 cannot keep prepared statements: DATABASE_PREPARE=0.
    DATABASES["default"].setdefault("OPTIONS", {})["server_side_binding"] = True
    DATABASES["default"]["OPTIONS"]["prepare_threshold"] = 5 if env.bool("DATABASE_PREPARE", default=True) else None

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]

# allauth: email is the login; nobody signs up on their own, people are invited.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_ADAPTER = "actionset.accounts.adapter.AccountAdapter"
ACCOUNT_FORMS = {"reset_password": "actionset.accounts.forms.SingleSignOnAwareResetPasswordForm"}
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_PASSWORD_RESET_BY_CODE_ENABLED = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""
# Failed sign-ins are limited per address (every account), per address and account (allauth's "key", which
# accounts/throttling.py makes the pair), and per account from every address on a far higher threshold that only
# many addresses together reach; a password reset clears an account's count. So a stranger's wrong guesses hold back
# the stranger, never the person signing in from their own address.
ACCOUNT_RATE_LIMITS = {
    "login_failed": "10/m/ip,5/5m/key,20/d/key",
    "login_failed_account": "200/d/key",
}
# Single sign-on: identity providers are rows of `accounts.SingleSignOn`, handed to allauth by the adapter, which also
# decides which login a sign-in may reach (only an existing directory entry's; nobody signs up through it).
SOCIALACCOUNT_ADAPTER = "actionset.accounts.sso.SingleSignOnAdapter"
SOCIALACCOUNT_AUTO_SIGNUP = False
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
SOCIALACCOUNT_EMAIL_VERIFICATION = "none"
# Tokens are not kept: the app calls nothing at the identity provider after the sign-in.
SOCIALACCOUNT_STORE_TOKENS = False
# The button is a form that POSTs (with its CSRF token), so a third-party page cannot start a sign-in.
SOCIALACCOUNT_LOGIN_ON_GET = False
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = env.str("MFA_TOTP_ISSUER", default="actionset")
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "account_login"

INVITATION_VALID_DAYS = 14
# A link that moves a login to a new sign-in address, and one that clears a lost second factor (see accounts).
EMAIL_CHANGE_VALID_DAYS = 3
TWO_FACTOR_RESET_VALID_DAYS = 14
# Clearing two-factor authentication takes a password at least this old: one just reset through the mailbox is not
# enough, so whoever can read the person's mailbox cannot also remove their second factor.
TWO_FACTOR_RESET_PASSWORD_AGE_DAYS = 7

# Background work (composing sets, reminders, every email) runs through Django's task API with the database
# backend: `manage.py db_worker` processes it, no broker. TASKS_IMMEDIATE=1 runs tasks in-process
# (the demo when no worker is running). Mail goes to a backend named "mail" when one is configured here
# (the tests add one that sends at once), otherwise through "default" like everything else (core/email.py).
TASKS = {
    "default": {
        "BACKEND": (
            "django_tasks.backends.immediate.ImmediateBackend"
            if env.bool("TASKS_IMMEDIATE", default=False)
            else "django_tasks_db.DatabaseBackend"
        ),
    }
}

# Shared by every process, so sign-in limits hold however many processes serve, and a live meeting's version (read by
# every device's poll, meetings/live.py) is the same for all. By default Django's database cache, in a table the core
# migration 0002 makes (with `createcachetable`, which the test runner also runs), kept across restarts. CACHE_URL
# names another shared cache instead, e.g. redis://127.0.0.1:6379/1 (install actionset[redis]): a poll that finds
# nothing changed then reads no table at all. A cache local to each process (locmem) would not be shared.
_CACHE_URL = env.str("CACHE_URL", default="")
CACHES = {
    "default": (
        env.cache_url_config(_CACHE_URL)
        if _CACHE_URL
        else {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "actionset_cache",
            # Past this many entries Django drops a third of them: set far above what sign-in counters need, so an
            # attack from many addresses cannot push the counters out.
            "OPTIONS": {"MAX_ENTRIES": 200_000},
        }
    )
}

# Sessions are read from the shared cache when it is one every process shares beside the database (Redis, memcached),
# and written to both, so a cache restarted empty loses no one's session: every signed-in request then reads its
# session without a query. Never from a per-process cache: signing out in one process would leave the session
# readable in the others until it expired there.
_SHARED_CACHES = ("RedisCache", "PyMemcacheCache", "PyLibMCCache")
SESSION_ENGINE = (
    "django.contrib.sessions.backends.cached_db"
    if CACHES["default"]["BACKEND"].rsplit(".", 1)[-1] in _SHARED_CACHES
    else "django.contrib.sessions.backends.db"
)

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="actionset <no-reply@provider.example>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
# Where collectstatic gathers the files WhiteNoise serves: somewhere writable, outside an installed package.
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [SITE_FILES_DIR / "static"]
# Uploaded files (course materials, evidence). There is deliberately no MEDIA_URL route: every upload is
# served by a view that checks who is asking.
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
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
WHITENOISE_USE_FINDERS = True
WHITENOISE_MANIFEST_STRICT = False

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# HTTPS, switched on by the deployment (all off by default so that http://127.0.0.1 works). HSTS is a promise
# browsers keep for SECURE_HSTS_SECONDS even after it is taken back: start small, then a year.
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=False)
# Load balancers probe the health checks over plain HTTP inside the network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
if env.bool("TRUST_X_FORWARDED_PROTO", default=False):
    # Only behind a proxy that sets this header itself and drops a client's: otherwise anyone could claim HTTPS.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# allauth's per-address sign-in limits read the client's address from the last N entries of X-Forwarded-For when
# N proxies stand in front; with 0 it is the connection's address (behind a proxy: the proxy's, shared by all).
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)

# Content Security Policy (django-csp): browsers run only scripts served by actionset itself, from its own files, and
# load nothing from another site, so text someone manages to inject into a page cannot run as a script. No template
# has an inline script or event-handler attribute: behaviour lives in static/js. Styles allow 'unsafe-inline' because
# templates set style attributes (widths, colours); a style cannot run code. On by default, in development and the
# tests too, so the browser tests prove every page works under it. CSP_REPORT_ONLY=1 sends it as
# Content-Security-Policy-Report-Only instead: browsers then only report what it would block (in their console),
# for a first deployment that adds something of its own in front of the app.
_CSP_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        # data: for the two-factor set-up's QR code, which allauth draws as an inline image.
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
_CSP_REPORT_ONLY = env.bool("CSP_REPORT_ONLY", default=False)
CONTENT_SECURITY_POLICY = None if _CSP_REPORT_ONLY else _CSP_POLICY
CONTENT_SECURITY_POLICY_REPORT_ONLY = _CSP_POLICY if _CSP_REPORT_ONLY else None
# Permissions-Policy (django-permissions-policy): no page of actionset uses a device or the browser's interest
# tracking, so no page, nor anything embedded in one, may ask for them. Only features Chromium knows are named: it
# warns in the console of every page about any other. PERMISSIONS_POLICY=off sends no header.
PERMISSIONS_POLICY: dict[str, list[str]] = (
    {}
    if env.str("PERMISSIONS_POLICY", default="on").strip().lower() == "off"
    else {
        feature: []
        for feature in (
            "accelerometer",
            "autoplay",
            "browsing-topics",
            "camera",
            "display-capture",
            "encrypted-media",
            "geolocation",
            "gyroscope",
            "hid",
            "idle-detection",
            "interest-cohort",
            "magnetometer",
            "microphone",
            "midi",
            "payment",
            "serial",
            "usb",
        )
    }
)

# Error tracking, only where SENTRY_DSN is set. Without it the SDK is not even imported (so it patches nothing and
# sends nothing): that is why the import sits inside this branch. What is sent is limited in core/error_tracking.py.
SENTRY_DSN = env.str("SENTRY_DSN", default="")
if SENTRY_DSN:
    from actionset.core import error_tracking

    error_tracking.start(dsn=SENTRY_DSN, traces_sample_rate=env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.0))


# LOG_FORMAT=json writes one JSON object a line (for a log collector); text is for people reading a terminal.
# Either way each line written while a request is handled carries the request's id (core/logging.py).
LOG_FORMAT = env.str("LOG_FORMAT", default="text")
if LOG_FORMAT not in ("text", "json"):
    raise ImproperlyConfigured(f"LOG_FORMAT is {LOG_FORMAT!r}: set it to 'text' or 'json'.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "actionset.core.logging.RequestIdFilter"}},
    "formatters": {
        "text": {"format": "%(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {"()": "actionset.core.logging.JsonFormatter"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT, "filters": ["request_id"]},
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="WARNING")},
}
