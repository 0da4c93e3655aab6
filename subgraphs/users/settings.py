"""Settings of the users service on top of the kernel's."""

from __future__ import annotations

from pydantic import Field

from subgraphs.kernel.settings import ServiceSettings, _env


class UsersSettings(ServiceSettings):
    access_token_ttl: int = Field(900, ge=60, le=3600, validation_alias=_env("ACCESS_TOKEN_TTL_SECONDS"))
    refresh_token_ttl: int = Field(14 * 86400, ge=3600, validation_alias=_env("REFRESH_TOKEN_TTL_SECONDS"))
    session_max_age: int = Field(90 * 86400, ge=3600, validation_alias=_env("SESSION_MAX_AGE_SECONDS"))
    login_max_failures: int = Field(5, ge=1, validation_alias=_env("LOGIN_MAX_FAILURES"))
    login_failure_window: int = Field(900, ge=60, validation_alias=_env("LOGIN_FAILURE_WINDOW_SECONDS"))
    password_reset_ttl: int = Field(3600, ge=300, le=86400, validation_alias=_env("PASSWORD_RESET_TTL_SECONDS"))
    welcome_link_ttl: int = Field(72 * 3600, ge=3600, validation_alias=_env("WELCOME_LINK_TTL_SECONDS"))
    # argon2id cost; the defaults follow RFC 9106's second recommended option (64 MiB, t=3).
    password_hash_memory_kib: int = Field(65536, ge=1024, validation_alias=_env("PASSWORD_HASH_MEMORY_KIB"))
    password_hash_time_cost: int = Field(3, ge=1, validation_alias=_env("PASSWORD_HASH_TIME_COST"))
    signing_key_max_age_days: int = Field(30, ge=1, validation_alias=_env("SIGNING_KEY_MAX_AGE_DAYS"))
    admin_email: str = Field("admin@aurontek.local", validation_alias=_env("AURONTEK_ADMIN_EMAIL"))
    admin_password: str | None = Field(None, validation_alias=_env("AURONTEK_ADMIN_PASSWORD"))
    max_photo_bytes: int = Field(2 * 1024 * 1024, ge=1024, validation_alias=_env("MAX_PHOTO_BYTES"))
