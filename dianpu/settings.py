"""Settings, read from the environment.

Variables: DATABASE_URL, REDIS_URL, SECRET_KEY, DEBUG, ALLOWED_HOSTS, DIANPU_DATA_DIR,
DIANPU_HTTPS (secure cookies, HSTS and the HTTPS redirect; on unless DEBUG), EMAIL_URL-style
settings EMAIL_HOST / EMAIL_PORT / EMAIL_HOST_USER / EMAIL_HOST_PASSWORD / EMAIL_USE_TLS,
DEFAULT_FROM_EMAIL, DIANPU_SITE_URL (absolute URLs in e-mails; pages build theirs from the request).
"""

import os
import secrets
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DATA_DIR = Path(os.environ.get("DIANPU_DATA_DIR") or BASE_DIR / "var").resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)


def read_or_create_secret_key() -> str:
    """SECRET_KEY from the environment, else one generated once and kept in the data dir."""
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    key_file = DATA_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(64))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = read_or_create_secret_key()
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")
SITE_URL = os.environ.get("DIANPU_SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "huey.contrib.djhuey",
    "ninja",  # serves Swagger UI from its own static files, not a CDN
    "dianpu.core",
    "dianpu.audit",
    "dianpu.accounts",
    "dianpu.shop",
    "dianpu.catalog",
    "dianpu.inventory",
    "dianpu.purchasing",
    "dianpu.customers",
    "dianpu.payments",
    "dianpu.fulfillment",
    "dianpu.promotions",
    "dianpu.orders",
    "dianpu.cart",
    "dianpu.checkout",
    "dianpu.messaging",
    "dianpu.returns",
    "dianpu.channels",
    "dianpu.marketing",
    "dianpu.analytics",
    "dianpu.competitors",
    "dianpu.support",
    "dianpu.knowledge",
    "dianpu.reviews",
    "dianpu.operations",
    "dianpu.design",
    "dianpu.teamwork",
    "dianpu.finance",
    "dianpu.system",
    "dianpu.storefront",
    "dianpu.console",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "dianpu.operations.middleware.RequestTimingMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "dianpu.shop.middleware.StorefrontLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "dianpu.core.middleware.SecurityHeadersMiddleware",
    "dianpu.core.middleware.NotFoundAsPageMiddleware",
    # The public product list / search API from the storefront's page cache, with ETags.
    "dianpu.storefront.page_cache.PublicApiCacheMiddleware",
]

ROOT_URLCONF = "dianpu.urls"
WSGI_APPLICATION = "dianpu.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "dianpu" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "dianpu.shop.context_processors.shop",
            ],
        },
    },
]

# --- database: SQLite (WAL, one file under DATA_DIR) unless DATABASE_URL is set ---------------
SQLITE_PATH = DATA_DIR / "dianpu.sqlite3"
if os.environ.get("DATABASE_URL"):
    DATABASES = {"default": dj_database_url.parse(os.environ["DATABASE_URL"], conn_max_age=60)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": SQLITE_PATH,
            # Keep each thread's connection (and its page cache) between requests.
            "CONN_MAX_AGE": 600,
            "OPTIONS": {
                # IMMEDIATE: a transaction takes the write lock when it begins, so two
                # writers queue on busy_timeout instead of failing on lock upgrade.
                "transaction_mode": "IMMEDIATE",
                "timeout": 30,
                "init_command": (
                    "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL;"
                    "PRAGMA foreign_keys=ON;PRAGMA temp_store=MEMORY;"
                    # Each thread's connection keeps a small private page cache (4 MB: four threads
                    # per worker); the operating system's file cache, shared by every worker, holds
                    # the rest (docs/operations.md, "The storefront at full size").
                    f"PRAGMA cache_size=-{int(os.environ.get('DIANPU_SQLITE_CACHE_KB') or 4000)};"
                ),
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- cache and queue: local unless REDIS_URL is set -----------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "dianpu",
        }
    }
    HUEY = {
        "huey_class": "huey.RedisHuey",
        "name": "dianpu",
        "url": REDIS_URL,
        "immediate": False,
        "consumer": {"workers": 2, "worker_type": "thread"},
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "dianpu",
        }
    }
    HUEY = {
        "huey_class": "huey.SqliteHuey",
        "name": "dianpu",
        "filename": str(DATA_DIR / "huey.sqlite3"),
        "immediate": False,
        "consumer": {"workers": 2, "worker_type": "thread"},
    }

# --- auth ------------------------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "console:login"
LOGIN_REDIRECT_URL = "console:home"
LOGOUT_REDIRECT_URL = "console:login"

# --- i18n: Simplified Chinese first, English second ------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]  # each in its own language
LOCALE_PATHS = [BASE_DIR / "dianpu" / "locale"]
TIME_ZONE = os.environ.get("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True
LANGUAGE_COOKIE_NAME = "dianpu_language"

# --- the shop --------------------------------------------------------------------------------
SHOP_NAME = os.environ.get("DIANPU_SHOP_NAME", "店铺 dianpu")
SHOP_CURRENCY = "CNY"
# Hours a bank-transfer order may stay unpaid before the worker cancels it and frees its stock.
UNPAID_ORDER_TIMEOUT_HOURS = int(os.environ.get("DIANPU_UNPAID_ORDER_TIMEOUT_HOURS", "72"))
# Stripe (cards and wallets): offered at checkout when STRIPE_SECRET_KEY is set; webhooks are
# verified with STRIPE_WEBHOOK_SECRET; STRIPE_API_BASE points elsewhere only in tests.
STRIPE_SECRET_KEY = os.environ.get("STRIPE_SECRET_KEY", "")
STRIPE_WEBHOOK_SECRET = os.environ.get("STRIPE_WEBHOOK_SECRET", "")
STRIPE_API_BASE = os.environ.get("STRIPE_API_BASE", "https://api.stripe.com").rstrip("/")
# Alipay (RSA2): offered when the app id, the app's private key and Alipay's public key are set
# (PEM or the bare base64 Alipay's console shows). Notifications go to /api/v1/payments/alipay/notify.
ALIPAY_APP_ID = os.environ.get("ALIPAY_APP_ID", "")
ALIPAY_PRIVATE_KEY = os.environ.get("ALIPAY_PRIVATE_KEY", "")
ALIPAY_PUBLIC_KEY = os.environ.get("ALIPAY_PUBLIC_KEY", "")
ALIPAY_GATEWAY_URL = os.environ.get("ALIPAY_GATEWAY_URL", "https://openapi.alipay.com/gateway.do")
# After-sales: returns may be requested up to this many days after delivery.
RETURN_WINDOW_DAYS = int(os.environ.get("DIANPU_RETURN_WINDOW_DAYS", "7"))
# Shared secret of the carriers' tracking webhook (HMAC-SHA256, see docs/guide/fulfillment.md).
TRACKING_WEBHOOK_SECRET = os.environ.get("DIANPU_TRACKING_WEBHOOK_SECRET", "")
# The service desk's inbound-mail door (POST /api/v1/support/inbound-email): the shared secret the mail
# forwarder sends; empty: the door is shut.
INBOUND_EMAIL_SECRET = os.environ.get("DIANPU_INBOUND_EMAIL_SECRET", "")
# Optional: the worker polls the service mailbox every 5 minutes (imaps://user:password@host/INBOX).
SUPPORT_IMAP_URL = os.environ.get("DIANPU_SUPPORT_IMAP_URL", "")
# Shop-local hour at which the worker e-mails the daily inventory sheet (库存日报).
INVENTORY_SHEET_HOUR = int(os.environ.get("DIANPU_INVENTORY_SHEET_HOUR", "7"))

# --- customers: accounts, points (积分), tiers -------------------------------------------------
# Points are worth POINTS_PER_YUAN points per ¥1 at checkout; an order earns POINTS_EARNED_PER_YUAN
# per whole yuan paid; earned points expire after POINTS_EXPIRE_DAYS.
POINTS_PER_YUAN = int(os.environ.get("DIANPU_POINTS_PER_YUAN", "100"))
POINTS_EARNED_PER_YUAN = int(os.environ.get("DIANPU_POINTS_EARNED_PER_YUAN", "1"))
POINTS_EXPIRE_DAYS = int(os.environ.get("DIANPU_POINTS_EXPIRE_DAYS", "365"))
# A tier is earned by what was paid over the last TIER_WINDOW_DAYS (the worker reviews it daily).
TIER_WINDOW_DAYS = int(os.environ.get("DIANPU_TIER_WINDOW_DAYS", "365"))
# RFM segments stored on customers (high_value, loyal, promising, at_risk, lost): thresholds.
CUSTOMER_RFM_RULE = {"active_days": 90, "lost_days": 180, "loyal_orders": 3, "high_value_amount": "2000"}
# SMS (outreach, notices): "console" logs only; "aliyun" sends through Alibaba Cloud SMS.
SMS_PROVIDER = os.environ.get("DIANPU_SMS_PROVIDER", "console")
ALIYUN_SMS_ACCESS_KEY_ID = os.environ.get("ALIYUN_SMS_ACCESS_KEY_ID", "")
ALIYUN_SMS_ACCESS_KEY_SECRET = os.environ.get("ALIYUN_SMS_ACCESS_KEY_SECRET", "")
ALIYUN_SMS_SIGN_NAME = os.environ.get("ALIYUN_SMS_SIGN_NAME", "")
ALIYUN_SMS_ENDPOINT = os.environ.get("ALIYUN_SMS_ENDPOINT", "https://dysmsapi.aliyuncs.com")
# Marketing messages wait outside these shop-local hours (quiet hours: 21:00–09:00).
# The SMS template (approved at the provider) used for holiday greetings by SMS.
OUTREACH_SMS_TEMPLATE = os.environ.get("DIANPU_OUTREACH_SMS_TEMPLATE", "")
OUTREACH_QUIET_HOURS = (int(os.environ.get("DIANPU_QUIET_FROM", "21")), int(os.environ.get("DIANPU_QUIET_TO", "9")))
# Days a sign-up's verification link and a password-reset link stay valid.
CUSTOMER_LINK_DAYS = int(os.environ.get("DIANPU_CUSTOMER_LINK_DAYS", "3"))
# Sign-up / sign-in by mobile: the SMS code's template (approved at the provider, one variable
# "code"), how long a code lives, how many wrong tries it allows, how soon a new one may be sent.
PHONE_CODE_SMS_TEMPLATE = os.environ.get("DIANPU_PHONE_CODE_SMS_TEMPLATE", "SMS_CODE")
PHONE_CODE_MINUTES = int(os.environ.get("DIANPU_PHONE_CODE_MINUTES", "10"))
PHONE_CODE_TRIES = int(os.environ.get("DIANPU_PHONE_CODE_TRIES", "5"))
PHONE_CODE_RESEND_SECONDS = int(os.environ.get("DIANPU_PHONE_CODE_RESEND_SECONDS", "60"))
# Points per action (积分任务): the daily check-in, a bonus on every 7th day in a row, the first
# review (a customer's first satisfaction answer), a complete profile (name, mobile, birthday).
POINTS_FOR_ACTIONS = {
    "check_in": int(os.environ.get("DIANPU_POINTS_CHECK_IN", "5")),
    "check_in_week": int(os.environ.get("DIANPU_POINTS_CHECK_IN_WEEK", "50")),
    "first_review": int(os.environ.get("DIANPU_POINTS_FIRST_REVIEW", "100")),
    "profile_complete": int(os.environ.get("DIANPU_POINTS_PROFILE_COMPLETE", "100")),
}
# Win-back (召回): customers in the at-risk RFM segment get a coupon and a message, at most once
# per WIN_BACK_EVERY_DAYS; amount 0 switches it off.
WIN_BACK_COUPON_AMOUNT = os.environ.get("DIANPU_WIN_BACK_COUPON_AMOUNT", "20")
WIN_BACK_COUPON_MIN_SPEND = os.environ.get("DIANPU_WIN_BACK_COUPON_MIN_SPEND", "99")
WIN_BACK_COUPON_DAYS = int(os.environ.get("DIANPU_WIN_BACK_COUPON_DAYS", "14"))
WIN_BACK_EVERY_DAYS = int(os.environ.get("DIANPU_WIN_BACK_EVERY_DAYS", "60"))
# Outreach e-mails' tracked links may lead to our own site (SITE_URL) and to these hosts only.
OUTREACH_LINK_HOSTS = env_list("DIANPU_OUTREACH_LINK_HOSTS", "")
WIN_BACK_SMS_TEMPLATE = os.environ.get("DIANPU_WIN_BACK_SMS_TEMPLATE", "")

# --- analytics (first-party tracking, rollups, bestseller flags, reports) --------------------
ANALYTICS_TRACKING_ENABLED = env_bool("DIANPU_TRACKING", True)
# When true, nothing is tracked until the visitor accepts the cookie banner (cookie dp_consent=yes).
ANALYTICS_CONSENT_REQUIRED = env_bool("DIANPU_TRACKING_CONSENT_REQUIRED", False)
ANALYTICS_FOLD_LAG_SECONDS = 5  # events younger than this wait for the next fold (inserts still committing)
ANALYTICS_FLAG_RULE = {"decline_days": 3, "recovery_days": 7, "min_drop_percent": "0", "metrics": ["visitors", "sales"]}
ANALYTICS_RFM_RULE = {"active_days": 90, "lost_days": 180, "loyal_orders": 3, "high_value_amount": "2000"}
# Who gets the operating reports by e-mail: role codes (accounts/domain/roles.py) per period.
ANALYTICS_REPORT_ROLES = {
    "daily": ["owner", "operator"],
    "weekly": ["owner", "operator", "marketing"],
    "monthly": ["owner", "finance"],
}

# --- static and media ------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "dianpu" / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = DATA_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
WHITENOISE_MAX_AGE = 3600
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# --- e-mail ----------------------------------------------------------------------------------
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = DATA_DIR / "outbox"
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "shop@dianpu.localhost")

# --- security --------------------------------------------------------------------------------
HTTPS = env_bool("DIANPU_HTTPS", not DEBUG)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS and env_bool("DIANPU_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = 31536000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if HTTPS else None
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
CSRF_FAILURE_VIEW = "dianpu.core.views.csrf_failure"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {"()": "dianpu.core.logging.JsonFormatter"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "json"},
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "huey": {"level": "INFO"},
    },
}

# WeChat Pay (微信支付) API v3: offered when the merchant id, app id, the merchant certificate's
# serial and private key, the APIv3 key (32 characters) and WeChat Pay's platform public key are
# set (keys inline or as a file: *_PATH). Notifications go to /api/v1/payments/wechatpay/notify.
WECHATPAY_MCHID = os.environ.get("WECHATPAY_MCHID", "")
WECHATPAY_APPID = os.environ.get("WECHATPAY_APPID", "")
WECHATPAY_SERIAL_NO = os.environ.get("WECHATPAY_SERIAL_NO", "")
WECHATPAY_PRIVATE_KEY = os.environ.get("WECHATPAY_PRIVATE_KEY", "")
WECHATPAY_PRIVATE_KEY_PATH = os.environ.get("WECHATPAY_PRIVATE_KEY_PATH", "")
WECHATPAY_APIV3_KEY = os.environ.get("WECHATPAY_APIV3_KEY", "")
WECHATPAY_PLATFORM_PUBLIC_KEY = os.environ.get("WECHATPAY_PLATFORM_PUBLIC_KEY", "")
WECHATPAY_PLATFORM_PUBLIC_KEY_PATH = os.environ.get("WECHATPAY_PLATFORM_PUBLIC_KEY_PATH", "")
WECHATPAY_PLATFORM_SERIAL = os.environ.get("WECHATPAY_PLATFORM_SERIAL", "")
WECHATPAY_API_BASE = os.environ.get("WECHATPAY_API_BASE", "https://api.mch.weixin.qq.com").rstrip("/")
# JSAPI inside WeChat's own browser also needs the AppSecret of the official account WECHATPAY_APPID
# (the buyer's openid by WeChat's web OAuth); its domain set as the account's OAuth domain.
WECHATPAY_APP_SECRET = os.environ.get("WECHATPAY_APP_SECRET", "")
WECHATPAY_OAUTH_URL = os.environ.get("WECHATPAY_OAUTH_URL", "https://open.weixin.qq.com/connect/oauth2/authorize")
WECHATPAY_OAUTH_API_BASE = os.environ.get("WECHATPAY_OAUTH_API_BASE", "https://api.weixin.qq.com").rstrip("/")
# Seconds an online gateway may take to answer before a checkout gives up on it (the order stays
# awaiting payment; the buyer pays again).
PAYMENT_GATEWAY_TIMEOUT_SECONDS = float(os.environ.get("DIANPU_PAYMENT_GATEWAY_TIMEOUT_SECONDS", "15"))
# Whole storefront pages cached, invalidated by the page version (dianpu/storefront/page_cache.py).
STOREFRONT_PAGE_CACHE = env_bool("DIANPU_PAGE_CACHE", True)
# Product search: "database" (FTS5 / PostgreSQL full text) or "meilisearch" (catalog/search_engines.py).
SEARCH_ENGINE = os.environ.get("DIANPU_SEARCH_ENGINE", "database")
MEILISEARCH_URL = os.environ.get("MEILISEARCH_URL", "http://127.0.0.1:7700")
MEILISEARCH_KEY = os.environ.get("MEILISEARCH_KEY", "")

# Competitor monitoring fetcher (dianpu.competitors.fetcher): pages on private, loopback, link-local,
# multicast or reserved addresses are refused unless their "host:port" is listed here (comma-separated;
# for local test pages). Timeout (seconds), size cap (bytes) and seconds between two requests to a host.
FETCH_ALLOW_HOSTS = [h.strip().lower() for h in os.environ.get("DIANPU_FETCH_ALLOW_HOSTS", "").split(",") if h.strip()]
FETCH_TIMEOUT_SECONDS = float(os.environ.get("DIANPU_FETCH_TIMEOUT_SECONDS", "10"))
FETCH_MAX_BYTES = int(os.environ.get("DIANPU_FETCH_MAX_BYTES", str(2 * 1024 * 1024)))
FETCH_HOST_INTERVAL_SECONDS = float(os.environ.get("DIANPU_FETCH_HOST_INTERVAL_SECONDS", "5"))
FETCH_USER_AGENT = os.environ.get("DIANPU_FETCH_USER_AGENT", "dianpu-competitor-check/1.0")

# --- operations: backups, restore check, status, metrics (dianpu/operations, docs/operations.md) ---
BACKUP_DIR = Path(os.environ.get("DIANPU_BACKUP_DIR") or DATA_DIR / "backups")
BACKUP_HOUR = int(os.environ.get("DIANPU_BACKUP_HOUR", "3"))  # shop-local hour of the nightly backup
BACKUP_KEEP_DAYS = int(os.environ.get("DIANPU_BACKUP_KEEP_DAYS", "14"))
RESTORE_CHECK_HOUR = int(os.environ.get("DIANPU_RESTORE_CHECK_HOUR", "4"))
# Off-site copy of every scheduled backup (S3-compatible; path-style URL): unset = none.
BACKUP_S3_ENDPOINT = os.environ.get("DIANPU_BACKUP_S3_ENDPOINT", "")
BACKUP_S3_BUCKET = os.environ.get("DIANPU_BACKUP_S3_BUCKET", "")
BACKUP_S3_PREFIX = os.environ.get("DIANPU_BACKUP_S3_PREFIX", "dianpu/")
BACKUP_S3_REGION = os.environ.get("DIANPU_BACKUP_S3_REGION", "us-east-1")
BACKUP_S3_ACCESS_KEY = os.environ.get("DIANPU_BACKUP_S3_ACCESS_KEY", "")
BACKUP_S3_SECRET_KEY = os.environ.get("DIANPU_BACKUP_S3_SECRET_KEY", "")
# /metrics (Prometheus text format) answers only a bearer of this token; unset = 404.
METRICS_TOKEN = os.environ.get("DIANPU_METRICS_TOKEN", "")
# Storefront link check: pages crawled at most per run.
LINK_CHECK_MAX_PAGES = int(os.environ.get("DIANPU_LINK_CHECK_MAX_PAGES", "500"))
