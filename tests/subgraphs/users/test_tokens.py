"""Access tokens: every forged, stale or misused token is refused with UNAUTHENTICATED over real HTTP."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from subgraphs.kernel import clock
from tests.harness import Client, RunningService
from tests.subgraphs.users.conftest import PASSWORD, Factory, Person, Tenant, sign_in

ME = "{ me { id } }"
UA = "UNAUTHENTICATED"


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def segment(value: dict[str, Any]) -> str:
    return b64(json.dumps(value, separators=(",", ":")).encode())


def now() -> int:
    return int(clock.now().timestamp())


def claims_of(token: str) -> dict[str, Any]:
    return jwt.decode(token, options={"verify_signature": False})


@dataclass(frozen=True)
class Keys:
    """The service's signing key (to build tokens wrong in exactly one way) and an attacker's."""

    kid: str
    private: Ed25519PrivateKey
    attacker: Ed25519PrivateKey

    @property
    def public_raw(self) -> bytes:
        return self.private.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)

    @property
    def public_pem(self) -> bytes:
        return self.private.public_key().public_bytes(serialization.Encoding.PEM,
                                                      serialization.PublicFormat.SubjectPublicKeyInfo)


@pytest.fixture(scope="module")
def keys(users_service: RunningService) -> Keys:
    # The service runs in this process; its key is read only to prove that a token built here is accepted
    # when nothing is wrong with it, so each refusal below is down to the one thing changed.
    current = users_service.runtime.state["users"].signer.current
    return Keys(current.kid, current.private, Ed25519PrivateKey.generate())


@pytest.fixture(scope="module")
async def person(factory: Factory) -> Person:
    return await factory.person(await factory.tenant(), "agent")


def sign(claims: dict[str, Any], key: Any, *, algorithm: str = "EdDSA", **headers: Any) -> str:
    return jwt.encode(claims, key, algorithm=algorithm, headers=headers or None)


def hs256(header: dict[str, Any], claims: dict[str, Any], secret: bytes) -> str:
    """HMAC-SHA256 by hand: PyJWT rightly refuses to use a public key as an HMAC secret."""
    signing_input = f"{segment(header)}.{segment(claims)}"
    signature = hmac.new(secret, signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{b64(signature)}"


def ed25519(header: dict[str, Any], claims: dict[str, Any], key: Ed25519PrivateKey) -> str:
    """EdDSA by hand, for headers PyJWT will not write."""
    signing_input = f"{segment(header)}.{segment(claims)}"
    return f"{signing_input}.{b64(key.sign(signing_input.encode()))}"


def unsigned(header: dict[str, Any], claims: dict[str, Any], signature: str = "") -> str:
    return f"{segment(header)}.{segment(claims)}.{signature}"


Forge = Callable[[str, Keys], str]


def changed(**overrides: Any) -> Forge:
    """The person's own claims with `overrides` (None removes a claim), signed with the service's key."""
    def forge(token: str, keys: Keys) -> str:
        claims = {k: v for k, v in {**claims_of(token), **overrides}.items() if v is not None}
        return sign(claims, keys.private, kid=keys.kid)

    return forge


def as_root(token: str) -> dict[str, Any]:
    return {**claims_of(token), "perm": ["*"], "plat": True, "lvl": 100}


def confused(secret: Callable[[Keys], bytes]) -> Forge:
    return lambda token, keys: hs256({"alg": "HS256", "typ": "JWT", "kid": keys.kid}, as_root(token), secret(keys))


def with_header(**header: Any) -> Forge:
    """The person's real signature under a header that says something else."""
    def forge(token: str, keys: Keys) -> str:
        _, payload, signature = token.split(".")
        return f"{segment(header | {'kid': keys.kid} if 'kid' not in header else header)}.{payload}.{signature}"

    return forge


FORGERIES: dict[str, Forge] = {
    "signed-by-another-key-with-the-same-kid": lambda t, k: sign(as_root(t), k.attacker, kid=k.kid),
    "signed-by-another-key-it-embeds": lambda t, k: sign(as_root(t), k.attacker, kid=k.kid, jwk={
        "kty": "OKP", "crv": "Ed25519", "x": b64(k.attacker.public_key().public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw))}),
    "alg-none-unsigned": lambda t, k: unsigned({"alg": "none", "typ": "JWT", "kid": k.kid}, as_root(t)),
    "alg-None-unsigned": lambda t, k: unsigned({"alg": "None", "kid": k.kid}, as_root(t)),
    "alg-none-with-the-real-signature": with_header(alg="none", typ="JWT"),
    "no-alg-with-the-real-signature": with_header(typ="JWT"),
    "hs256-with-the-raw-public-key-as-secret": confused(lambda k: k.public_raw),
    "hs256-with-the-pem-public-key-as-secret": confused(lambda k: k.public_pem),
    "hs256-with-the-jwk-x-as-secret": confused(lambda k: b64(k.public_raw).encode()),
    "rs256-with-an-attackers-rsa-key": lambda t, k: sign(as_root(t), rsa.generate_private_key(
        public_exponent=65537, key_size=2048), algorithm="RS256", kid=k.kid),
    "missing-kid": lambda t, k: sign(claims_of(t), k.private),
    "empty-kid": lambda t, k: sign(claims_of(t), k.private, kid=""),
    "unknown-kid": lambda t, k: sign(claims_of(t), k.private, kid="not-a-key-of-ours"),
    "kid-that-is-not-a-string": lambda t, k: ed25519({"alg": "EdDSA", "kid": [k.kid]}, claims_of(t), k.private),
    "claims-tampered-under-the-real-signature": lambda t, k: ".".join(
        [t.split(".")[0], segment(as_root(t)), t.split(".")[2]]),
    "wrong-issuer": changed(iss="someone-else"),
    "no-issuer": changed(iss=None),
    "wrong-audience": changed(aud="another-api"),
    "no-audience": changed(aud=None),
    "expired": lambda t, k: changed(exp=now() - 60, iat=now() - 1000, nbf=now() - 1000)(t, k),
    "no-expiry": changed(exp=None),
    "not-yet-valid": lambda t, k: changed(nbf=now() + 600, iat=now() + 600)(t, k),
    "not-an-access-token": changed(typ="refresh"),
    "no-token-type": changed(typ=None),
    "no-session": changed(sid=None),
    "another-session": changed(sid="6b08c0000000000000000000"),
    "another-users-subject": changed(sub="6b08c0000000000000000001"),
}


async def test_a_token_built_right_is_accepted(anonymous: Client, person: Person, keys: Keys) -> None:
    """The control: re-signing the person's own claims changes nothing, so every refusal below is meaningful."""
    token = changed()(person.client.token or "", keys)
    assert (await anonymous.as_(token)(ME)).ok()["me"]["id"] == person.id


@pytest.mark.parametrize("forge", [pytest.param(f, id=name) for name, f in FORGERIES.items()])
async def test_a_forged_or_malformed_token_is_refused(anonymous: Client, person: Person, keys: Keys,
                                                      forge: Forge) -> None:
    result = await anonymous.as_(forge(person.client.token or "", keys))(ME)
    assert result.codes == [UA], result.errors or result.data
    assert result.data is None


@pytest.mark.parametrize("header", [
    pytest.param("Bearer garbage", id="garbage"),
    pytest.param("Bearer a.b.c", id="three-dots-of-nothing"),
    pytest.param(f"Bearer {segment({'alg': 'EdDSA'})}", id="a-header-alone"),
    pytest.param("Bearer", id="empty"),
    pytest.param("Basic cm9vdDpwYXNzd29yZA==", id="another-scheme"),
    pytest.param("Bearer\tx" * 3, id="control-characters"),
])
async def test_garbage_is_refused(anonymous: Client, header: str) -> None:
    result = await anonymous(ME, authorization=header)
    assert result.codes == [UA]


async def test_a_forged_platform_token_cannot_create_a_company(anonymous: Client, root: Person, keys: Keys) -> None:
    forged = sign(as_root(root.client.token or ""), keys.attacker, kid=keys.kid)
    name = f"Forged {keys.kid[:6]}"
    created = await anonymous.as_(forged)(
        "mutation($i: CreateCompanyInput!) { createCompany(input: $i) { company { id } } }",
        {"i": {"name": name, "taxId": "FORGED-001", "email": "forged@evil.test",
               "admin": {"email": "boss@evil.test", "firstName": "Mal", "lastName": "Lory", "password": PASSWORD}}})
    assert created.codes == [UA]
    found = (await root.client("query($s: String) { companies(filter: {search: $s}) { totalCount } }",
                               {"s": name})).ok()
    assert found["companies"]["totalCount"] == 0


async def test_a_refresh_token_is_not_an_access_token(anonymous: Client, factory: Factory, tenant: Tenant) -> None:
    agent = await factory.person(tenant, "agent")
    assert (await anonymous.as_(agent.refresh_token)(ME)).codes == [UA]


async def test_an_expired_token_is_refused(anonymous: Client, factory: Factory, tenant: Tenant,
                                           travel: Callable[[timedelta], None]) -> None:
    agent = await factory.person(tenant, "agent")
    travel(timedelta(minutes=14))
    assert (await agent.client(ME)).ok()["me"]["id"] == agent.id  # still within its 15 minutes
    travel(timedelta(minutes=1, seconds=10))
    result = await agent.client(ME)
    assert result.codes == [UA]
    assert result.errors[0]["extensions"]["reason"] == "TOKEN_EXPIRED"


async def test_a_token_of_a_logged_out_session_is_refused(anonymous: Client, factory: Factory, tenant: Tenant) -> None:
    agent = await factory.person(tenant, "agent")
    other_device = await sign_in(anonymous, email=agent.email, password=PASSWORD, access_code=tenant.access_code)
    (await agent.client("mutation { logout }")).ok()
    assert (await agent.client(ME)).codes == [UA]
    assert (await other_device.client(ME)).ok()["me"]["id"] == agent.id  # only that session ended
    (await other_device.client("mutation { logout(everywhere: true) }")).ok()
    assert (await other_device.client(ME)).codes == [UA]


async def test_a_token_of_a_session_closed_by_refresh_token_reuse_is_refused(anonymous: Client, factory: Factory,
                                                                             tenant: Tenant) -> None:
    agent = await factory.person(tenant, "agent")
    refresh = "mutation($t: String!) { refreshToken(refreshToken: $t) { accessToken } }"
    renewed = (await anonymous(refresh, {"t": agent.refresh_token})).ok()["refreshToken"]["accessToken"]
    assert (await anonymous(refresh, {"t": agent.refresh_token})).codes == [UA]  # replayed: the family is revoked
    assert (await anonymous.as_(renewed)(ME)).codes == [UA]
    assert (await agent.client(ME)).codes == [UA]


async def test_a_token_of_a_deactivated_or_deleted_user_is_refused(factory: Factory, tenant: Tenant) -> None:
    deactivated, deleted = await factory.person(tenant, "agent"), await factory.person(tenant, "customer")
    (await tenant.admin.client("mutation($id: ID!) { deactivateUser(id: $id) { id } }", {"id": deactivated.id})).ok()
    (await tenant.admin.client("mutation($id: ID!) { deleteUser(id: $id) }", {"id": deleted.id})).ok()
    assert (await deactivated.client(ME)).codes == [UA]
    assert (await deleted.client(ME)).codes == [UA]
    # Reactivation lets the person sign in again; it does not revive the old token.
    (await tenant.admin.client("mutation($id: ID!) { reactivateUser(id: $id) { id } }", {"id": deactivated.id})).ok()
    assert (await deactivated.client(ME)).codes == [UA]


async def test_a_token_of_a_suspended_or_deleted_company_is_refused(root: Person, factory: Factory) -> None:
    suspended, deleted = await factory.tenant(), await factory.tenant()
    agent = await factory.person(suspended, "agent")
    (await root.client("mutation($c: ID!) { suspendCompany(companyId: $c, reason: \"unpaid\") { id } }",
                       {"c": suspended.id})).ok()
    (await root.client("mutation($c: ID!) { deleteCompany(companyId: $c) }", {"c": deleted.id})).ok()
    assert (await suspended.admin.client(ME)).codes == [UA]
    assert (await agent.client(ME)).codes == [UA]
    assert (await deleted.admin.client(ME)).codes == [UA]
    (await root.client("mutation($c: ID!) { reactivateCompany(companyId: $c) { id } }", {"c": suspended.id})).ok()
    assert (await agent.client(ME)).codes == [UA]


async def test_a_token_of_a_session_closed_by_a_password_change_is_refused(anonymous: Client, factory: Factory,
                                                                           tenant: Tenant) -> None:
    agent = await factory.person(tenant, "agent")
    laptop = await sign_in(anonymous, email=agent.email, password=PASSWORD, access_code=tenant.access_code)
    (await agent.client("mutation($p: String!) { changePassword(input: {currentPassword: $p,"
                        " newPassword: \"Another-Passw0rd-2026\"}) }", {"p": PASSWORD})).ok()
    assert (await laptop.client(ME)).codes == [UA]
    assert (await agent.client(ME)).ok()["me"]["id"] == agent.id


async def test_the_jwks_holds_only_public_ed25519_keys(users_service: RunningService, http: httpx.AsyncClient,
                                                       person: Person) -> None:
    response = await http.get(f"{users_service.url}/.well-known/jwks.json")
    assert response.status_code == 200
    keys = response.json()["keys"]
    assert keys
    for key in keys:
        assert set(key) <= {"kty", "crv", "x", "kid", "alg", "use"}, key  # no "d", nor anything else private
        assert (key["kty"], key["crv"], key["alg"], key["use"]) == ("OKP", "Ed25519", "EdDSA", "sig")
    assert "PRIVATE" not in response.text
    # The published key is the one that verifies the tokens the service hands out.
    token = person.client.token or ""
    published = {key["kid"]: key for key in keys}[jwt.get_unverified_header(token)["kid"]]
    claims = jwt.decode(token, jwt.PyJWK(published).key, algorithms=["EdDSA"], audience="aurontek",
                        issuer="aurontek-users")
    assert claims["sub"] == person.id
