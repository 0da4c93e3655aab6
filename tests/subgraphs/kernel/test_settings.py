"""Settings come from the environment and a bad value names its variable."""

from __future__ import annotations

import pytest

from subgraphs.kernel.settings import ServiceSettings, SettingsError, load_settings


def test_defaults_work_on_a_laptop(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("MONGODB_URL", "AMQP_URL", "AURONTEK_ENV"):
        monkeypatch.delenv(name, raising=False)
    settings = load_settings(ServiceSettings)
    assert settings.mongodb_url is None and settings.amqp_url is None and settings.environment == "development"


@pytest.mark.parametrize(("variable", "value", "words"), [
    ("MONGODB_URL", "postgres://x", "mongodb://"),
    ("AMQP_URL", "http://broker", "amqp://"),
    ("AUTH_JWKS_URL", "ftp://x", "http"),
    ("EVENT_MAX_ATTEMPTS", "0", "greater"),
    ("AURONTEK_ENV", "staging", "development"),
])
def test_a_bad_variable_is_named(monkeypatch: pytest.MonkeyPatch, variable: str, value: str, words: str) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(SettingsError) as caught:
        load_settings(ServiceSettings)
    assert variable in str(caught.value) and words in str(caught.value)


def test_production_refuses_placeholders_and_the_embedded_database(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AURONTEK_ENV", "production")
    monkeypatch.setenv("MONGODB_URL", "mongodb://db:27017")
    monkeypatch.setenv("AMQP_URL", "amqp://guest:guest@rabbit:5672/")
    with pytest.raises(SettingsError, match="AMQP_URL carries a placeholder password"):
        load_settings(ServiceSettings)
    monkeypatch.setenv("AMQP_URL", "amqp://app:s3cr3t-from-vault@rabbit:5672/")
    monkeypatch.delenv("MONGODB_URL")
    with pytest.raises(SettingsError, match="MONGODB_URL is required"):
        load_settings(ServiceSettings)
    monkeypatch.setenv("MONGODB_URL", "mongodb://db:27017")
    for secret in (None, "set-a-long-random-secret-for-file-links", "short"):
        if secret is not None:
            monkeypatch.setenv("FILE_LINK_SECRET", secret)
        with pytest.raises(SettingsError, match="FILE_LINK_SECRET must be set"):  # file links must verify anywhere
            load_settings(ServiceSettings)
    monkeypatch.setenv("FILE_LINK_SECRET", "q8Vn2-some-real-random-value-of-40-chars")
    assert load_settings(ServiceSettings).file_link_ttl_seconds == 900


def test_lists_are_comma_separated(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRUSTED_PROXIES", "10.0.0.0/8, 192.168.1.1")
    assert load_settings(ServiceSettings).trusted_proxies == ["10.0.0.0/8", "192.168.1.1"]
