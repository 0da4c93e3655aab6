"""A local HTTP server speaking the small part of Cloudinary's API our storage uses: signed uploads
(`POST /v1_1/<cloud>/<resource type>/upload`) and signed, expiring private downloads
(`GET /v1_1/<cloud>/<resource type>/download`). The SDK reaches it through its `upload_prefix` option."""

from __future__ import annotations

import contextlib
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web
from cloudinary.utils import api_sign_request

from tests.harness import free_port


@dataclass
class Asset:
    data: bytes
    resource_type: str
    type: str
    format: str


@dataclass
class FakeCloudinary:
    cloud: str
    api_key: str
    api_secret: str
    url: str = ""
    assets: dict[str, Asset] = field(default_factory=dict)  # by public id
    downloads: list[dict[str, str]] = field(default_factory=list)

    @property
    def cloudinary_url(self) -> str:
        return f"cloudinary://{self.api_key}:{self.api_secret}@{self.cloud}?upload_prefix={self.url}"

    def _signed(self, params: dict[str, Any]) -> bool:
        if params.get("api_key") != self.api_key:
            return False
        signable = {k: v for k, v in params.items() if k not in ("signature", "api_key", "file", "resource_type")}
        return api_sign_request(signable, self.api_secret) == params.get("signature")

    async def upload(self, request: web.Request) -> web.Response:
        form = await request.post()
        params = {k: v for k, v in form.items() if isinstance(v, str)}
        upload = form.get("file")
        if not self._signed(params) or not isinstance(upload, web.FileField):
            return web.json_response({"error": {"message": "Invalid Signature"}}, status=401)
        resource_type = request.match_info["resource_type"]
        public_id = params["public_id"]
        if public_id in self.assets and params.get("overwrite") == "false":
            return web.json_response({"error": {"message": "exists"}}, status=409)
        kind = params.get("type", "upload")
        data = upload.file.read()
        fmt = "png" if data.startswith(b"\x89PNG") else ""
        self.assets[public_id] = Asset(data, resource_type, kind, fmt)
        return web.json_response({
            "public_id": public_id, "resource_type": resource_type, "type": kind, "format": fmt, "version": 1,
            "bytes": len(data), "secure_url": f"{self.url}/{self.cloud}/{resource_type}/{kind}/v1/{public_id}"})

    async def download(self, request: web.Request) -> web.Response:
        params = dict(request.query)
        self.downloads.append(params)
        if not self._signed(params):
            return web.json_response({"error": {"message": "Invalid Signature"}}, status=401)
        if int(params.get("expires_at", "0")) < time.time():
            return web.json_response({"error": {"message": "Expired"}}, status=401)
        asset = self.assets.get(params.get("public_id", ""))
        if asset is None or asset.resource_type != request.match_info["resource_type"] or \
                asset.type != params.get("type", "upload") or asset.format != params.get("format", ""):
            return web.json_response({"error": {"message": "Resource not found"}}, status=404)
        return web.Response(body=asset.data, content_type="application/octet-stream")


@contextlib.asynccontextmanager
async def fake_cloudinary() -> AsyncIterator[FakeCloudinary]:
    fake = FakeCloudinary(cloud="demo-cloud", api_key="123456789012345", api_secret="fake-api-secret")
    app = web.Application()
    app.router.add_post("/v1_1/{cloud}/{resource_type}/upload", fake.upload)
    app.router.add_get("/v1_1/{cloud}/{resource_type}/download", fake.download)
    runner = web.AppRunner(app)
    await runner.setup()
    port = free_port()
    site = web.TCPSite(runner, "127.0.0.1", port)
    await site.start()
    fake.url = f"http://127.0.0.1:{port}"
    try:
        yield fake
    finally:
        await runner.cleanup()
