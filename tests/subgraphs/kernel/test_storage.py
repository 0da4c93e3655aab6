"""The storage adapter keeps files by content hash and trusts bytes, not declared types."""

from __future__ import annotations

from pathlib import Path

from subgraphs.kernel.storage import LocalStorage, sniff_content_type


def test_content_types_come_from_the_bytes() -> None:
    assert sniff_content_type(b"\x89PNG\r\n\x1a\n....") == "image/png"
    assert sniff_content_type(b"\xff\xd8\xff\xe0JFIF") == "image/jpeg"
    assert sniff_content_type(b"RIFF\x00\x00\x00\x00WEBPVP8 ") == "image/webp"
    assert sniff_content_type(b"%PDF-1.7") == "application/pdf"
    assert sniff_content_type("hola, ¿qué tal?".encode()) == "text/plain"
    assert sniff_content_type(b"\x00\x01\x02\xfe\xff") is None


async def test_local_storage_saves_and_refuses_escapes(tmp_path: Path) -> None:
    storage = LocalStorage(tmp_path, "http://files.test")
    stored = await storage.save(folder="photos/acme", data=b"\x89PNG\r\n\x1a\nxx", content_type="image/png")
    assert stored.url.startswith("http://files.test/files/photos/acme/") and stored.url.endswith(".png")
    assert storage.path_of(stored.key).read_bytes() == b"\x89PNG\r\n\x1a\nxx"
    assert storage.path_of("../../etc/passwd") is None
    again = await storage.save(folder="photos/acme", data=b"\x89PNG\r\n\x1a\nxx", content_type="image/png")
    assert again.key == stored.key  # same bytes, same file
