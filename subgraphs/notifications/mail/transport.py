"""Where mail goes: an SMTP server (aiosmtplib; STARTTLS or TLS, auth) or, without one, a directory of .eml files."""

from __future__ import annotations

import asyncio
import os
import ssl
from dataclasses import dataclass
from email.message import Message
from pathlib import Path
from typing import Protocol
from urllib.parse import unquote, urlsplit

import aiosmtplib

# smtp:// upgrades when the server offers STARTTLS, smtp+starttls:// insists on it, smtps:// is TLS from the start.
STARTTLS: dict[str, bool | None] = {"smtp": None, "smtp+starttls": True, "smtps": False}

class Transport(Protocol):
    async def send(self, message: Message, *, key: str) -> None:
        """Hand `message` over; return once it is accepted, raise `MailRefused` or another error otherwise."""


class MailRefused(Exception):
    """The server refused the message for good (a 5xx answer): retrying cannot help."""


@dataclass(frozen=True)
class SmtpTransport:
    url: str
    timeout: float = 30.0
    ca_file: Path | None = None

    async def send(self, message: Message, *, key: str) -> None:
        parts = urlsplit(self.url)
        implicit_tls = parts.scheme == "smtps"
        try:
            await aiosmtplib.send(
                message,
                hostname=parts.hostname,
                port=parts.port or (465 if implicit_tls else 25),
                username=unquote(parts.username) if parts.username else None,
                password=unquote(parts.password) if parts.password else None,
                use_tls=implicit_tls,
                start_tls=STARTTLS[parts.scheme],
                tls_context=self._tls_context(),
                timeout=self.timeout,
            )
        except aiosmtplib.SMTPRecipientsRefused as exc:
            codes = [refusal.code for refusal in exc.recipients]
            if codes and all(_permanent(code) for code in codes):
                raise MailRefused("; ".join(f"{r.code} {r.message}" for r in exc.recipients)) from exc
            raise
        except (aiosmtplib.SMTPRecipientRefused, aiosmtplib.SMTPSenderRefused, aiosmtplib.SMTPDataError) as exc:
            if _permanent(exc.code):
                raise MailRefused(f"{exc.code} {exc.message}") from exc
            raise

    def _tls_context(self) -> ssl.SSLContext:
        return ssl.create_default_context(cafile=str(self.ca_file) if self.ca_file else None)


def _permanent(code: int) -> bool:
    """A 5xx answer to the envelope or the data is final; 4xx and everything else may pass on a retry."""
    return 500 <= code < 600


@dataclass(frozen=True)
class DirectoryTransport:
    """Development mail: each message becomes `<directory>/<key>.eml`; writing it again replaces it."""

    directory: Path

    async def send(self, message: Message, *, key: str) -> None:
        await asyncio.to_thread(self._write, message, key)

    def _write(self, message: Message, key: str) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        final = self.directory / f"{key}.eml"
        partial = final.with_suffix(".eml.part")
        partial.write_bytes(message.as_bytes())
        os.replace(partial, final)  # atomic: a reader never sees half a message
