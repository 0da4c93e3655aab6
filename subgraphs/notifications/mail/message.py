"""Builds the MIME message of one delivery: plain text with an HTML alternative."""

from __future__ import annotations

from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from typing import Any


def build(delivery: dict[str, Any], *, sender: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = delivery["to"]
    message["Subject"] = delivery["subject"]
    message["Date"] = format_datetime(delivery["createdAt"])
    # Stable per delivery: a resend after a crash is recognisably the same message.
    message["Message-ID"] = make_msgid(idstring=delivery["_id"], domain=_domain(sender))
    message["X-Aurontek-Notice"] = delivery["kind"]
    if not delivery.get("mandatory"):
        message["Auto-Submitted"] = "auto-generated"
    message.set_content(delivery["text"])
    message.add_alternative(delivery["html"], subtype="html")
    message["Content-Language"] = delivery["language"]  # after the body: set_content drops Content-* headers
    return message


def _domain(sender: str) -> str:
    address = sender.rsplit("<", 1)[-1].rstrip(">")
    return address.rpartition("@")[2] or "aurontek.local"
