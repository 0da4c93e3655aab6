"""Files in chat: decoded, checked by their bytes (never the declared type), size-limited, then stored."""

from __future__ import annotations

import base64
import binascii
from typing import Any

from subgraphs.chat.messages.documents import MessageKind
from subgraphs.kernel.errors import BadUserInput
from subgraphs.kernel.files.content import UNSUPPORTED, FileRefused, content_type_of
from subgraphs.kernel.storage import Storage

MAX_NAME = 200


def received(data: bytes, *, max_bytes: int) -> bytes:
    """A file sent as a file: not empty, not too large."""
    if not data:
        raise BadUserInput("the file is empty", field="file")
    if len(data) > max_bytes:
        raise BadUserInput(f"a file may be at most {max_bytes} bytes", field="file")
    return data


def decode(content_base64: str | None, *, max_bytes: int) -> bytes:
    if content_base64 is None:
        raise BadUserInput("send the file in `file` (or its bytes in contentBase64)", field="file")
    # Base64 is 4/3 of the bytes: refuse an oversized upload before decoding it.
    if len(content_base64) > (max_bytes + 2) // 3 * 4 + 4:
        raise BadUserInput(f"a file may be at most {max_bytes} bytes", field="contentBase64")
    try:
        data = base64.b64decode(content_base64, validate=True)
    except (binascii.Error, ValueError):
        raise BadUserInput("contentBase64 is not valid base64", field="contentBase64") from None
    if not data:
        raise BadUserInput("the file is empty", field="contentBase64")
    if len(data) > max_bytes:
        raise BadUserInput(f"a file may be at most {max_bytes} bytes", field="contentBase64")
    return data


def file_name(name: str) -> str:
    """The name as shown: no folders, no control characters, not empty, not too long."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    cleaned = "".join(ch for ch in base if ch.isprintable()).strip()
    if not cleaned or cleaned in (".", ".."):
        raise BadUserInput("the file needs a name", field="name")
    if len(cleaned) > MAX_NAME:
        raise BadUserInput(f"a file name may be at most {MAX_NAME} characters", field="name")
    return cleaned


def kind_of(data: bytes) -> tuple[MessageKind, str]:
    """The message kind and content type of the whole file (`extensions.reason` says why one is refused)."""
    try:
        content_type = content_type_of(data)
    except FileRefused as refused:
        if refused.reason != UNSUPPORTED:
            raise
        raise FileRefused("only images (PNG, JPEG, GIF, WebP), PDF, ZIP and plain text can be sent",
                          reason=refused.reason) from None
    return (MessageKind.IMAGE if content_type.startswith("image/") else MessageKind.FILE), content_type


async def store_file(storage: Storage, *, company_id: str, ticket_id: str, name: str, data: bytes,
                     content_type: str) -> dict[str, Any]:
    saved = await storage.save(folder=f"chat/{company_id}/{ticket_id}", data=data, content_type=content_type)
    return {"key": saved.key, "name": name, "contentType": saved.content_type, "size": saved.size}
