"""The gateway and the services read one set of identity variables; the gateway's former names still work."""

from __future__ import annotations

import pytest

from identity.settings import FORMER_NAMES, deprecated_names
from subgraphs.kernel.settings import ServiceSettings, SettingsError, load_settings
from supergraph.server.settings import GatewaySettings

JWKS = "http://users.internal:3001/.well-known/jwks.json"


@pytest.fixture(autouse=True)
def _clean(monkeypatch: pytest.MonkeyPatch) -> None:
    for new, old in FORMER_NAMES.items():
        monkeypatch.delenv(new, raising=False)
        monkeypatch.delenv(old, raising=False)


def test_the_gateway_and_a_service_read_the_same_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in {"AUTH_JWKS_URL": JWKS, "AUTH_ISSUER": "idp", "AUTH_AUDIENCE": "api",
                        "AUTH_LEEWAY_SECONDS": "2", "AUTH_JWKS_TTL_SECONDS": "60",
                        "AUTH_JWKS_MIN_REFRESH_SECONDS": "1"}.items():
        monkeypatch.setenv(name, value)
    gateway, service = GatewaySettings(), load_settings(ServiceSettings)
    for settings in (gateway, service):
        assert (settings.auth_jwks_url, settings.auth_issuer, settings.auth_audience, settings.auth_leeway,
                settings.auth_jwks_ttl, settings.auth_jwks_min_refresh) == (JWKS, "idp", "api", 2, 60, 1)


def test_the_gateways_former_names_are_read_and_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GATEWAY_JWKS_URL", JWKS)
    monkeypatch.setenv("GATEWAY_TOKEN_LEEWAY", "0")
    settings = GatewaySettings()
    assert settings.auth_jwks_url == JWKS and settings.auth_leeway == 0
    assert deprecated_names({"GATEWAY_JWKS_URL": JWKS}) == ["GATEWAY_JWKS_URL (use AUTH_JWKS_URL)"]


def test_the_current_name_wins_over_the_former_one(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GATEWAY_JWKS_URL", "http://old:3001/.well-known/jwks.json")
    monkeypatch.setenv("AUTH_JWKS_URL", JWKS)
    assert GatewaySettings().auth_jwks_url == JWKS


@pytest.mark.parametrize(("variable", "value"), [("AUTH_JWKS_URL", "file:///etc/keys.json"),
                                                 ("AUTH_LEEWAY_SECONDS", "-1"), ("AUTH_JWKS_TTL_SECONDS", "0"),
                                                 ("AUTH_ISSUER", "")])
def test_bad_identity_values_stop_a_service_naming_the_variable(monkeypatch: pytest.MonkeyPatch, variable: str,
                                                                value: str) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(SettingsError, match=variable):
        load_settings(ServiceSettings)
    with pytest.raises(ValueError):
        GatewaySettings()
