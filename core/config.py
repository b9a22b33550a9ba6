"""Configuration from environment variables, with safe defaults for the embedded mode."""

import os
import secrets
from pathlib import Path

WEAK_SECRETS = {"", "dev", "secret", "changeme", "change-me", "development"}


class ConfigError(RuntimeError):
    """The configuration is unsafe or incomplete; the app refuses to start."""


def _instance_secret(instance_path, name, make):
    """Read a secret kept in the instance folder, creating it (mode 0600) on first use."""
    path = Path(instance_path) / name
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    value = make()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(value)
    return value


def load_config(instance_path, overrides=None):
    """Build the app configuration: overrides, then the environment, then defaults."""
    env = dict(os.environ)
    env.update({k: v for k, v in (overrides or {}).items() if isinstance(v, str)})
    cfg = {
        "SIPAS_ENV": env.get("SIPAS_ENV", "development"),
        "DATABASE_URL": env.get("DATABASE_URL") or "sqlite:///" + str(Path(instance_path) / "sipas.db"),
        "REDIS_URL": env.get("REDIS_URL") or None,
        "SECRET_KEY": env.get("SECRET_KEY"),
        "PII_KEY": env.get("PII_KEY"),
        "UPLOAD_FOLDER": env.get("UPLOAD_FOLDER") or str(Path(instance_path) / "uploads"),
        "RQ_QUEUE": env.get("RQ_QUEUE", "sipas"),
        "BABEL_DEFAULT_LOCALE": "vi",
        "BABEL_DEFAULT_TIMEZONE": "Asia/Ho_Chi_Minh",
        "LOGIN_MAX_FAILURES": 5,
        "LOGIN_LOCK_MINUTES": 15,
        # failed sign-ins from one address (Flask-Limiter syntax), whatever the accounts tried
        "LOGIN_RATE_LIMIT": env.get("LOGIN_RATE_LIMIT") or "10/minute;50/hour",
        # Strict-Transport-Security on HTTPS requests (and always when cookies are Secure); 0: never
        "HSTS_SECONDS": int(env.get("HSTS_SECONDS") or 31536000),
        "REJECTED_ROWS_KEEP_DAYS": int(env.get("REJECTED_ROWS_KEEP_DAYS") or 7),  # an import's rejected rows
        "MAX_ATTEMPTS": int(env.get("MAX_ATTEMPTS") or 5),  # call attempts before a case closes
        # days a period's names, phones and e-mails are kept after its first publication (privacy/)
        "PERSONAL_DATA_KEEP_DAYS": int(env.get("PERSONAL_DATA_KEEP_DAYS") or 90),
        # SMTP for alerts (and invitations): nothing is mailed without MAIL_SERVER
        "MAIL_SERVER": env.get("MAIL_SERVER") or None,
        "MAIL_PORT": int(env.get("MAIL_PORT") or 25),
        "MAIL_USE_TLS": env.get("MAIL_USE_TLS", "").lower() in ("1", "true", "yes"),
        "MAIL_USERNAME": env.get("MAIL_USERNAME") or None,
        "MAIL_PASSWORD": env.get("MAIL_PASSWORD") or None,
        "MAIL_FROM": env.get("MAIL_FROM") or "sipas@localhost",
        # Self-administered surveys: the address in invitations, SMS through an HTTP gateway (else
        # the outbox is exported as CSV), the kiosk's idle reset
        "SURVEY_BASE_URL": env.get("SURVEY_BASE_URL") or "http://127.0.0.1:8000",
        "SMS_GATEWAY_URL": env.get("SMS_GATEWAY_URL") or None,
        "SMS_GATEWAY_TOKEN": env.get("SMS_GATEWAY_TOKEN") or None,
        "OUTBOX_MAX_TRIES": int(env.get("OUTBOX_MAX_TRIES") or 5),
        "KIOSK_IDLE_SECONDS": int(env.get("KIOSK_IDLE_SECONDS") or 180),
        # reverse proxies in front (nginx, a load balancer) whose X-Forwarded-For/-Proto/-Host are
        # believed: the client's address in the security log and the rate limits, https in links
        "TRUSTED_PROXIES": int(env.get("TRUSTED_PROXIES") or 0),
        "MAX_CONTENT_LENGTH": 512 * 1024 * 1024,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "WTF_CSRF_TIME_LIMIT": None,
    }
    cfg.update(overrides or {})
    production = cfg["SIPAS_ENV"] == "production"
    cfg["SESSION_COOKIE_SECURE"] = cfg.get("SESSION_COOKIE_SECURE", production)
    cfg["REMEMBER_COOKIE_SECURE"] = cfg["SESSION_COOKIE_SECURE"]
    if production:
        _check_production(cfg)
    else:
        if not cfg["SECRET_KEY"]:
            cfg["SECRET_KEY"] = _instance_secret(instance_path, "secret_key", lambda: secrets.token_urlsafe(48))
        if not cfg["PII_KEY"]:
            cfg["PII_KEY"] = _instance_secret(instance_path, "pii_key", lambda: secrets.token_urlsafe(32))
    return cfg


def _check_production(cfg):
    problems = []
    secret = cfg.get("SECRET_KEY") or ""
    if secret.lower() in WEAK_SECRETS or len(secret) < 32:
        problems.append("SECRET_KEY must be set to a random value of at least 32 characters")
    pii = cfg.get("PII_KEY") or ""
    if pii.lower() in WEAK_SECRETS or len(pii) < 32:
        problems.append("PII_KEY must be set to a random value of at least 32 characters")
    if not cfg.get("DATABASE_URL", "").startswith("postgresql"):
        problems.append("DATABASE_URL must point to PostgreSQL in production")
    if problems:
        raise ConfigError("Refusing to start in production mode: " + "; ".join(problems))
