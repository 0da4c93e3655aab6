"""File storage behind one adapter: Cloudinary when CLOUDINARY_URL is set, local disk otherwise.

Keys are random (never the content's hash, which anyone holding the bytes could derive), and a file
is read only through a short-lived link minted for a caller allowed to see it (`link`).
"""

from __future__ import annotations

import asyncio
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol
from urllib.parse import parse_qs, unquote, urlsplit

from subgraphs.kernel import clock
from subgraphs.kernel.files.content import EXTENSIONS
from subgraphs.kernel.files.links import FileLinks


@dataclass(frozen=True)
class StoredFile:
    key: str
    content_type: str
    size: int


class Storage(Protocol):
    async def save(self, *, folder: str, data: bytes, content_type: str) -> StoredFile: ...

    def link(self, key: str, content_type: str) -> str:
        """A short-lived URL that reads the file; hand it only to a caller allowed to see it."""
        ...


def new_key(folder: str, content_type: str) -> str:
    return f"{folder}/{secrets.token_urlsafe(24)}.{EXTENSIONS.get(content_type, 'bin')}"


class LocalStorage:
    """Files under `root`, served by the service at `/files/{key}` to holders of a signed link."""

    def __init__(self, root: Path, links: FileLinks) -> None:
        self.root = root
        self.links = links

    async def save(self, *, folder: str, data: bytes, content_type: str) -> StoredFile:
        key = new_key(folder, content_type)
        await asyncio.to_thread(_write, self.root / key, data)
        return StoredFile(key=key, content_type=content_type, size=len(data))

    def link(self, key: str, content_type: str) -> str:
        return self.links.url(key)

    def path_of(self, key: str) -> Path | None:
        path = (self.root / key).resolve()
        return path if path.is_relative_to(self.root.resolve()) and path.is_file() else None


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".part")
    tmp.write_bytes(data)
    tmp.replace(path)


class CloudinaryStorage:
    """Cloudinary uploads (configured from CLOUDINARY_URL) of the `authenticated` type, which Cloudinary
    delivers to nobody without a signature; links are its signed, expiring download URLs. The SDK is
    blocking, so it runs off the loop."""

    TYPE = "authenticated"

    def __init__(self, url: str, *, ttl_seconds: int) -> None:
        self.account = cloudinary_account(url)
        self.ttl_seconds = ttl_seconds

    async def save(self, *, folder: str, data: bytes, content_type: str) -> StoredFile:
        import cloudinary.uploader

        image = content_type.startswith("image/")
        key = new_key(f"aurontek/{folder}", content_type)
        public_id = key.rsplit(".", 1)[0] if image else key  # raw files keep their extension in the id
        result = await asyncio.to_thread(
            cloudinary.uploader.upload, data, public_id=public_id, resource_type=_resource_type(content_type),
            type=self.TYPE, overwrite=False, **self.account,
        )
        return StoredFile(key=result["public_id"], content_type=content_type, size=len(data))

    def link(self, key: str, content_type: str) -> str:
        import cloudinary.utils

        image = content_type.startswith("image/")
        expires = int(clock.now().timestamp()) + self.ttl_seconds
        return str(cloudinary.utils.private_download_url(
            key, EXTENSIONS.get(content_type, "") if image else "", resource_type=_resource_type(content_type),
            type=self.TYPE, expires_at=expires, **self.account,
        ))


def cloudinary_account(url: str) -> dict[str, str]:
    """`cloudinary://key:secret@cloud?option=value` as the SDK's per-call options (`upload_prefix` among
    them), so nothing rests on the SDK's process-wide configuration."""
    parts = urlsplit(url)
    cloud = parts.netloc.rpartition("@")[2]
    if parts.scheme != "cloudinary" or not (cloud and parts.username and parts.password):
        raise ValueError("CLOUDINARY_URL must look like cloudinary://<api key>:<api secret>@<cloud name>")
    options = {k: v[-1] for k, v in parse_qs(parts.query).items()}
    return {**options, "cloud_name": cloud, "api_key": unquote(parts.username), "api_secret": unquote(parts.password)}


def _resource_type(content_type: str) -> str:
    return "image" if content_type.startswith("image/") else "raw"
