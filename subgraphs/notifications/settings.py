"""Settings of the notifications service on top of the kernel's."""

from __future__ import annotations

from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from pydantic import Field, field_validator, model_validator

from subgraphs.kernel.settings import PLACEHOLDER_SECRETS, ServiceSettings, _env

SMTP_SCHEMES = ("smtp", "smtp+starttls", "smtps")


class NotificationsSettings(ServiceSettings):
    # smtp:// upgrades with STARTTLS when offered, smtp+starttls:// requires it, smtps:// is TLS from the start.
    smtp_url: str | None = Field(None, validation_alias=_env("SMTP_URL"))
    smtp_tls_ca_file: Path | None = Field(None, validation_alias=_env("SMTP_TLS_CA_FILE"))
    smtp_timeout: float = Field(30.0, gt=0, le=300, validation_alias=_env("SMTP_TIMEOUT_SECONDS"))
    mail_from: str = Field("AURONTEK <no-reply@aurontek.local>", validation_alias=_env("MAIL_FROM"))
    # Where mail goes as .eml files when SMTP_URL is unset; default: <data dir>/mail.
    mail_outbox_dir: Path | None = Field(None, validation_alias=_env("MAIL_OUTBOX_DIR"))
    mail_max_attempts: int = Field(10, ge=1, le=50, validation_alias=_env("MAIL_MAX_ATTEMPTS"))
    mail_retry_delay_ms: int = Field(30_000, ge=10, validation_alias=_env("MAIL_RETRY_DELAY_MS"))
    mail_poll_interval_ms: int = Field(1000, ge=10, le=60_000, validation_alias=_env("MAIL_POLL_INTERVAL_MS"))
    # Sends at once per instance. Each waits on the database and the mail server most of its time: two fell a minute
    # and a half behind the workload benchmark's 30 mails a second (benchmarks/workload/RESULTS.md).
    mail_senders: int = Field(8, ge=1, le=64, validation_alias=_env("MAIL_SENDERS"))
    # Events of the notify queue in hand at once per instance (EVENT_CONCURRENCY for the other consumers). Each waits
    # on a few database round trips in turn: at 8 the consumer fell 11-12 s behind the workload benchmark's 200 people,
    # at 32 it kept within half a second (benchmarks/workload/RESULTS.md, fourteenth session).
    notify_concurrency: int = Field(32, ge=1, le=64, validation_alias=_env("NOTIFY_EVENT_CONCURRENCY"))
    # Language of mail to addresses that are nobody's account (a company's contacts).
    default_language: Literal["es", "en"] = Field("es", validation_alias=_env("DEFAULT_LANGUAGE"))
    # How long a chat message may stay unread before its participants hear about it (one notice per batch).
    chat_unread_delay_seconds: float = Field(600.0, ge=0, le=86_400, validation_alias=_env("CHAT_UNREAD_DELAY_SECONDS"))

    @field_validator("smtp_url")
    @classmethod
    def _check_smtp_url(cls, value: str | None) -> str | None:
        if not value:
            return None
        parts = urlsplit(value)
        if parts.scheme not in SMTP_SCHEMES or not parts.hostname:
            raise ValueError("must look like smtp://[user:password@]host[:port] (or smtp+starttls://, smtps://)")
        return value

    @model_validator(mode="after")
    def _refuse_placeholder_smtp_password(self) -> NotificationsSettings:
        password = urlsplit(self.smtp_url).password if self.smtp_url else None
        if self.environment == "production" and password and password.lower() in PLACEHOLDER_SECRETS:
            raise ValueError("SMTP_URL carries a placeholder password; set a real one in production")
        return self

    @property
    def outbox_dir(self) -> Path:
        return self.mail_outbox_dir or self.data_dir / "mail"
