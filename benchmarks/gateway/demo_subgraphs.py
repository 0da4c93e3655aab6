"""The classic federation demo (accounts, products, inventory, reviews) as four subgraphs
on four ports of one process. Identical requests are answered from a memo after the first
execution, so the benchmark measures the gateway rather than the subgraphs."""

from __future__ import annotations

import argparse
import asyncio
from typing import Any

import orjson
from aiohttp import web
from graphql import graphql

from tests.supergraph.tiny_subgraph import TinySubgraph, _field_resolver, _type_resolver

USERS = [{"id": str(i), "name": f"User {i}", "username": f"user{i}"} for i in range(1, 11)]
PRODUCTS = [{"upc": str(i), "name": f"Product {i}", "price": 100 * i, "weight": 10 + i} for i in range(1, 11)]
REVIEWS: list[dict[str, Any]] = [
    {"id": str(n), "body": f"Review {n}", "author": USERS[n % 10], "product": PRODUCTS[(n * 3) % 10]}
    for n in range(1, 31)
]


def _review(review: dict[str, Any]) -> dict[str, Any]:
    author = review["author"]
    return {
        "id": review["id"],
        "body": review["body"],
        "author": {"id": author["id"], "username": author["username"]},
        "product": {"upc": review["product"]["upc"]},
    }


def _reviews_by(user_id: str | None = None, upc: str | None = None) -> list[dict[str, Any]]:
    return [_review(r) for r in REVIEWS if r["author"]["id"] == user_id or r["product"]["upc"] == upc]


def demo_subgraphs() -> list[TinySubgraph]:
    accounts = TinySubgraph(
        "accounts",
        """
        type Query { me: User users: [User] }
        type User @key(fields: "id") { id: ID! name: String username: String @shareable }
        """,
        resolvers={"Query": {"me": lambda _: USERS[0], "users": lambda _: USERS}},
        references={"User": lambda rep: next(u for u in USERS if u["id"] == rep["id"])},
    )
    products = TinySubgraph(
        "products",
        """
        type Query { topProducts(first: Int = 5): [Product] }
        type Product @key(fields: "upc") { upc: String! name: String price: Int weight: Int }
        """,
        resolvers={"Query": {"topProducts": lambda _, first=5: PRODUCTS[:first]}},
        references={"Product": lambda rep: next(p for p in PRODUCTS if p["upc"] == rep["upc"])},
    )
    inventory = TinySubgraph(
        "inventory",
        """
        type Product @key(fields: "upc") {
          upc: String!
          weight: Int @external
          price: Int @external
          inStock: Boolean
          shippingEstimate: Int @requires(fields: "price weight")
        }
        """,
        references={
            "Product": lambda rep: {
                "upc": rep["upc"],
                "inStock": int(rep["upc"]) % 3 != 0,
                "shippingEstimate": 0 if rep.get("price", 0) > 1000 else rep.get("weight", 0) // 2,
            }
        },
    )
    reviews = TinySubgraph(
        "reviews",
        """
        type Review @key(fields: "id") {
          id: ID!
          body: String
          author: User @provides(fields: "username")
          product: Product
        }
        type User @key(fields: "id") { id: ID! username: String @external reviews: [Review] }
        type Product @key(fields: "upc") { upc: String! reviews: [Review] }
        """,
        resolvers={
            "User": {"reviews": lambda user: _reviews_by(user_id=user["id"])},
            "Product": {"reviews": lambda product: _reviews_by(upc=product["upc"])},
        },
        references={"Review": lambda rep: next(_review(r) for r in REVIEWS if r["id"] == rep["id"])},
    )
    return [accounts, products, inventory, reviews]


def memo_app(subgraph: TinySubgraph) -> web.Application:
    schema = subgraph.schema()
    resolve = _field_resolver(subgraph)
    memo: dict[bytes, bytes] = {}

    async def handle(request: web.Request) -> web.Response:
        raw = await request.read()
        answer = memo.get(raw)
        if answer is None:
            body = orjson.loads(raw)
            result = await graphql(
                schema,
                body["query"],
                variable_values=body.get("variables"),
                field_resolver=resolve,
                type_resolver=_type_resolver,
            )
            payload: dict[str, Any] = {"data": result.data}
            if result.errors:
                payload["errors"] = [e.formatted for e in result.errors]
            answer = memo[raw] = orjson.dumps(payload)
        return web.Response(body=answer, content_type="application/json")

    app = web.Application()
    app.router.add_post("/graphql", handle)
    return app


async def serve(base_port: int) -> None:
    runners = []
    for offset, subgraph in enumerate(demo_subgraphs()):
        runner = web.AppRunner(memo_app(subgraph), access_log=None)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", base_port + offset).start()
        runners.append(runner)
        print(f"{subgraph.name}=http://127.0.0.1:{base_port + offset}/graphql", flush=True)
    await asyncio.Event().wait()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base-port", type=int, default=4201)
    asyncio.run(serve(parser.parse_args().base_port))
