"""Cloudinary storage uploads files as `authenticated` (private) assets under random ids and reads them
only through signed, expiring download links; tried against a local server speaking Cloudinary's API."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import httpx

from subgraphs.kernel import clock
from subgraphs.kernel.storage import CloudinaryStorage
from tests.subgraphs.kernel.cloudinary_server import fake_cloudinary
from tests.subgraphs.kernel.files.test_content import pdf, png


async def test_files_are_private_and_read_with_signed_expiring_links(http: httpx.AsyncClient) -> None:
    async with fake_cloudinary() as cloud:
        storage = CloudinaryStorage(cloud.cloudinary_url, ttl_seconds=900)
        image = await storage.save(folder="tickets/acme", data=png(), content_type="image/png")
        again = await storage.save(folder="tickets/acme", data=png(), content_type="image/png")
        document = await storage.save(folder="chat/acme/t1", data=pdf(), content_type="application/pdf")
        assert image.key.startswith("aurontek/tickets/acme/") and image.key != again.key  # random, not a hash
        assert document.key.endswith(".pdf")
        assert {a.type for a in cloud.assets.values()} == {"authenticated"}  # never public delivery
        assert cloud.assets[document.key].resource_type == "raw"

        link = storage.link(image.key, "image/png")
        assert link.startswith(f"{cloud.url}/v1_1/demo-cloud/image/download?")
        query = {k: v[0] for k, v in parse_qs(urlsplit(link).query).items()}
        assert query["type"] == "authenticated" and int(query["expires_at"]) > clock.now().timestamp()
        assert (await http.get(link)).content == png()
        assert (await http.get(storage.link(document.key, "application/pdf"))).content == pdf()

        tampered = link.replace(f"public_id={query['public_id'].replace('/', '%2F')}",
                                f"public_id={again.key.replace('/', '%2F')}")
        assert tampered != link and (await http.get(tampered)).status_code == 401
        clock.advance(timedelta(hours=-1))  # a link minted an hour ago, 15 minutes to live
        try:
            old = storage.link(image.key, "image/png")
        finally:
            clock.advance(timedelta(hours=1))
        assert (await http.get(old)).status_code == 401
