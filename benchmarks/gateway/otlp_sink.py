"""A trace collector stand-in for the tracing benchmark: takes OTLP/HTTP exports, counts their spans, keeps nothing.

`python -m benchmarks.gateway.otlp_sink PORT`; `GET /count` answers the spans taken so far (so the benchmark can
show that the traced gateway really exported)."""

from __future__ import annotations

import sys

from aiohttp import web
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import (
    ExportTraceServiceRequest,
    ExportTraceServiceResponse,
)

ANSWER = ExportTraceServiceResponse().SerializeToString()


def main() -> None:
    taken = {"spans": 0}

    async def traces(request: web.Request) -> web.Response:
        export = ExportTraceServiceRequest()
        export.ParseFromString(await request.read())
        taken["spans"] += sum(len(scope.spans) for resource in export.resource_spans for scope in resource.scope_spans)
        return web.Response(body=ANSWER, content_type="application/x-protobuf")

    async def count(_: web.Request) -> web.Response:
        return web.json_response(taken)

    app = web.Application(client_max_size=64 * 1024 * 1024)
    app.router.add_post("/v1/traces", traces)
    app.router.add_get("/count", count)
    web.run_app(app, host="127.0.0.1", port=int(sys.argv[1]), print=None)


if __name__ == "__main__":
    main()
