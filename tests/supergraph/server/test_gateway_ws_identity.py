"""Who may open a WebSocket: the access token of connection_init verified with the users
service's JWKS; refusals close 4401 or 4403; the socket closes 4419 when the token expires;
the caller's credentials and request id reach the subgraph."""

from __future__ import annotations

import math
import time
from collections.abc import AsyncIterator

import jwt
import pytest

from tests.supergraph.gateway_harness import RunningGateway
from tests.supergraph.identity import TokenIssuer, serve_jwks
from tests.supergraph.live_federation import MESSAGE_ADDED, LiveFederation, new_ticket
from tests.supergraph.ws_client import connect


@pytest.fixture(scope="module")
async def gateway(live: LiveFederation) -> AsyncIterator[RunningGateway]:
    async with live.gateway() as running:
        yield running


async def _closed_after_init(gateway: RunningGateway, authorization: str | None) -> tuple:
    async with connect(gateway.ws_url) as client:
        await client.send({"type": "connection_init", "payload": {"authorization": authorization}
                           if authorization is not None else {}})
        return await client.closed()


def _unauthorized(reason: str) -> tuple[int, str]:
    return 4401, f"Unauthorized: {reason}"


async def test_a_valid_token_is_acknowledged(live: LiveFederation, gateway: RunningGateway) -> None:
    async with connect(gateway.ws_url) as client:
        assert await client.init(live.issuer.bearer()) == {"type": "connection_ack"}


async def test_a_missing_token_closes_4401(gateway: RunningGateway) -> None:
    code, reason = await _closed_after_init(gateway, None)
    assert code == 4401 and reason.startswith("Unauthorized: an access token is required")


@pytest.mark.parametrize(
    ("authorization", "reason"),
    [
        ("Basic dXNlcjpwYXNz", "an access token is required"),
        ("Bearer not-a-jwt", "the access token is malformed"),
        ("Bearer " + jwt.encode({"sub": "u1"}, "s" * 32, algorithm="HS256", headers={"kid": "test-key"}),
         "the access token uses an algorithm we do not accept"),
    ],
)
async def test_malformed_tokens_close_4401(gateway: RunningGateway, authorization: str, reason: str) -> None:
    code, message = await _closed_after_init(gateway, authorization)
    assert code == 4401
    assert message.startswith(f"Unauthorized: {reason}")


@pytest.mark.parametrize(
    ("claims", "reason"),
    [
        ({"ttl": -60}, "the access token has expired"),
        ({"iss": "someone-else"}, "the access token is not valid: Invalid issuer"),
        ({"aud": "another-audience"}, "the access token is not valid: Audience doesn't match"),
        ({"sub": None}, "the access token is not valid"),
    ],
)
async def test_invalid_tokens_close_4401(live: LiveFederation, gateway: RunningGateway, claims, reason) -> None:
    code, message = await _closed_after_init(gateway, live.issuer.bearer(**claims))
    assert code == 4401
    assert message.startswith(f"Unauthorized: {reason}")


async def test_a_token_signed_by_an_unknown_key_closes_4401(live: LiveFederation, gateway: RunningGateway) -> None:
    forger = TokenIssuer(kid="forged")
    code, reason = await _closed_after_init(gateway, forger.bearer())
    assert (code, reason) == _unauthorized("the access token was signed by an unknown key")
    impostor = TokenIssuer(kid=live.issuer.kid)  # the right kid, another key
    code, reason = await _closed_after_init(gateway, impostor.bearer())
    assert (code, reason) == _unauthorized("the access token is not valid: Signature verification failed")


@pytest.mark.parametrize(
    ("claims", "reason"),
    [({"typ": "refresh"}, "this token is not an access token"), ({"cid": None}, "this token names no company")],
)
async def test_genuine_tokens_the_gateway_refuses_close_4403(
    live: LiveFederation, gateway: RunningGateway, claims, reason
) -> None:
    assert await _closed_after_init(gateway, live.issuer.bearer(**claims)) == (4403, f"Forbidden: {reason}")


async def test_the_upgrade_authorization_header_is_honoured(live: LiveFederation, gateway: RunningGateway) -> None:
    async with connect(gateway.ws_url, headers={"Authorization": live.issuer.bearer()}) as client:
        assert await client.init() == {"type": "connection_ack"}


async def test_the_socket_closes_4419_when_the_token_expires(live: LiveFederation) -> None:
    """4419 (not 4401, which graphql-ws treats as fatal): the client refreshes its token and reconnects."""
    ticket = new_ticket()
    expires = math.ceil(time.time()) + 1  # whole seconds: in one to two seconds
    async with live.gateway(auth_leeway=0) as gateway, connect(gateway.ws_url) as client:
        assert await client.init(live.issuer.bearer(exp=expires)) == {"type": "connection_ack"}
        await client.subscribe("1", MESSAGE_ADDED, {"t": ticket})
        await live.chat.wait_active(ticket, 1)
        assert await client.closed(timeout=3) == (4419, "Token expired: refresh it and reconnect")
        assert expires <= time.time() < expires + 1.0
    await live.chat.wait_active(ticket, 0)


async def test_the_callers_token_and_request_id_reach_the_subgraph(
    live: LiveFederation, gateway: RunningGateway
) -> None:
    ticket, authorization = new_ticket(), live.issuer.bearer(user="u3")
    headers = {"x-request-id": "req-42", "user-agent": "helpdesk-web/1.0"}
    async with connect(gateway.ws_url, headers=headers) as client:
        await client.init(authorization)
        await client.subscribe("1", MESSAGE_ADDED, {"t": ticket})
        await live.chat.wait_active(ticket, 1)
    [upstream] = live.chat.connected_with(authorization)
    assert upstream["params"] == {"authorization": authorization}
    assert upstream["headers"]["x-request-id"] == "req-42"
    assert upstream["headers"]["user-agent"] == "helpdesk-web/1.0"
    assert "authorization" not in upstream["headers"]  # credentials travel in connection_init only


async def test_unreachable_keys_close_1013_and_unknown_kids_refetch_rarely(live: LiveFederation) -> None:
    issuer = TokenIssuer(kid="rotated")
    async with (serve_jwks(live.issuer) as jwks,
                live.gateway(auth_jwks_url=jwks.url, auth_jwks_min_refresh=0.6) as gateway):
        jwks.status = 503
        code, reason = await _closed_after_init(gateway, live.issuer.bearer())
        assert (code, reason) == (1013, "Try again later: the signing keys are unavailable")
        jwks.status = 200
        await _wait(0.65)
        async with connect(gateway.ws_url) as client:
            assert await client.init(live.issuer.bearer()) == {"type": "connection_ack"}
        fetches = jwks.fetches
        for _ in range(3):  # unknown kids within min_refresh: no refetch each time
            assert (await _closed_after_init(gateway, issuer.bearer()))[0] == 4401
        assert jwks.fetches == fetches
        jwks.issuers.append(issuer)  # the users service rotates to a new key
        await _wait(0.65)
        async with connect(gateway.ws_url) as client:
            assert await client.init(issuer.bearer()) == {"type": "connection_ack"}
        assert jwks.fetches == fetches + 1


async def _wait(seconds: float) -> None:
    import asyncio

    await asyncio.sleep(seconds)
