"""Configuration: safe embedded defaults, refusal to run production on default secrets."""

import os
import stat

import pytest

from core.config import ConfigError, load_config


def test_embedded_defaults_generate_private_secrets(tmp_path, monkeypatch):
    for var in ("SECRET_KEY", "PII_KEY", "DATABASE_URL", "SIPAS_ENV"):
        monkeypatch.delenv(var, raising=False)
    cfg = load_config(str(tmp_path))
    assert cfg["DATABASE_URL"] == f"sqlite:///{tmp_path}/sipas.db"
    assert len(cfg["SECRET_KEY"]) >= 32 and len(cfg["PII_KEY"]) >= 32
    assert stat.S_IMODE(os.stat(tmp_path / "secret_key").st_mode) == 0o600
    assert load_config(str(tmp_path))["PII_KEY"] == cfg["PII_KEY"]  # stable across restarts


def test_environment_is_read(tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgresql://u@h:5432/d")
    monkeypatch.setenv("REDIS_URL", "redis://h:6379/1")
    monkeypatch.setenv("SECRET_KEY", "s" * 40)
    cfg = load_config(str(tmp_path))
    assert (cfg["DATABASE_URL"], cfg["REDIS_URL"], cfg["SECRET_KEY"]) == (
        "postgresql://u@h:5432/d",
        "redis://h:6379/1",
        "s" * 40,
    )


@pytest.mark.parametrize("secret", [None, "dev", "changeme", "short-secret"])
def test_production_refuses_default_or_weak_secret(tmp_path, monkeypatch, secret):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    overrides = {"SIPAS_ENV": "production", "PII_KEY": "p" * 40, "DATABASE_URL": "postgresql://u@h/d"}
    if secret:
        overrides["SECRET_KEY"] = secret
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        load_config(str(tmp_path), overrides)
    assert not (tmp_path / "secret_key").exists()


def test_production_refuses_missing_pii_key_and_sqlite(tmp_path, monkeypatch):
    monkeypatch.delenv("PII_KEY", raising=False)
    with pytest.raises(ConfigError) as err:
        load_config(
            str(tmp_path), {"SIPAS_ENV": "production", "SECRET_KEY": "s" * 40, "DATABASE_URL": "sqlite:///x.db"}
        )
    assert "PII_KEY" in str(err.value) and "PostgreSQL" in str(err.value)


def test_production_with_proper_settings_starts_with_secure_cookies(tmp_path):
    cfg = load_config(
        str(tmp_path),
        {"SIPAS_ENV": "production", "SECRET_KEY": "s" * 40, "PII_KEY": "p" * 40, "DATABASE_URL": "postgresql://u@h/d"},
    )
    assert cfg["SESSION_COOKIE_SECURE"] and cfg["SESSION_COOKIE_HTTPONLY"]
    assert cfg["SESSION_COOKIE_SAMESITE"] == "Lax"
