"""Who is calling: access-token verification and the users service's key set, shared by the gateway and every
subgraph so both judge a token by one rule. It imports neither side."""

from identity.keys import JwksKeys, KeySource, KeysUnavailable, StaticKeys, parse_jwks
from identity.tokens import ALGORITHM, MAX_TOKEN_BYTES, AccessTokenVerifier, NotAnAccessToken, TokenRejected

__all__ = [
    "ALGORITHM",
    "MAX_TOKEN_BYTES",
    "AccessTokenVerifier",
    "JwksKeys",
    "KeySource",
    "KeysUnavailable",
    "NotAnAccessToken",
    "StaticKeys",
    "TokenRejected",
    "parse_jwks",
]
