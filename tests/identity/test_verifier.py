"""The access-token verifier keeps the tokens it has checked: one kept is still refused the moment it expires or its
signing key is withdrawn, and a forged one is never kept."""

from __future__ import annotations

import json
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from identity import AccessTokenVerifier, TokenRejected
from identity.keys import StaticKeys

ISSUER, AUDIENCE = "aurontek-users", "aurontek"


class Clock:
    def __init__(self) -> None:
        self.at = 1_800_000_000.0

    def __call__(self) -> float:
        return self.at


def _signed(key: Ed25519PrivateKey, kid: str, at: float, **claims: Any) -> str:
    body = {"sub": "u-1", "iss": ISSUER, "aud": AUDIENCE, "iat": int(at), "exp": int(at) + 900, "typ": "access",
            **claims}
    return jwt.encode(body, key, algorithm="EdDSA", headers={"kid": kid})


def _jwks(key: Ed25519PrivateKey, kid: str) -> dict[str, Any]:
    public = json.loads(jwt.algorithms.OKPAlgorithm.to_jwk(key.public_key()))
    return {"keys": [{**public, "kid": kid, "use": "sig", "alg": "EdDSA"}]}


async def test_a_verified_token_stays_accepted_until_it_expires_or_its_key_goes() -> None:
    key, clock = Ed25519PrivateKey.generate(), Clock()
    keys = StaticKeys(_jwks(key, "k1"))
    verifier = AccessTokenVerifier(keys, issuer=ISSUER, audience=AUDIENCE, leeway=5, now=clock)
    token = _signed(key, "k1", clock.at, perm=["tickets.read"])
    first = await verifier.verify(token)
    first["sub"] = "someone-else"  # a caller changing its copy changes nothing kept
    first["perm"].append("users.manage.global")
    again = await verifier.verify(token)
    assert again["sub"] == "u-1" and again["perm"] == ["tickets.read"]
    clock.at += 900 + 6
    with pytest.raises(TokenRejected) as expired:
        await verifier.verify(token)
    assert expired.value.reason == "TOKEN_EXPIRED"
    clock.at -= 600
    assert (await verifier.verify(token))["sub"] == "u-1"
    keys.replace({"keys": []})  # the key withdrawn from the key set
    with pytest.raises(TokenRejected, match="unknown key"):
        await verifier.verify(token)


async def test_a_forged_token_is_refused_every_time_not_kept() -> None:
    key, forger, clock = Ed25519PrivateKey.generate(), Ed25519PrivateKey.generate(), Clock()
    verifier = AccessTokenVerifier(StaticKeys(_jwks(key, "k1")), issuer=ISSUER, audience=AUDIENCE, now=clock)
    forged = _signed(forger, "k1", clock.at)
    for _ in range(2):
        with pytest.raises(TokenRejected, match="not valid"):
            await verifier.verify(forged)
    genuine = _signed(key, "k1", clock.at, sub="u-2")
    assert (await verifier.verify(genuine))["sub"] == "u-2"
