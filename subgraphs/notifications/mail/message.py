"""Builds the MIME message of one delivery: plain text with an HTML alternative.

Built with the email package's classic classes, which take headers as given, instead of `EmailMessage`, whose
header parsing and folding cost 2.1 ms a mail against 0.9 ms (every notification sends one; the mail sender shares
its process with the API). Names and subjects outside ASCII are encoded here (RFC 2047), as `EmailMessage` did.
"""

from __future__ import annotations

from email.header import Header
from email.message import Message
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.utils import format_datetime, formataddr, parseaddr
from typing import Any


def build(delivery: dict[str, Any], *, sender: str) -> Message:
    written = {"From": sender, "To": delivery["to"], "Subject": delivery["subject"], "X-Aurontek-Notice":
               delivery["kind"], "Content-Language": delivery["language"], "Message-ID": delivery["_id"]}
    for name, value in written.items():
        if "\r" in value or "\n" in value:  # the classic classes would write it as it is, a header of its own too
            raise ValueError(f"the {name} header may not hold a line break")
    message = MIMEMultipart("alternative")
    message["From"] = _address(sender)
    message["To"] = _address(delivery["to"])
    message["Subject"] = _text(delivery["subject"])
    message["Date"] = format_datetime(delivery["createdAt"])
    # The delivery's own id, nothing else (make_msgid would add the time and a random number): a resend after a
    # crash mid-send carries the same Message-ID, so mail servers and clients drop the copy.
    message["Message-ID"] = f"<{delivery['_id']}@{_domain(sender)}>"
    message["X-Aurontek-Notice"] = delivery["kind"]
    if not delivery.get("mandatory"):
        message["Auto-Submitted"] = "auto-generated"
    message["Content-Language"] = delivery["language"]
    message.attach(_part(delivery["text"], "plain"))
    message.attach(_part(delivery["html"], "html"))
    return message


def _part(body: str, subtype: str) -> MIMEText:
    # a body ends with a line break, as EmailMessage.set_content ends it
    return MIMEText(body if body.endswith("\n") else body + "\n", subtype, "utf-8")


def _text(value: str) -> Any:  # str or Header: the classic classes take both, their stubs only str
    return value if value.isascii() else Header(value, "utf-8")  # folded as it is written, after the header's name


def _address(value: str) -> str:
    name, address = parseaddr(value)
    return formataddr((name, address), charset="utf-8") if name else address or value


def _domain(sender: str) -> str:
    address = sender.rsplit("<", 1)[-1].rstrip(">")
    return address.rpartition("@")[2] or "aurontek.local"
