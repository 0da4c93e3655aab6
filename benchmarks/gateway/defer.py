"""Time to the first byte of a ticket page with and without `@defer` while the IA subgraph is slow.

Two subgraphs over real HTTP in this process: `tickets` (the ticket: reference, title, status, description) and
`ia` (similar tickets and suggested replies for a ticket), which takes `--ia-ms` (300 ms) to answer anything. Our
gateway runs as its own process (`aurontek serve gateway`) on the composed supergraph. The same ticket page is asked
`--requests` times each way, one request at a time, alternating:

- `whole`: the query as it is, `Accept: application/json`: the page can show nothing until the IA answers;
- `deferred`: the IA's fields in a fragment with `@defer`, `Accept: multipart/mixed;deferSpec=20220824` (what
  Apollo Client sends): the first part carries the ticket, the second the IA's fields.

Reported per way: the time to the first byte of the body, to the first part that a page can show (the ticket), and
to the whole answer; p50 and p95 in milliseconds.

    .venv/bin/python -m benchmarks.gateway.defer
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from pathlib import Path

import httpx

from benchmarks.gateway.bench import _start, _stop, _wait
from subgraphs.kernel.embedded_mongo import free_port
from tests.supergraph.gateway_harness import compose_subgraphs
from tests.supergraph.tiny_subgraph import TinySubgraph, serve_subgraphs

TICKETS = {str(n): {"id": str(n), "reference": f"TKT-2026-{n:06d}", "title": f"Printer {n} jams",
                    "status": "open", "description": "The printer on the second floor jams on every page."}
           for n in range(1, 21)}
FIELDS = "id reference title status description"
IA = "similarTickets { similarity ticket { id reference title } } suggestedReplies { text similarity }"
WHOLE = f'query TicketPage($id: ID!) {{ ticket(id: $id) {{ {FIELDS} {IA} }} }}'
DEFERRED = f'query TicketPage($id: ID!) {{ ticket(id: $id) {{ {FIELDS} ... @defer(label: "ia") {{ {IA} }} }} }}'
ACCEPT = {"whole": "application/json", "deferred": "multipart/mixed;deferSpec=20220824,application/json"}


def subgraphs(ia_seconds: float) -> list[TinySubgraph]:
    tickets = TinySubgraph(
        "tickets",
        """
        type Query { ticket(id: ID!): Ticket }
        type Ticket @key(fields: "id") { id: ID! reference: String! title: String! status: String!
                                         description: String! }
        """,
        resolvers={"Query": {"ticket": lambda _, id: TICKETS.get(id)}},
        references={"Ticket": lambda rep: TICKETS.get(rep["id"])},
    )
    ia = TinySubgraph(
        "ia",
        """
        type Ticket @key(fields: "id") { id: ID! similarTickets: [SimilarTicket!]! suggestedReplies: [Reply!]! }
        type SimilarTicket { similarity: Float! ticket: Ticket! }
        type Reply { text: String! similarity: Float! }
        """,
        references={"Ticket": lambda rep: {
            "id": rep["id"],
            "similarTickets": [{"similarity": 0.9 - n / 10, "ticket": {"id": str((int(rep["id"]) + n) % 20 + 1)}}
                               for n in range(5)],
            "suggestedReplies": [{"text": "Open the rear tray and clear the roller.", "similarity": 0.8}],
        }},
        delay=ia_seconds,
    )
    return [tickets, ia]


async def once(client: httpx.AsyncClient, url: str, way: str, ticket: str) -> tuple[float, float, float]:
    """(first byte, first showable part, whole answer) in milliseconds, for one request."""
    query = DEFERRED if way == "deferred" else WHOLE
    began = time.perf_counter()
    first_byte = shown = 0.0
    body = b""
    async with client.stream("POST", url, json={"query": query, "variables": {"id": ticket}},
                             headers={"accept": ACCEPT[way], "content-type": "application/json"}) as response:
        async for chunk in response.aiter_raw():
            now = time.perf_counter()
            first_byte = first_byte or now
            body += chunk
            if not shown and (way == "whole" or b'"hasNext":true' in body):
                shown = now
    done = time.perf_counter()
    assert b"TKT-2026" in body and b"rear tray" in body, body[:300]
    return (first_byte - began) * 1000, (shown - began) * 1000, (done - began) * 1000


def _percentiles(values: list[float]) -> tuple[float, float]:
    ordered = sorted(values)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


async def run(requests: int, ia_ms: float) -> dict[str, list[tuple[float, float, float]]]:
    async with serve_subgraphs(subgraphs(ia_ms / 1000)) as running:
        with tempfile.TemporaryDirectory() as directory:
            supergraph = Path(directory) / "supergraph.graphql"
            supergraph.write_text(compose_subgraphs(running))
            port = free_port()
            gateway = _start("aurontek", supergraph, port)
            try:
                await asyncio.to_thread(_wait, f"http://127.0.0.1:{port}/health")
                url = f"http://127.0.0.1:{port}/graphql"
                timings: dict[str, list[tuple[float, float, float]]] = {"whole": [], "deferred": []}
                async with httpx.AsyncClient(timeout=30) as client:
                    for way in timings:  # warm-up: plans cached, connections open
                        await once(client, url, way, "1")
                    for n in range(requests):
                        for way in (("whole", "deferred") if n % 2 == 0 else ("deferred", "whole")):
                            timings[way].append(await once(client, url, way, str(n % 20 + 1)))
                return timings
            finally:
                _stop(gateway)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=40)
    parser.add_argument("--ia-ms", type=float, default=300.0)
    args = parser.parse_args()
    timings = asyncio.run(run(args.requests, args.ia_ms))
    print(f"IA subgraph held {args.ia_ms:.0f} ms; {args.requests} requests each way, one at a time, alternating\n")
    print("| way | first byte p50 / p95 ms | ticket shown p50 / p95 ms | whole answer p50 / p95 ms |")
    print("|---|---|---|---|")
    for way, rows in timings.items():
        cells = [_percentiles([row[i] for row in rows]) for i in range(3)]
        print(f"| {way} | " + " | ".join(f"{p50:.1f} / {p95:.1f}" for p50, p95 in cells) + " |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
