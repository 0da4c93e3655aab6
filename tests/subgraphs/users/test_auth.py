"""Signing in and out: login, lockout, rotating refresh tokens, logout, password change and reset."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from tests.harness import Client, RunningService
from tests.subgraphs.users.conftest import LOGIN, PASSWORD, Factory, Person, Tenant, last_event, sign_in

REFRESH = "mutation($t: String!) { refreshToken(refreshToken: $t) { accessToken refreshToken user { email } } }"
ME = "{ me { id email } }"


def fresh(client: Client, ip: str | None = None) -> Client:
    """An anonymous client on a machine of its own (or at `ip`)."""
    device = Client(client.http, client.url)
    return device.as_(None, **({"x-forwarded-for": ip} if ip else {}))


async def attempt(client: Client, tenant: Tenant, email: str, password: str) -> list[str]:
    result = await client(LOGIN, {"code": tenant.access_code, "email": email, "password": password})
    return result.codes


async def test_login_needs_the_right_code_email_and_password(anonymous: Client, factory: Factory, tenant: Tenant
                                                             ) -> None:
    agent = await factory.person(tenant, "agent")
    client = fresh(anonymous)
    ok = await client(LOGIN, {"code": tenant.access_code, "email": agent.email.upper(), "password": PASSWORD})
    assert ok.ok()["login"]["user"]["id"] == agent.id  # e-mail matched case-insensitively
    other = await factory.tenant()
    for code, email, password in [
        (tenant.access_code, agent.email, "Wrong-Passw0rd!"),
        (other.access_code, agent.email, PASSWORD),  # right person, wrong company
        ("Zz9Zz9Zz", agent.email, PASSWORD),
        (None, agent.email, PASSWORD),  # no code: only platform staff
    ]:
        result = await fresh(anonymous)(LOGIN, {"code": code, "email": email, "password": password})
        assert result.codes == ["UNAUTHENTICATED"]
        assert result.errors[0]["message"] == "the access code, e-mail or password is not right"
        assert result.errors[0]["extensions"]["reason"] == "BAD_CREDENTIALS"  # what the app's sign-in page reads


async def test_access_token_is_short_lived_eddsa_with_kid(anonymous: Client, tenant: Tenant) -> None:
    import jwt

    token = tenant.admin.client.token
    assert token is not None
    header = jwt.get_unverified_header(token)
    claims = jwt.decode(token, options={"verify_signature": False})
    assert header["alg"] == "EdDSA" and header["kid"]
    assert claims["exp"] - claims["iat"] == 900
    assert claims["cid"] == tenant.id and claims["typ"] == "access"


async def test_five_failures_lock_the_account(anonymous: Client, factory: Factory, tenant: Tenant,
                                              travel: Callable[[timedelta], None]) -> None:
    agent = await factory.person(tenant, "agent")
    for _ in range(5):  # each from another machine: the account lock, not the source lock, must bite
        assert await attempt(fresh(anonymous), tenant, agent.email, "Wrong-Passw0rd!") == ["UNAUTHENTICATED"]
    locked = await fresh(anonymous)(LOGIN, {"code": tenant.access_code, "email": agent.email, "password": PASSWORD})
    assert locked.codes == ["RATE_LIMITED"]
    retry_after = locked.errors[0]["extensions"]["retryAfter"]
    assert 800 < retry_after <= 901
    travel(timedelta(seconds=retry_after))
    assert await attempt(fresh(anonymous), tenant, agent.email, PASSWORD) == []


async def test_five_failures_lock_the_source(anonymous: Client, factory: Factory, tenant: Tenant) -> None:
    people = [await factory.person(tenant, "customer") for _ in range(2)]
    attacker = fresh(anonymous, ip="203.0.113.7")
    for n in range(5):
        assert await attempt(attacker, tenant, f"guess{n}@nowhere.test", "Wrong-Passw0rd!") == ["UNAUTHENTICATED"]
    # The source is locked even for a real account with the right password...
    assert await attempt(attacker, tenant, people[0].email, PASSWORD) == ["RATE_LIMITED"]
    # ...while the same account signs in from elsewhere.
    assert await attempt(fresh(anonymous), tenant, people[0].email, PASSWORD) == []


async def test_refresh_rotates_and_reuse_revokes_the_family(anonymous: Client, factory: Factory, tenant: Tenant
                                                            ) -> None:
    person = await factory.person(tenant, "agent")
    first = (await anonymous(REFRESH, {"t": person.refresh_token})).ok()["refreshToken"]
    assert first["refreshToken"] != person.refresh_token
    second = (await anonymous(REFRESH, {"t": first["refreshToken"]})).ok()["refreshToken"]
    # The first token is replayed (stolen): refused, and the whole session dies with it.
    replay = await anonymous(REFRESH, {"t": person.refresh_token})
    assert replay.codes == ["UNAUTHENTICATED"]
    assert replay.errors[0]["extensions"]["reason"] == "REFRESH_REUSED"
    assert (await anonymous(REFRESH, {"t": second["refreshToken"]})).codes == ["UNAUTHENTICATED"]
    assert (await person.client.as_(second["accessToken"])(ME)).codes == ["UNAUTHENTICATED"]
    assert (await person.client(ME)).codes == ["UNAUTHENTICATED"]


async def test_refresh_rejects_garbage_and_expired_tokens(anonymous: Client, factory: Factory, tenant: Tenant,
                                                          travel: Callable[[timedelta], None]) -> None:
    for junk in ["", "rt.x.y", "rt..", "not-a-token", "rt.6b08bf2a450e5089a0d8665d.forged"]:
        assert (await anonymous(REFRESH, {"t": junk})).codes == ["UNAUTHENTICATED"]
    person = await factory.person(tenant, "customer")
    travel(timedelta(days=15))
    expired = await anonymous(REFRESH, {"t": person.refresh_token})
    assert expired.errors[0]["extensions"]["reason"] == "REFRESH_EXPIRED"


async def test_logout_ends_the_session_but_not_the_others(anonymous: Client, factory: Factory, tenant: Tenant
                                                          ) -> None:
    laptop = await factory.person(tenant, "agent")
    phone = await sign_in(anonymous, email=laptop.email, password=PASSWORD, access_code=tenant.access_code)
    assert (await laptop.client("mutation { logout }")).ok()["logout"] is True
    assert (await laptop.client(ME)).codes == ["UNAUTHENTICATED"]
    assert (await anonymous(REFRESH, {"t": laptop.refresh_token})).codes == ["UNAUTHENTICATED"]
    assert (await phone.client(ME)).ok()["me"]["id"] == laptop.id
    assert (await phone.client("mutation { logout(everywhere: true) }")).ok()
    assert (await phone.client(ME)).codes == ["UNAUTHENTICATED"]


async def test_suspended_company_cannot_sign_in_or_refresh(anonymous: Client, root: Person, factory: Factory) -> None:
    victim = await factory.tenant()
    person = await factory.person(victim, "agent")
    await _suspend(root, victim.id)
    assert await attempt(fresh(anonymous), victim, person.email, PASSWORD) == ["FORBIDDEN"]
    assert (await anonymous(REFRESH, {"t": person.refresh_token})).codes in (["FORBIDDEN"], ["UNAUTHENTICATED"])
    assert (await person.client(ME)).codes == ["UNAUTHENTICATED"]
    (await root.client("mutation($id: ID!) { reactivateCompany(companyId: $id) { status } }", {"id": victim.id})).ok()
    assert await attempt(fresh(anonymous), victim, person.email, PASSWORD) == []


async def _suspend(root: Person, company_id: str) -> None:
    (await root.client("mutation($id: ID!) { suspendCompany(companyId: $id, reason: \"unpaid\") { status } }",
                       {"id": company_id})).ok()


async def test_change_password(factory: Factory, tenant: Tenant, anonymous: Client) -> None:
    person = await factory.person(tenant, "customer")
    other_device = await sign_in(anonymous, email=person.email, password=PASSWORD, access_code=tenant.access_code)
    change = "mutation($c: String!, $n: String!) { changePassword(input: {currentPassword: $c, newPassword: $n}) }"
    wrong = await person.client(change, {"c": "Not-The-Passw0rd", "n": "Brand-New-Passw0rd"})
    assert wrong.codes == ["BAD_USER_INPUT"]
    weak = await person.client(change, {"c": PASSWORD, "n": "short"})
    assert weak.codes == ["BAD_USER_INPUT"] and weak.errors[0]["extensions"]["field"] == "newPassword"
    assert (await person.client(change, {"c": PASSWORD, "n": "Brand-New-Passw0rd"})).ok()["changePassword"]
    assert (await person.client(ME)).ok()  # this device stays signed in
    assert (await other_device.client(ME)).codes == ["UNAUTHENTICATED"]  # the others are signed out
    assert await attempt(fresh(anonymous), tenant, person.email, PASSWORD) == ["UNAUTHENTICATED"]
    assert await attempt(fresh(anonymous), tenant, person.email, "Brand-New-Passw0rd") == []


RESET_REQUEST = (
    "mutation($code: String, $email: String!) { requestPasswordReset(input: {accessCode: $code, email: $email}) }"
)
RESET = "mutation($t: String!, $p: String!) { resetPassword(input: {token: $t, newPassword: $p}) }"


def _token(event: dict) -> str:
    return event["data"]["resetUrl"].split("token=")[1]


async def test_password_reset_by_single_use_link(users_service: RunningService, anonymous: Client, factory: Factory,
                                                 tenant: Tenant, travel: Callable[[timedelta], None]) -> None:
    person = await factory.person(tenant, "customer")
    known = await fresh(anonymous)(RESET_REQUEST, {"code": tenant.access_code, "email": person.email})
    unknown = await fresh(anonymous)(RESET_REQUEST, {"code": tenant.access_code, "email": "nobody@nowhere.test"})
    assert known.ok() == unknown.ok() == {"requestPasswordReset": True}  # same answer either way
    event = await last_event(users_service, "password.reset_requested", userId=person.id)
    token = _token(event)
    stored = await users_service.runtime.db["password_tokens"].find_one({"userId": person.id, "purpose": "reset"},
                                                                       sort=[("createdAt", -1)])
    assert token not in str(stored)  # only the hash is kept
    assert (await anonymous(RESET, {"t": token, "p": "weak"})).codes == ["BAD_USER_INPUT"]  # policy; link survives
    assert (await anonymous(RESET, {"t": token, "p": "Reset-Passw0rd-OK"})).ok()["resetPassword"] is True
    assert (await anonymous(RESET, {"t": token, "p": "Again-Passw0rd-OK"})).codes == ["BAD_USER_INPUT"]  # single use
    assert (await person.client(ME)).codes == ["UNAUTHENTICATED"]  # sessions ended
    assert await attempt(fresh(anonymous), tenant, person.email, "Reset-Passw0rd-OK") == []
    # A link older than an hour no longer works.
    await fresh(anonymous)(RESET_REQUEST, {"code": tenant.access_code, "email": person.email})
    late = _token(await last_event(users_service, "password.reset_requested", userId=person.id))
    travel(timedelta(minutes=61))
    assert (await anonymous(RESET, {"t": late, "p": "Late-Passw0rd-OK1"})).codes == ["BAD_USER_INPUT"]


async def test_welcome_link_lets_a_new_user_choose_a_password(users_service: RunningService, anonymous: Client,
                                                              tenant: Tenant) -> None:
    email = "newcomer@welcome.test"
    created = await tenant.admin.client(
        "mutation($i: CreateUserInput!) { createUser(input: $i) { id } }",
        {"i": {"email": email, "firstName": "New", "lastName": "Comer"}},
    )
    user_id = created.ok()["createUser"]["id"]
    event = await last_event(users_service, "user.created", userId=user_id)
    assert not {"password", "passwordHash"} & set(event["data"])
    token = event["data"]["setPasswordUrl"].split("token=")[1]
    assert await attempt(fresh(anonymous), tenant, email, PASSWORD) == ["UNAUTHENTICATED"]  # no password yet
    assert (await anonymous(RESET, {"t": token, "p": "Welcome-Passw0rd-1"})).ok()
    assert await attempt(fresh(anonymous), tenant, email, "Welcome-Passw0rd-1") == []


async def test_platform_staff_sign_in_without_a_code(anonymous: Client, root: Person) -> None:
    me = (await root.client("{ me { company { isPlatform } role { key } } }")).ok()["me"]
    assert me == {"company": {"isPlatform": True}, "role": {"key": "platform_root"}}


async def test_guessing_the_current_password_is_locked_out(factory: Factory, tenant: Tenant) -> None:
    person = await factory.person(tenant, "customer")
    change = (
        "mutation($c: String!) {"
        " changePassword(input: {currentPassword: $c, newPassword: \"Another-Passw0rd!\"}) }"
    )
    for n in range(5):
        assert (await person.client(change, {"c": f"Guess-{n}-Passw0rd"})).codes == ["BAD_USER_INPUT"]
    locked = await person.client(change, {"c": PASSWORD})
    assert locked.codes == ["RATE_LIMITED"] and locked.errors[0]["extensions"]["retryAfter"] > 0
