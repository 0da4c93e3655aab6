"""Attachments: files (or base64 text), checked by content (never by the declared type), size-limited, stored."""

from __future__ import annotations

import base64
import binascii
import hashlib
from dataclasses import dataclass, field
from typing import Any

from subgraphs.kernel import clock
from subgraphs.kernel.files.content import FileRefused, content_type_of
from subgraphs.kernel.ids import new_id
from subgraphs.kernel.storage import Storage
from subgraphs.kernel.validation import Problems

ALLOWED_TYPES = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp", "application/pdf",
                           "application/zip", "text/plain"})


@dataclass(frozen=True)
class Upload:
    """An attachment as sent: its bytes (a file of a multipart request), or base64 text (deprecated)."""

    name: str
    content_base64: str | None
    data: bytes | None = field(default=None, repr=False)  # its digest stands for it (an idempotency key's input)
    digest: str = ""

    @classmethod
    def of_file(cls, name: str, data: bytes) -> Upload:
        return cls(name, None, data, hashlib.sha256(data).hexdigest())


@dataclass(frozen=True)
class Checked:
    name: str
    data: bytes
    content_type: str


def _name(raw: str) -> str:
    base = raw.replace("\\", "/").rsplit("/", 1)[-1]
    return " ".join(base.split())[:120]


def _check(upload: Upload, *, max_bytes: int, problems: Problems) -> Checked | None:
    name = _name(upload.name)
    if not name:
        problems.add("every attachment needs a file name", "attachments.name")
        return None
    where = "attachments.file" if upload.data is not None else "attachments.contentBase64"
    if upload.data is not None:
        data = upload.data
    elif upload.content_base64 is None:
        problems.add(f"{name} needs its file", "attachments.file")
        return None
    else:
        try:
            data = base64.b64decode(upload.content_base64, validate=True)
        except (binascii.Error, ValueError):
            problems.add(f"{name} is not valid base64", where)
            return None
    if not data or len(data) > max_bytes:
        problems.add(f"{name} must hold between 1 byte and {max_bytes // 1024} KiB", where)
        return None
    try:
        content_type = content_type_of(data, name=name)
    except FileRefused as refused:
        problems.add(refused.message, where, reason=refused.reason)
        return None
    if content_type not in ALLOWED_TYPES:
        problems.add(f"{name} is not an image, PDF, ZIP or plain-text file", where)
        return None
    return Checked(name, data, content_type)


def check_uploads(uploads: list[Upload], *, max_bytes: int, room: int, problems: Problems) -> list[Checked]:
    """The uploads that pass, in order; `room` is how many more the ticket may hold."""
    if len(uploads) > room:
        problems.add(f"a ticket holds at most {room} more attachments", "attachments")
        return []
    checked = [_check(upload, max_bytes=max_bytes, problems=problems) for upload in uploads]
    return [c for c in checked if c is not None]


async def save(storage: Storage, files: list[Checked], *, company_id: str, actor_id: str) -> list[dict[str, Any]]:
    """Store the files (under random keys) as attachment rows; links to them are minted when they are read."""
    rows = []
    for file in files:
        stored = await storage.save(folder=f"tickets/{company_id}", data=file.data, content_type=file.content_type)
        rows.append({"id": new_id(), "name": file.name, "key": stored.key,
                     "contentType": stored.content_type, "size": stored.size, "uploadedBy": actor_id,
                     "uploadedAt": clock.now()})
    return rows
