"""Another service verifies users-service tokens with the published JWKS only."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from subgraphs.users.service import DEFINITION as USERS
from tests.harness import RunningService, start_service
from tests.subgraphs.kernel.probe import DEFINITION as PROBE

ADMIN = {"email": "root@remote.test", "password": "Remote-Passw0rd-2026"}
LOGIN = 'mutation($e: String!, $p: String!) { login(input: {email: $e, password: $p}) { accessToken } }'


@pytest.fixture(scope="module")
async def services(mongo_url: str, http: httpx.AsyncClient) -> AsyncIterator[tuple[RunningService, RunningService]]:
    users = await start_service(USERS, mongo_url=mongo_url, http=http, admin_email=ADMIN["email"],
                                admin_password=ADMIN["password"], password_hash_memory_kib=1024,
                                password_hash_time_cost=1)
    probe = await start_service(PROBE, mongo_url=mongo_url, http=http,
                                auth_jwks_url=f"{users.url}/.well-known/jwks.json", auth_jwks_min_refresh=0)
    yield users, probe
    await probe.stop()
    await users.stop()


async def _token(users: RunningService) -> str:
    return (await users.client(LOGIN, {"e": ADMIN["email"], "p": ADMIN["password"]})).ok()["login"]["accessToken"]


async def test_tokens_from_the_users_service_are_accepted(services: tuple[RunningService, RunningService]) -> None:
    users, probe = services
    caller = (await probe.client.as_(await _token(users))("{ whoami { userId companyId permissions } }")).ok()
    assert caller["whoami"]["permissions"] == ["*"]


async def test_a_rotated_key_is_fetched_and_a_foreign_key_refused(
    services: tuple[RunningService, RunningService],
) -> None:
    users, probe = services
    await users.runtime.state["users"].signer.rotate()
    fresh = await _token(users)
    assert (await probe.client.as_(fresh)("{ whoami { userId } }")).ok()
    claims = jwt.decode(fresh, options={"verify_signature": False})
    kid = jwt.get_unverified_header(fresh)["kid"]
    forged = jwt.encode(claims, Ed25519PrivateKey.generate(), algorithm="EdDSA", headers={"kid": kid})
    assert (await probe.client.as_(forged)("{ whoami { userId } }")).codes == ["UNAUTHENTICATED"]
    unknown = jwt.encode(claims, Ed25519PrivateKey.generate(), algorithm="EdDSA", headers={"kid": "nope"})
    assert (await probe.client.as_(unknown)("{ whoami { userId } }")).codes == ["UNAUTHENTICATED"]


async def test_verification_fails_closed_when_the_jwks_is_unreachable(
    mongo_url: str, http: httpx.AsyncClient, services: tuple[RunningService, RunningService]
) -> None:
    users, _ = services
    token = await _token(users)
    orphan = await start_service(PROBE, mongo_url=mongo_url, http=http,
                                 auth_jwks_url="http://127.0.0.1:9/.well-known/jwks.json")
    try:
        assert (await orphan.client.as_(token)("{ whoami { userId } }")).codes == ["UNAUTHENTICATED"]
    finally:
        await orphan.stop()
