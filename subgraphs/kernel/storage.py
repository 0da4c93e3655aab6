"""File storage behind one adapter: Cloudinary when CLOUDINARY_URL is set, local disk otherwise."""

from __future__ import annotations

import asyncio
import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

# Magic numbers of the types we accept, checked against the bytes, never the declared type.
_SIGNATURES: tuple[tuple[bytes, int, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", 0, "image/png"),
    (b"\xff\xd8\xff", 0, "image/jpeg"),
    (b"GIF87a", 0, "image/gif"),
    (b"GIF89a", 0, "image/gif"),
    (b"%PDF-", 0, "application/pdf"),
    (b"PK\x03\x04", 0, "application/zip"),
)
EXTENSIONS = {
    "image/png": "png", "image/jpeg": "jpg", "image/gif": "gif", "image/webp": "webp",
    "application/pdf": "pdf", "application/zip": "zip", "text/plain": "txt",
}


def sniff_content_type(data: bytes) -> str | None:
    """The content type the bytes really have, or None when we do not recognise them."""
    for magic, offset, content_type in _SIGNATURES:
        if data[offset : offset + len(magic)] == magic:
            return content_type
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    try:
        text = data[:4096].decode("utf-8")
    except UnicodeDecodeError:
        return None
    return "text/plain" if "\x00" not in text else None


@dataclass(frozen=True)
class StoredFile:
    url: str
    key: str
    content_type: str
    size: int


class Storage(Protocol):
    async def save(self, *, folder: str, data: bytes, content_type: str) -> StoredFile: ...


class LocalStorage:
    """Files under `root`, served by the service at `{base_url}/files/...`; names are content hashes."""

    def __init__(self, root: Path, base_url: str) -> None:
        self.root = root
        self.base_url = base_url.rstrip("/")

    async def save(self, *, folder: str, data: bytes, content_type: str) -> StoredFile:
        digest = hashlib.sha256(data).hexdigest()
        key = f"{folder}/{digest}.{EXTENSIONS.get(content_type, 'bin')}"
        path = self.root / key
        await asyncio.to_thread(_write, path, data)
        return StoredFile(url=f"{self.base_url}/files/{key}", key=key, content_type=content_type, size=len(data))

    def path_of(self, key: str) -> Path | None:
        path = (self.root / key).resolve()
        return path if path.is_relative_to(self.root.resolve()) and path.is_file() else None


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".part")
    tmp.write_bytes(data)
    tmp.replace(path)


class CloudinaryStorage:
    """Cloudinary uploads (configured from CLOUDINARY_URL); the SDK is blocking, so off the loop."""

    def __init__(self, url: str) -> None:
        import cloudinary

        cloudinary.config(cloudinary_url=url, secure=True)

    async def save(self, *, folder: str, data: bytes, content_type: str) -> StoredFile:
        import cloudinary.uploader

        resource_type = "image" if content_type.startswith("image/") else "raw"
        result = await asyncio.to_thread(
            cloudinary.uploader.upload, data, folder=f"aurontek/{folder}", resource_type=resource_type
        )
        return StoredFile(url=result["secure_url"], key=result["public_id"], content_type=content_type, size=len(data))
