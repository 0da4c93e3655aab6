"""Settings of the tickets service on top of the kernel's."""

from __future__ import annotations

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, field_validator

from subgraphs.kernel.settings import ServiceSettings, _env


class TicketsSettings(ServiceSettings):
    reopen_window_days: int = Field(7, ge=0, le=90, validation_alias=_env("TICKET_REOPEN_WINDOW_DAYS"))
    comment_edit_window_minutes: int = Field(15, ge=0, le=1440, validation_alias=_env("COMMENT_EDIT_WINDOW_MINUTES"))
    rating_change_window_days: int = Field(7, ge=0, le=90, validation_alias=_env("RATING_CHANGE_WINDOW_DAYS"))
    # How long before a deadline the SLA warning goes out (wall-clock minutes).
    sla_warning_lead_minutes: int = Field(60, ge=1, le=7 * 1440, validation_alias=_env("SLA_WARNING_LEAD_MINUTES"))
    sla_scan_interval_seconds: float = Field(30.0, ge=0.05, le=3600, validation_alias=_env("SLA_SCAN_INTERVAL_SECONDS"))
    max_attachment_bytes: int = Field(2 * 1024 * 1024, ge=1024, validation_alias=_env("MAX_ATTACHMENT_BYTES"))
    max_attachments_per_ticket: int = Field(20, ge=1, le=200, validation_alias=_env("MAX_ATTACHMENTS_PER_TICKET"))
    # Business hours of a company that has not set its own calendar are counted in this zone.
    default_timezone: str = Field("UTC", validation_alias=_env("DEFAULT_TIMEZONE"))
    seed_catalogue: bool = Field(True, validation_alias=_env("SEED_CATALOGUE"))

    @field_validator("default_timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"{value!r} is not an IANA time zone (e.g. Europe/Madrid)") from None
        return value
