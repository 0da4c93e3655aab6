"""The storage adapter keeps files under random keys and reads them only through signed links."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from subgraphs.kernel.files.links import FileLinks
from subgraphs.kernel.storage import LocalStorage


def links(service: str = "tickets", secret: bytes = b"k" * 32) -> FileLinks:
    return FileLinks(service=service, secret=secret, public_url="https://api.example.test/", ttl_seconds=900)


async def test_local_storage_keys_are_random_and_refuse_escapes(tmp_path: Path) -> None:
    storage = LocalStorage(tmp_path, links())
    stored = await storage.save(folder="photos/acme", data=b"\x89PNG\r\n\x1a\nxx", content_type="image/png")
    assert stored.key.startswith("photos/acme/") and stored.key.endswith(".png")
    assert storage.path_of(stored.key).read_bytes() == b"\x89PNG\r\n\x1a\nxx"  # type: ignore[union-attr]
    assert storage.path_of("../../etc/passwd") is None
    again = await storage.save(folder="photos/acme", data=b"\x89PNG\r\n\x1a\nxx", content_type="image/png")
    assert again.key != stored.key  # the bytes do not name the file: knowing them finds nothing


def test_links_are_signed_for_one_service_and_expire() -> None:
    signer = links()
    url = urlsplit(signer.url("tickets/acme/abc.png", expires=2_000_000_000))
    assert (url.scheme, url.netloc, url.path) == ("https", "api.example.test", "/files/tickets/tickets/acme/abc.png")
    query = {k: v[0] for k, v in parse_qs(url.query).items()}
    assert signer.verify("tickets/acme/abc.png", query["expires"], query["signature"])
    assert not signer.verify("tickets/acme/abd.png", query["expires"], query["signature"])  # another key
    assert not signer.verify("tickets/acme/abc.png", "2000000001", query["signature"])  # a longer life
    assert not links("chat").verify("tickets/acme/abc.png", query["expires"], query["signature"])
    assert not links(secret=b"j" * 32).verify("tickets/acme/abc.png", query["expires"], query["signature"])
    past = signer.url("tickets/acme/abc.png", expires=1_000_000_000)
    expired = {k: v[0] for k, v in parse_qs(urlsplit(past).query).items()}
    assert not signer.verify("tickets/acme/abc.png", expired["expires"], expired["signature"])
    assert not signer.verify("tickets/acme/abc.png", None, None)
