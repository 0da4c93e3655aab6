"""Service settings from environment variables, validated at start with messages naming the variable."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal, TypeVar
from urllib.parse import urlsplit

from pydantic import AliasChoices, Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import NoDecode, SettingsConfigDict
from pydantic_settings import SettingsError as SourceError

from identity.settings import IdentitySettings
from subgraphs.kernel.events.lanes import WIDTH

# Passwords that mean "nobody set this": refused outside development.
PLACEHOLDER_SECRETS = frozenset({"changeme", "change-me", "secret", "password", "example", "guest"})

DEFAULT_PORTS = {"gateway": 3000, "users": 3001, "tickets": 3002, "chat": 3003, "notifications": 3004, "ia": 3005}


class SettingsError(SystemExit):
    """Raised at start when an environment variable is missing or invalid; the message names it."""


def _env(*names: str) -> AliasChoices:
    return AliasChoices(*names)


class ServiceSettings(IdentitySettings):
    """Settings every subgraph shares (the `AUTH_*` ones from the identity package). Each default works on a
    laptop; see the README's table."""

    model_config = SettingsConfigDict(extra="ignore", case_sensitive=False, populate_by_name=True)

    environment: Literal["development", "test", "production"] = Field(
        "development", validation_alias=_env("AURONTEK_ENV")
    )
    host: str = Field("127.0.0.1", validation_alias=_env("HOST"))
    mongodb_url: str | None = Field(None, validation_alias=_env("MONGODB_URL"))
    mongodb_database_prefix: str = Field("aurontek_", validation_alias=_env("MONGODB_DATABASE_PREFIX"))
    data_dir: Path = Field(Path(".aurontek"), validation_alias=_env("AURONTEK_DATA_DIR"))
    amqp_url: str | None = Field(None, validation_alias=_env("AMQP_URL"))
    events_exchange: str = Field("aurontek.events", validation_alias=_env("EVENTS_EXCHANGE"))
    # Durable queues as RabbitMQ declares them: classic (the default: one broker gains nothing from replication and
    # a quorum queue costs it more memory and disk writes) or quorum (replicated: a cluster of three or more).
    amqp_queue_type: Literal["classic", "quorum"] = Field("classic", validation_alias=_env("AMQP_QUEUE_TYPE"))
    event_max_attempts: int = Field(5, ge=1, le=50, validation_alias=_env("EVENT_MAX_ATTEMPTS"))
    event_retry_delay_ms: int = Field(2000, ge=10, validation_alias=_env("EVENT_RETRY_DELAY_MS"))
    # Deliveries of one queue handled at once by one process (in order per ticket; company-wide events wait).
    event_concurrency: int = Field(WIDTH, ge=1, le=64, validation_alias=_env("EVENT_CONCURRENCY"))
    # A read model built from another service's events that finds itself empty at start asks the owner to tell
    # its history again (`resync.<source>` events): a service added or wiped later catches up.
    events_resync: bool = Field(True, validation_alias=_env("EVENTS_RESYNC"))
    # how often the gauges read from the database (outbox backlog, mail and IA queues) are refreshed
    metrics_sample_seconds: float = Field(5.0, gt=0, le=300, validation_alias=_env("METRICS_SAMPLE_SECONDS"))
    trusted_proxies: Annotated[list[str], NoDecode] = Field(
        default_factory=lambda: ["127.0.0.1", "::1"], validation_alias=_env("TRUSTED_PROXIES")
    )
    app_url: str = Field("http://localhost:5173", validation_alias=_env("APP_URL"))
    # The origin clients reach the API at (the gateway, or the proxy in front of it): file links point there.
    public_url: str = Field(f"http://127.0.0.1:{DEFAULT_PORTS['gateway']}", validation_alias=_env("PUBLIC_URL"))
    # Signs file links (each service derives its own key from it); unset outside production: a random one per start.
    file_link_secret: SecretStr | None = Field(None, validation_alias=_env("FILE_LINK_SECRET"))
    file_link_ttl_seconds: int = Field(15 * 60, ge=10, le=7 * 24 * 3600, validation_alias=_env("FILE_LINK_TTL_SECONDS"))
    cloudinary_url: str | None = Field(None, validation_alias=_env("CLOUDINARY_URL"))
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = Field("INFO", validation_alias=_env("LOG_LEVEL"))
    log_format: Literal["json", "console"] = Field("json", validation_alias=_env("LOG_FORMAT"))
    max_body_bytes: int = Field(4 * 1024 * 1024, ge=1024, validation_alias=_env("MAX_BODY_BYTES"))
    # a multipart request (files sent as files): the largest file a service takes and the rest of the form
    max_upload_bytes: int = Field(12 * 1024 * 1024, ge=1024, validation_alias=_env("MAX_UPLOAD_BYTES"))

    @field_validator("trusted_proxies", mode="before")
    @classmethod
    def _split_list(cls, value: object) -> object:
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value

    @field_validator("mongodb_url")
    @classmethod
    def _check_mongodb_url(cls, value: str | None) -> str | None:
        if value and not value.startswith(("mongodb://", "mongodb+srv://")):
            raise ValueError("must start with mongodb:// or mongodb+srv://")
        return value or None

    @field_validator("amqp_url")
    @classmethod
    def _check_amqp_url(cls, value: str | None) -> str | None:
        if value and not value.startswith(("amqp://", "amqps://")):
            raise ValueError("must start with amqp:// or amqps://")
        return value or None

    @field_validator("app_url")
    @classmethod
    def _check_http_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("must be an http:// or https:// URL")
        return value.rstrip("/") if value.endswith("/") and value.count("/") > 3 else value

    @field_validator("public_url")
    @classmethod
    def _check_public_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("must be an http:// or https:// URL")
        return value.rstrip("/")

    @model_validator(mode="after")
    def _refuse_placeholders_in_production(self) -> ServiceSettings:
        if self.environment != "production":
            return self
        for name, url in (("MONGODB_URL", self.mongodb_url), ("AMQP_URL", self.amqp_url)):
            password = urlsplit(url).password if url else None
            if password and password.lower() in PLACEHOLDER_SECRETS:
                raise ValueError(f"{name} carries a placeholder password; set a real one in production")
        if self.mongodb_url is None:
            raise ValueError("MONGODB_URL is required in production (the embedded database is for development)")
        secret = self.file_link_secret.get_secret_value() if self.file_link_secret else ""
        if len(secret) < 32 or secret.startswith("set-"):
            raise ValueError("FILE_LINK_SECRET must be set to a random value of at least 32 characters in production")
        return self

    def database_name(self, service: str) -> str:
        return f"{self.mongodb_database_prefix}{service}"


S = TypeVar("S", bound=ServiceSettings)


def load_settings(cls: type[S], **overrides: object) -> S:
    """Build settings from the environment; a bad variable stops the service with a clear message."""
    try:
        return cls(**overrides)  # type: ignore[arg-type]
    except SourceError as exc:
        raise SettingsError(f"invalid configuration: {exc}") from None
    except ValidationError as exc:
        lines = []
        for error in exc.errors():
            variable = _variable_name(cls, error["loc"])
            lines.append(f"  {variable}: {error['msg']}")
        raise SettingsError("invalid configuration:\n" + "\n".join(lines)) from None


def _variable_name(cls: type[ServiceSettings], loc: tuple[object, ...]) -> str:
    if not loc:
        return "(settings)"
    field = cls.model_fields.get(str(loc[0]))
    alias = getattr(field, "validation_alias", None) if field else None
    if isinstance(alias, AliasChoices):
        return str(alias.choices[0])
    return str(loc[0]).upper()
