"""How a process finds and judges tokens: one set of variables (`AUTH_*`) for the gateway and every subgraph.

The gateway's former names (`GATEWAY_JWKS_URL`, `GATEWAY_TOKEN_ISSUER`, ...) are still read, for one release;
`deprecated_names` lists the ones a deployment still sets so the gateway can say so at start."""

from __future__ import annotations

from collections.abc import Mapping

from pydantic import AliasChoices, Field, field_validator
from pydantic_settings import BaseSettings

# current name -> the gateway's former one
FORMER_NAMES = {
    "AUTH_JWKS_URL": "GATEWAY_JWKS_URL",
    "AUTH_ISSUER": "GATEWAY_TOKEN_ISSUER",
    "AUTH_AUDIENCE": "GATEWAY_TOKEN_AUDIENCE",
    "AUTH_LEEWAY_SECONDS": "GATEWAY_TOKEN_LEEWAY",
    "AUTH_JWKS_TTL_SECONDS": "GATEWAY_JWKS_TTL",
    "AUTH_JWKS_MIN_REFRESH_SECONDS": "GATEWAY_JWKS_MIN_REFRESH",
}


def _names(name: str) -> AliasChoices:
    return AliasChoices(name, FORMER_NAMES[name])


class IdentitySettings(BaseSettings):
    """The identity settings a verifying process shares; mixed into the gateway's and the services' settings."""

    auth_jwks_url: str = Field(default="http://127.0.0.1:3001/.well-known/jwks.json",
                               validation_alias=_names("AUTH_JWKS_URL"))
    auth_issuer: str = Field(default="aurontek-users", min_length=1, validation_alias=_names("AUTH_ISSUER"))
    auth_audience: str = Field(default="aurontek", min_length=1, validation_alias=_names("AUTH_AUDIENCE"))
    # seconds of clock skew allowed on exp, iat and nbf
    auth_leeway: float = Field(default=5.0, ge=0, le=300, validation_alias=_names("AUTH_LEEWAY_SECONDS"))
    # seconds a fetched key set is trusted; an unknown kid refetches it, at most every min_refresh seconds
    auth_jwks_ttl: float = Field(default=300.0, gt=0, le=86_400, validation_alias=_names("AUTH_JWKS_TTL_SECONDS"))
    auth_jwks_min_refresh: float = Field(default=5.0, ge=0, le=3600,
                                         validation_alias=_names("AUTH_JWKS_MIN_REFRESH_SECONDS"))

    @field_validator("auth_jwks_url")
    @classmethod
    def _check_jwks_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("must be an http:// or https:// URL")
        return value


def deprecated_names(environ: Mapping[str, str]) -> list[str]:
    """The former variable names `environ` still sets, each with the name to use instead."""
    return [f"{old} (use {new})" for new, old in FORMER_NAMES.items() if old in environ]
