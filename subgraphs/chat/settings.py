"""Settings of the chat service on top of the kernel's."""

from __future__ import annotations

from pydantic import Field

from subgraphs.kernel.settings import ServiceSettings, _env


class ChatSettings(ServiceSettings):
    max_message_length: int = Field(4000, ge=1, le=100_000, validation_alias=_env("CHAT_MAX_MESSAGE_LENGTH"))
    edit_window_minutes: int = Field(15, ge=0, le=1440, validation_alias=_env("CHAT_EDIT_WINDOW_MINUTES"))
    # Per person, across tickets and instances: at most this many messages in any such window.
    rate_limit_messages: int = Field(30, ge=1, validation_alias=_env("CHAT_RATE_LIMIT_MESSAGES"))
    rate_limit_window_seconds: int = Field(10, ge=1, le=3600, validation_alias=_env("CHAT_RATE_LIMIT_WINDOW_SECONDS"))
    # Base64 makes a file a third bigger: the default stays within the 4 MiB request body limit.
    max_file_bytes: int = Field(2 * 1024 * 1024, ge=1024, validation_alias=_env("CHAT_MAX_FILE_BYTES"))
    # Live events a subscription may leave unread before it is ended (the client refetches).
    live_backlog: int = Field(256, ge=1, validation_alias=_env("CHAT_LIVE_BACKLOG"))
