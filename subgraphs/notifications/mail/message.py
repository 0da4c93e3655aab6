"""Builds the MIME message of one delivery: plain text with an HTML alternative."""

from __future__ import annotations

from email.message import EmailMessage
from email.utils import format_datetime
from typing import Any


def build(delivery: dict[str, Any], *, sender: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = delivery["to"]
    message["Subject"] = delivery["subject"]
    message["Date"] = format_datetime(delivery["createdAt"])
    # The delivery's own id, nothing else (make_msgid would add the time and a random number): a resend after a
    # crash mid-send carries the same Message-ID, so mail servers and clients drop the copy.
    message["Message-ID"] = f"<{delivery['_id']}@{_domain(sender)}>"
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
