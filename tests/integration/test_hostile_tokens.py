"""One table of hostile access tokens, tried at every door: the gateway's HTTP path (which forwards the token to a
subgraph), its WebSocket `connection_init`, and each of the five subgraphs called directly. Every door refuses
every entry (`UNAUTHENTICATED`, or a 4401/4403 close), and lets the genuine token through, so a door that refused
everything would fail too.

The gateway and the subgraphs check tokens with one verifier (the `identity` package); this proves they agree.
The services other than users fetch their keys from a key set that also carries a private key, as a careless
deployment might publish: a token signed with that key is refused everywhere."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from jwt.algorithms import OKPAlgorithm
from websockets.exceptions import ConnectionClosed

from subgraphs.chat.service import DEFINITION as CHAT
from subgraphs.ia.service import DEFINITION as IA
from subgraphs.kernel.events.memory import InProcessBus
from subgraphs.notifications.service import DEFINITION as NOTIFICATIONS
from subgraphs.tickets.service import DEFINITION as TICKETS
from subgraphs.users.service import DEFINITION as USERS
from tests.fixtures.users import FAST_HASH, ROOT_EMAIL, ROOT_PASSWORD, Factory, sign_in
from tests.harness import Client, RunningService, start_service
from tests.integration.conftest import gateway
from tests.subgraphs.ia.conftest import IA_SETTINGS
from tests.supergraph.identity import serve_jwks
from tests.supergraph.ws_client import connect

# A query each subgraph answers only for a signed-in caller.
SIGNED_IN_QUERY = {
    "users": "{ me { id } }",
    "tickets": "{ deskSettings { __typename } }",
    "chat": "{ chatPolicy { __typename } }",
    "notifications": "{ unreadNotificationCount }",
    "ia": "{ triageModel { __typename } }",
}
LEAKED_KID = "leaked-private"


@dataclass
class Doors:
    gateway: str
    subgraphs: dict[str, RunningService]
    http: httpx.AsyncClient
    genuine: str  # a company administrator's access token
    private: Ed25519PrivateKey  # the users service's current signing key
    kid: str
    leaked: Ed25519PrivateKey  # published with its private part by the key set the other services read

    def claims(self) -> dict[str, Any]:
        return jwt.decode(self.genuine, options={"verify_signature": False})

    def sign(self, claims: dict[str, Any], *, key: Ed25519PrivateKey | None = None, **header: Any) -> str:
        return jwt.encode(claims, key or self.private, algorithm="EdDSA", headers={"kid": self.kid, **header})


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unsigned(header: dict[str, Any], claims: dict[str, Any], signature: bytes = b"") -> str:
    return ".".join([_b64(json.dumps(header).encode()), _b64(json.dumps(claims).encode()), _b64(signature)])


def _hs256_with_public_key(doors: Doors) -> str:
    """The classic confusion: HMAC keyed with the verifier's public key, which anyone can read."""
    public = doors.private.public_key().public_bytes(serialization.Encoding.PEM,
                                                     serialization.PublicFormat.SubjectPublicKeyInfo)
    header = {"alg": "HS256", "typ": "JWT", "kid": doors.kid}
    signing_input = _unsigned(header, doors.claims()).rsplit(".", 1)[0]
    signature = hmac.new(public, signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{_b64(signature)}"


def _with(**changes: Any) -> Callable[[Doors], str]:
    def make(doors: Doors) -> str:
        claims = {**doors.claims(), **changes}
        return doors.sign({name: value for name, value in claims.items() if value is not None})
    return make


def _no_kid(doors: Doors) -> str:
    return jwt.encode(doors.claims(), doors.private, algorithm="EdDSA")


def _tampered(doors: Doors) -> str:
    header, _, signature = doors.genuine.split(".")
    return f"{header}.{_b64(json.dumps({**doors.claims(), 'rid': 'platform-admin'}).encode())}.{signature}"


HOSTILE: dict[str, Callable[[Doors], str]] = {
    "alg none": lambda d: _unsigned({"alg": "none", "typ": "JWT", "kid": d.kid}, d.claims()),
    "HS256 keyed with the public key": _hs256_with_public_key,
    "no kid": _no_kid,
    "unknown kid": lambda d: d.sign(d.claims(), kid="no-such-key"),
    "the right kid, another key": lambda d: d.sign(d.claims(), key=Ed25519PrivateKey.generate()),
    "claims changed after signing": _tampered,
    "expired": _with(iat=int(time.time()) - 7200, nbf=None, iat_ms=None, exp=int(time.time()) - 3600),
    "nbf an hour ahead": _with(nbf=int(time.time()) + 3600),
    "issued an hour ahead": _with(iat=int(time.time()) + 3600, nbf=None),
    "another issuer": _with(iss="someone-else"),
    "another audience": _with(aud="another-api"),
    "no subject": _with(sub=None),
    "a refresh token as access": _with(typ="refresh"),
    "signed by a key the JWKS published with its private part": lambda d: d.sign(d.claims(), key=d.leaked,
                                                                                 kid=LEAKED_KID),
    "oversized": _with(padding="x" * 10_000),
    "not a JWT": lambda d: "not-a-jwt",
}


@asynccontextmanager
async def leaky_jwks(users: RunningService, leaked: Ed25519PrivateKey) -> AsyncIterator[str]:
    """The users service's key set plus one key published with its private part (`d`)."""
    async with httpx.AsyncClient() as client, serve_jwks() as server:
        server.extra_keys = [*(await client.get(f"{users.url}/.well-known/jwks.json")).json()["keys"],
                             {**OKPAlgorithm.to_jwk(leaked, as_dict=True), "kid": LEAKED_KID, "alg": "EdDSA"}]
        yield server.url


@pytest.fixture(scope="module")
async def doors(mongo_url: str, http: httpx.AsyncClient, tmp_path_factory: pytest.TempPathFactory
                ) -> AsyncIterator[Doors]:
    bus = InProcessBus()
    await bus.start()
    data: Path = tmp_path_factory.mktemp("hostile")
    users = await start_service(USERS, mongo_url=mongo_url, http=http, bus=bus, admin_email=ROOT_EMAIL,
                                admin_password=ROOT_PASSWORD, data_dir=data, **FAST_HASH)
    leaked = Ed25519PrivateKey.generate()
    started = [users]
    try:
        async with leaky_jwks(users, leaked) as jwks:
            for definition, extra in ((TICKETS, {"sla_scan_interval_seconds": 3600}), (CHAT, {}),
                                      (NOTIFICATIONS, {}), (IA, IA_SETTINGS)):
                started.append(await start_service(definition, mongo_url=mongo_url, http=http, bus=bus,
                                                   auth_jwks_url=jwks, data_dir=data, **extra))
            subgraphs = {service.runtime.name: service for service in started}
            root = await sign_in(users.client, email=ROOT_EMAIL, password=ROOT_PASSWORD, access_code=None)
            tenant = await Factory(root).tenant()
            signer = users.runtime.state["users"].signer
            async with gateway({name: s.url for name, s in subgraphs.items()}, auth_jwks_url=jwks,
                               poll_interval=3600) as url:
                yield Doors(url, subgraphs, http, str(tenant.admin.client.token), signer.current.private,
                            signer.current.kid, leaked)
    finally:
        for service in reversed(started):
            await service.stop()
        await bus.close()


async def _at_every_door(doors: Doors, token: str) -> dict[str, str]:
    """What each door did with `token`: an error code, a close code, or `let in`."""
    seen: dict[str, str] = {}
    gateway = Client(doors.http, doors.gateway).as_(token)
    seen["gateway http"] = _outcome((await gateway(SIGNED_IN_QUERY["users"])).codes)
    async with connect(doors.gateway.replace("http", "ws", 1) + "/graphql") as client:
        await client.send({"type": "connection_init", "payload": {"authorization": f"Bearer {token}"}})
        try:
            answer = await client.receive()
        except ConnectionClosed:
            answer = {}
        if answer.get("type") == "connection_ack":
            seen["gateway websocket"] = "let in"
        else:
            code, _ = await client.closed()
            seen["gateway websocket"] = f"closed {code}"
    for name, service in doors.subgraphs.items():
        seen[name] = _outcome((await service.client.as_(token)(SIGNED_IN_QUERY[name])).codes)
    return seen


def _outcome(codes: list[str]) -> str:
    return "UNAUTHENTICATED" if "UNAUTHENTICATED" in codes else "let in"


async def test_the_genuine_token_is_let_in_at_every_door(doors: Doors) -> None:
    seen = await _at_every_door(doors, doors.genuine)
    assert seen == dict.fromkeys(seen, "let in")
    assert len(seen) == 7


@pytest.mark.parametrize("entry", list(HOSTILE))
async def test_a_hostile_token_is_refused_at_every_door(doors: Doors, entry: str) -> None:
    seen = await _at_every_door(doors, HOSTILE[entry](doors))
    refused = {door: outcome for door, outcome in seen.items()
               if outcome in {"UNAUTHENTICATED", "closed 4401", "closed 4403"}}
    assert refused == seen, f"{entry}: let in at {sorted(set(seen) - set(refused))}"
