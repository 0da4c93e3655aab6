"""Gateway settings: production hides the schema unless told otherwise, and values out of bounds stop the start."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from supergraph.server.settings import GatewaySettings


@pytest.fixture(autouse=True)
def _clean(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("AURONTEK_ENV", "GATEWAY_ENVIRONMENT", "GATEWAY_INTROSPECTION", "GATEWAY_GRAPHIQL"):
        monkeypatch.delenv(name, raising=False)


def test_introspection_and_graphiql_are_on_outside_production() -> None:
    settings = GatewaySettings()
    assert (settings.introspection_on, settings.graphiql_on) == (True, True)


def test_production_turns_them_off_unless_they_are_set(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AURONTEK_ENV", "production")
    settings = GatewaySettings()
    assert (settings.introspection_on, settings.graphiql_on) == (False, False)
    monkeypatch.setenv("GATEWAY_INTROSPECTION", "true")
    assert GatewaySettings().introspection_on and not GatewaySettings().graphiql_on


@pytest.mark.parametrize(("variable", "value"), [
    ("GATEWAY_PORT", "70000"), ("GATEWAY_SUBGRAPH_TIMEOUT", "0"), ("GATEWAY_MAX_BODY_BYTES", "10"),
    ("GATEWAY_WS_SEND_QUEUE", "0"), ("GATEWAY_MAX_DEPTH", "-1"), ("GATEWAY_PLAN_CACHE_SIZE", "0"),
])
def test_values_out_of_bounds_are_refused(monkeypatch: pytest.MonkeyPatch, variable: str, value: str) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(ValidationError):
        GatewaySettings()
