"""Uploads are checked whole for the kind their first bytes claim, not by their head alone."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

import pytest

from subgraphs.kernel.files.content import MISMATCH, UNSUPPORTED, FileRefused, content_type_of

ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 8 + b"\x02\x00\x3e\x00" + bytes(range(256)) * 4


def png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00"))
            + chunk(b"IEND", b""))


def pdf() -> bytes:
    """A minimal PDF whose `startxref` points at its cross-reference table."""
    body = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n"
    xref = len(body)
    return body + b"xref\n0 2\ntrailer << /Root 1 0 R /Size 2 >>\nstartxref\n" + str(xref).encode() + b"\n%%EOF\n"


def zip_archive() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("logs/error.txt", "disk full\n" * 50)
    return buffer.getvalue()


@pytest.mark.parametrize(("data", "expected"), [
    (png(), "image/png"), (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x11" * 40 + b"\xff\xd9", "image/jpeg"),
    (b"GIF89a" + b"\x01" * 20 + b";", "image/gif"), (b"RIFF\x0c\x00\x00\x00WEBPVP8 \x00\x00\x00\x00", "image/webp"),
    (pdf(), "application/pdf"), (zip_archive(), "application/zip"),
    ("hola, ¿qué tal?\r\n\tfin\n".encode(), "text/plain"), ("\ufeffBOM first".encode(), "text/plain"),
])
def test_files_that_are_what_they_claim_pass(data: bytes, expected: str) -> None:
    assert content_type_of(data) == expected


def test_text_followed_by_a_program_is_refused_as_not_text() -> None:
    with pytest.raises(FileRefused) as refused:
        content_type_of(b"notes\n" * 700 + ELF, name="notes.txt")  # over 4 KiB of text first
    assert refused.value.reason == UNSUPPORTED and "notes.txt" in refused.value.message


@pytest.mark.parametrize("data", [
    b"line one\x00line two", b"bell \x07 inside", b"escape \x1b[31m red", "c1 \x85 control".encode(),
    b"caf\xe9 in latin-1",
])
def test_text_is_utf8_without_control_characters_throughout(data: bytes) -> None:
    with pytest.raises(FileRefused) as refused:
        content_type_of(b"a" * 5000 + data)
    assert refused.value.reason == UNSUPPORTED


@pytest.mark.parametrize("data", [
    png() + ELF,  # bytes after IEND
    png()[:-6] + b"\x00\x00" + png()[-4:],  # a chunk whose CRC does not match
    png()[:40],  # cut short
    b"%PDF-1.4\n" + ELF,  # no trailer
    pdf() + ELF,  # something after %%EOF
    pdf().replace(b"startxref\n", b"startxref\n9"),  # startxref pointing nowhere
    zip_archive() + ELF,  # something after the end of the central directory
    b"PK\x03\x04" + ELF,  # no central directory
    zip_archive().replace(b"logs/error.txt", b"logs/errorXtxt", 1),  # a local header that is not the member's
    b"\xff\xd8\xff\xe0" + ELF, b"GIF89a" + ELF, b"RIFF\x0c\x00\x00\x00WEBPVP8 " + ELF,
])
def test_a_format_that_does_not_hold_to_its_end_is_refused(data: bytes) -> None:
    with pytest.raises(FileRefused) as refused:
        content_type_of(data, name="x")
    assert refused.value.reason == MISMATCH and refused.value.extensions == {"field": "contentBase64",
                                                                             "reason": MISMATCH}
