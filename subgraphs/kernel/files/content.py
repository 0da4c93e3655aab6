"""What an upload really is: its kind from the first bytes, then the whole file held to that kind.

A check of the head alone lets "4 KiB of text, then a program" pass as text, so every kind is read to
its end: text must be UTF-8 throughout with no control characters but whitespace; a PNG is a chain of
chunks (CRCs checked) ending with IEND; JPEG, GIF and WebP end where their format says; a ZIP's central
directory must be readable and end the file; a PDF must end with `startxref`, an offset that lands on
its cross-reference, and `%%EOF`. Nothing is decompressed, so a small hostile file stays cheap to check.
"""

from __future__ import annotations

import io
import re
import struct
import zipfile
import zlib
from collections.abc import Callable

from subgraphs.kernel.errors import BadUserInput

# Stable `extensions.reason` values of a refused file.
UNSUPPORTED = "FILE_TYPE_UNSUPPORTED"  # not a kind we accept at all
MISMATCH = "FILE_CONTENT_MISMATCH"  # starts as one kind, but the whole file is not that kind

TEXT = "text/plain"
_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"%PDF-", "application/pdf"),
    (b"PK\x03\x04", "application/zip"),
)
EXTENSIONS = {
    "image/png": "png", "image/jpeg": "jpg", "image/gif": "gif", "image/webp": "webp",
    "application/pdf": "pdf", "application/zip": "zip", TEXT: "txt",
}
NAMES = {
    "image/png": "PNG image", "image/jpeg": "JPEG image", "image/gif": "GIF image", "image/webp": "WebP image",
    "application/pdf": "PDF", "application/zip": "ZIP archive", TEXT: "UTF-8 text",
}
# C0 and C1 control characters other than tab, line feed, form feed and carriage return.
_CONTROL = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")


class FileRefused(BadUserInput):
    """A file that is not what it starts as, or of a kind we do not take; `reason` says which."""

    def __init__(self, message: str, *, reason: str, field: str | None = "contentBase64") -> None:
        super().__init__(message, field=field, reason=reason)
        self.reason = reason


def claimed_type(data: bytes) -> str:
    """The kind the first bytes announce (text when no format's signature matches)."""
    for magic, content_type in _SIGNATURES:
        if data.startswith(magic):
            return content_type
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return TEXT


def content_type_of(data: bytes, *, name: str = "the file") -> str:
    """The file's content type, once the whole file proved to be of that kind; else `FileRefused`."""
    content_type = claimed_type(data)
    if not _CHECKS[content_type](data):
        if content_type == TEXT:
            raise FileRefused(f"{name} is not an image, PDF, ZIP or plain-text file", reason=UNSUPPORTED)
        raise FileRefused(f"{name} starts as a {NAMES[content_type]} but is not one throughout", reason=MISMATCH)
    return content_type


def sniff_content_type(data: bytes) -> str | None:
    """The content type the whole file really has, or None when it is none we accept."""
    try:
        return content_type_of(data)
    except FileRefused:
        return None


def _is_text(data: bytes) -> bool:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return _CONTROL.search(text) is None


def _is_png(data: bytes) -> bool:
    at = 8
    while at + 12 <= len(data):
        (length,) = struct.unpack_from(">I", data, at)
        end = at + 12 + length
        if end > len(data):
            return False
        kind_and_body = data[at + 4 : at + 8 + length]
        if struct.unpack_from(">I", data, at + 8 + length)[0] != zlib.crc32(kind_and_body):
            return False
        if kind_and_body[:4] == b"IEND":
            return end == len(data)
        at = end
    return False


def _is_jpeg(data: bytes) -> bool:
    return data.rstrip(b"\x00").endswith(b"\xff\xd9")  # some encoders pad after End Of Image


def _is_gif(data: bytes) -> bool:
    return data.endswith(b";")  # the trailer byte


def _is_webp(data: bytes) -> bool:
    (size,) = struct.unpack_from("<I", data, 4)
    return size + 8 + (size & 1) == len(data) or size + 8 == len(data)


def _is_zip(data: bytes) -> bool:
    end = data.rfind(b"PK\x05\x06", max(0, len(data) - 65_557))
    if end < 0 or end + 22 > len(data):
        return False
    (comment,) = struct.unpack_from("<H", data, end + 20)
    if end + 22 + comment != len(data):
        return False  # something after the archive
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return all(_member_opens(archive, member) for member in archive.infolist())
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, ValueError, OSError):
        return False


def _member_opens(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> bool:
    """The member's local header is where the central directory says (nothing is decompressed)."""
    try:
        with archive.open(member):
            return True
    except RuntimeError:  # encrypted: refused only after its local header was read and matched
        return bool(member.flag_bits & 1)


_STARTXREF = re.compile(rb"startxref\s+(\d+)\s+%%EOF\s*\Z")
_XREF_AT = re.compile(rb"xref|\d+\s+\d+\s+obj")


def _is_pdf(data: bytes) -> bool:
    if re.match(rb"%PDF-\d\.\d", data) is None:
        return False
    found = _STARTXREF.search(data, max(0, len(data) - 1024))
    if found is None:
        return False
    offset = int(found.group(1))
    return offset < found.start() and _XREF_AT.match(data, offset) is not None


_CHECKS: dict[str, Callable[[bytes], bool]] = {
    TEXT: _is_text, "image/png": _is_png, "image/jpeg": _is_jpeg, "image/gif": _is_gif, "image/webp": _is_webp,
    "application/zip": _is_zip, "application/pdf": _is_pdf,
}
