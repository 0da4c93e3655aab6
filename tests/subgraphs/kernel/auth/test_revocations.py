"""A security change made in the users service makes older tokens stale in every other service."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import AsyncIterator
from dataclasses import dataclass

import httpx
import pytest

from subgraphs.kernel.auth.revocations import revoked_keys
from subgraphs.kernel.events.envelope import Event
from subgraphs.kernel.events.memory import InProcessBus
from subgraphs.users.service import DEFINITION as USERS
from tests.harness import Client, RunningService, start_service
from tests.subgraphs.kernel.probe import DEFINITION as PROBE

ADMIN = {"email": "root@revoke.test", "password": "Revoke-Passw0rd-2026"}
LOGIN = """mutation($c: String, $e: String!, $p: String!) {
  login(input: {accessCode: $c, email: $e, password: $p}) { accessToken refreshToken user { id } } }"""
WHOAMI = "{ whoami { userId permissions } }"
PASSWORD = "Corr3ct-Horse-Battery"
_serial = itertools.count(1)


@dataclass
class Stack:
    users: RunningService
    probe: RunningService
    root: Client
    code: str


@pytest.fixture(scope="module")
async def stack(mongo_url: str, http: httpx.AsyncClient) -> AsyncIterator[Stack]:
    bus = InProcessBus()
    await bus.start()
    users = await start_service(USERS, mongo_url=mongo_url, http=http, bus=bus, admin_email=ADMIN["email"],
                                admin_password=ADMIN["password"], password_hash_memory_kib=1024,
                                password_hash_time_cost=1)
    probe = await start_service(PROBE, mongo_url=mongo_url, http=http, bus=bus,
                                auth_jwks_url=f"{users.url}/.well-known/jwks.json")
    token = (await users.client(LOGIN, {"e": ADMIN["email"], "p": ADMIN["password"]})).ok()["login"]["accessToken"]
    root = users.client.as_(token)
    created = (await root("""mutation { createCompany(input: {name: "Revokers", taxId: "REVOKE-1",
      email: "it@revoke.test", admin: {email: "boss@revoke.test", firstName: "B", lastName: "S",
      password: "Corr3ct-Horse-Battery"}}) { company { accessCode } } }""")).ok()
    yield Stack(users, probe, root, created["createCompany"]["company"]["accessCode"])
    await probe.stop()
    await users.stop()
    await bus.close()


async def _person(stack: Stack, role_key: str = "agent") -> tuple[str, str, str]:
    """A new person of the company: (user id, access token, refresh token)."""
    boss = await _login(stack, "boss@revoke.test")
    roles = (await stack.users.client.as_(boss[1])("{ roles { id key } }")).ok()["roles"]
    email = f"{role_key}{next(_serial)}@revoke.test"
    (await stack.users.client.as_(boss[1])(
        "mutation($i: CreateUserInput!) { createUser(input: $i) { id } }",
        {"i": {"email": email, "firstName": "P", "lastName": "Q", "password": PASSWORD,
               "roleId": next(r["id"] for r in roles if r["key"] == role_key)}})).ok()
    return await _login(stack, email)


async def _login(stack: Stack, email: str) -> tuple[str, str, str]:
    login = (await Client(stack.users.client.http, stack.users.url)(
        LOGIN, {"c": stack.code, "e": email, "p": PASSWORD})).ok()["login"]
    return login["user"]["id"], login["accessToken"], login["refreshToken"]


async def _eventually_stale(probe: RunningService, token: str) -> None:
    for _ in range(100):
        result = await probe.client.as_(token)(WHOAMI)
        if result.errors:
            assert result.errors[0]["extensions"] == {"code": "UNAUTHENTICATED", "reason": "TOKEN_STALE"}
            return
        await asyncio.sleep(0.05)
    raise AssertionError("the token still works in the other service")


async def test_deactivation_stops_the_token_everywhere(stack: Stack) -> None:
    user_id, token, _ = await _person(stack)
    assert (await stack.probe.client.as_(token)(WHOAMI)).ok()
    boss = await _login(stack, "boss@revoke.test")
    (await stack.users.client.as_(boss[1])("mutation($id: ID!) { deactivateUser(id: $id) { id } }",
                                           {"id": user_id})).ok()
    await _eventually_stale(stack.probe, token)


async def test_a_role_change_is_picked_up_after_refresh(stack: Stack) -> None:
    _, token, refresh = await _person(stack, "agent")
    agent_role = next(r for r in (await stack.root("{ roles { id key } }")).ok()["roles"] if r["key"] == "agent")
    assert (await stack.probe.client.as_(token)(WHOAMI)).ok()
    custom = (await stack.users.client.as_((await _login(stack, "boss@revoke.test"))[1])(
        'mutation { createRole(input: {name: "Narrow", level: 20, permissions: ["tickets.read"]}) { id } }')).ok()
    assert custom and agent_role
    boss_token = (await _login(stack, "boss@revoke.test"))[1]
    user_id = (await stack.users.client.as_(token)("{ me { id } }")).ok()["me"]["id"]
    assign = "mutation($u: ID!, $r: ID!) { assignRole(userId: $u, roleId: $r) { id } }"
    (await stack.users.client.as_(boss_token)(assign, {"u": user_id, "r": custom["createRole"]["id"]})).ok()
    await _eventually_stale(stack.probe, token)
    renewed = (await stack.users.client("mutation($t: String!) { refreshToken(refreshToken: $t) { accessToken } }",
                                        {"t": refresh})).ok()["refreshToken"]["accessToken"]
    assert (await stack.probe.client.as_(renewed)(WHOAMI)).ok()["whoami"]["permissions"] == ["tickets.read"]


async def test_logout_stops_that_session_only(stack: Stack) -> None:
    user_id, laptop, _ = await _person(stack)
    phone = (await _login(stack, (await stack.root("query($id: ID!) { user(id: $id) { email } }",
                                                   {"id": user_id})).ok()["user"]["email"]))[1]
    (await stack.users.client.as_(laptop)("mutation { logout }")).ok()
    await _eventually_stale(stack.probe, laptop)
    assert (await stack.probe.client.as_(phone)(WHOAMI)).ok()


async def test_a_harmless_change_keeps_tokens(stack: Stack) -> None:
    _, token, _ = await _person(stack)
    (await stack.users.client.as_(token)("mutation { setMyActivityStatus(status: BUSY) { id } }")).ok()
    await asyncio.sleep(1.5)
    assert (await stack.probe.client.as_(token)(WHOAMI)).ok()


def test_which_events_revoke_what() -> None:
    def keys(type: str, **data: object) -> list[str]:
        return revoked_keys(Event(type=type, data=dict(data)))

    assert keys("user.updated", userId="u", changed=["phone"]) == []
    assert keys("user.updated", userId="u", changed=["roleId"]) == ["user:u"]
    assert keys("user.signed_out", userId="u", sessionId="s", everywhere=False) == ["session:s"]
    assert keys("user.signed_out", userId="u", sessionId="s", everywhere=True) == ["user:u"]
    assert keys("company.suspended", companyId="c") == ["company:c"]
    assert keys("role.updated", roleId="r") == ["role:r"]
    assert keys("ticket.created", id="t") == []
